/**
 * Signing in: with a login and password, or with a one-time link; and the one
 * password check (with the lockout) that changing a password asks too.
 *
 * - A wrong login and a wrong password get the same answer, 401
 *   INVALID_CREDENTIALS, after the same work: an unknown login, a disabled
 *   user and a user without a password still run one scrypt check. An unknown
 *   login (or a disabled user's) is locked like a real one too, counted in
 *   memory (failures.ts), so a lock does not tell which logins exist.
 * - `maxFailuresPerAddress` failed sign-ins from one client address within
 *   `lockMs` refuse that address (429 SIGN_IN_LOCKED) whatever the login,
 *   before any password is hashed. Counted in this process's memory.
 * - `maxFailures` failed checks in a row lock the user for `lockMs`: 429
 *   SIGN_IN_LOCKED (with the seconds left) even for the right password. The
 *   count is in the database and moves atomically (store.ts `beginAttempt`), so
 *   it holds across API processes and concurrent attempts. A success, or a
 *   sign-in link, starts the count again.
 * - Every sign-in opens a new session with a fresh token.
 *
 * @example
 * const signIn = createSignIn(users, { maxFailures: 5 })
 * const { token, user } = await signIn.withPassword({ tenantId: 'maple', login: 'li.na', password: '…' })
 */
import { ApiError } from '../errors.js'
import { createFailureCounter } from './failures.js'
import { burnPasswordCheck, verifyPassword } from './password.js'
import type { UserStore } from './store.js'
import { type User, normalizeLogin } from './types.js'

export interface SignInLimits {
  /** Failed password checks in a row that lock a user. */
  maxFailures: number
  /** Failed sign-ins from one client address within `lockMs` that refuse the address. */
  maxFailuresPerAddress: number
  /** How long the lock lasts. */
  lockMs: number
  /** How long a session lives. */
  sessionTtlMs: number
  /** How long a sign-in link stays usable. */
  linkTtlMs: number
  /** Reverse proxies of the operator's own in front of the server: how a client's address is read (see client-address.ts). */
  trustProxyHops: number
}

const HOUR_MS = 3_600_000

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  maxFailures: 5,
  maxFailuresPerAddress: 50,
  lockMs: 15 * 60_000,
  sessionTtlMs: 168 * HOUR_MS,
  linkTtlMs: 72 * HOUR_MS,
  trustProxyHops: 0,
}

export interface SignedIn {
  /** The session's bearer token (`tbs_…`), shown this once. */
  token: string
  sessionId: string
  expiresAt: Date
  user: User
}

export interface SignIn {
  readonly limits: SignInLimits
  /** `address`: the client's, when known (no per-address limit without). Codes: INVALID_CREDENTIALS, SIGN_IN_LOCKED. */
  withPassword(input: { tenantId: string; login: string; password: string; address?: string | undefined }): Promise<SignedIn>
  /** Codes: SIGN_IN_LINK_INVALID. */
  withLink(input: { tenantId: string; token: string }): Promise<SignedIn & { mustSetPassword: boolean }>
  /** Check a known user's password, counted like a sign-in. Codes: INVALID_CREDENTIALS, SIGN_IN_LOCKED. */
  checkPassword(user: Pick<User, 'tenantId' | 'id'>, password: string): Promise<void>
}

const invalidCredentials = () => new ApiError('INVALID_CREDENTIALS', 'the login or the password is wrong')

const invalidLink = () => new ApiError('SIGN_IN_LINK_INVALID', 'this sign-in link is unknown, used or expired: ask for a new one')

export function createSignIn(store: UserStore, limits: Partial<SignInLimits> = {}): SignIn {
  const all: SignInLimits = { ...DEFAULT_SIGN_IN_LIMITS, ...limits }
  const now = () => store.now()
  const perAddress = createFailureCounter('window', { max: all.maxFailuresPerAddress, windowMs: all.lockMs, now })
  const unknownLogins = createFailureCounter('lockout', { max: all.maxFailures, windowMs: all.lockMs, now })

  const secondsUntil = (until: Date) => Math.max(1, Math.ceil((until.getTime() - now().getTime()) / 1000))
  /** The one answer to a lock, a user's or an address's: the same words, so neither tells which it was. */
  const locked = (until: Date) => {
    const seconds = secondsUntil(until)
    return new ApiError('SIGN_IN_LOCKED', `too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} min`, {
      retryAfterSeconds: seconds,
    })
  }

  /** One counted check of the password against the stored hash (or none: always wrong). */
  const check = async (tenantId: string, userId: string, passwordHash: string | null, password: string): Promise<void> => {
    const attempt = await store.beginAttempt(tenantId, userId, all)
    if (!attempt.allowed) throw locked(attempt.lockedUntil)
    let ok = false
    if (passwordHash === null) await burnPasswordCheck(password)
    else ok = await verifyPassword(password, passwordHash)
    if (!ok) throw invalidCredentials()
    await store.attemptSucceeded(tenantId, userId)
  }

  const open = async (user: User, viaLink: boolean): Promise<SignedIn> => {
    const session = await store.sessions.open({ tenantId: user.tenantId, userId: user.id, ttlMs: all.sessionTtlMs, viaLink })
    return { token: session.token, sessionId: session.id, expiresAt: session.expiresAt, user: { ...user, lockedUntil: null } }
  }

  return {
    limits: all,

    async withPassword({ tenantId, login, password, address }) {
      if (address !== undefined) {
        const until = perAddress.refusedUntil(address)
        if (until) throw locked(until)
      }
      try {
        const found = await store.credentials(tenantId, { login })
        if (!found || found.user.disabledAt !== null) {
          // No user to lock: counted here as beginAttempt counts a user's, so the answers match.
          const key = `${tenantId}\u0000${normalizeLogin(login)}`
          const until = unknownLogins.refusedUntil(key)
          if (until) throw locked(until)
          unknownLogins.failed(key)
          await burnPasswordCheck(password)
          throw invalidCredentials()
        }
        await check(tenantId, found.user.id, found.passwordHash, password)
        return open(found.user, false)
      } catch (e) {
        if (address !== undefined && e instanceof ApiError && (e.code === 'INVALID_CREDENTIALS' || e.code === 'SIGN_IN_LOCKED'))
          perAddress.failed(address)
        throw e
      }
    },

    async withLink({ tenantId, token }) {
      const used = await store.links.use(tenantId, token)
      if (!used) throw invalidLink()
      const user = await store.get(tenantId, used.userId)
      if (!user || user.disabledAt !== null) throw invalidLink()
      // The link is an admin's word for the user: it ends a lock like a right password.
      await store.attemptSucceeded(tenantId, user.id)
      return { ...(await open(user, true)), mustSetPassword: !user.hasPassword }
    },

    async checkPassword(user, password) {
      const found = await store.credentials(user.tenantId, { id: user.id })
      await check(user.tenantId, user.id, found?.passwordHash ?? null, password)
    },
  }
}
