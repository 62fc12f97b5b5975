/**
 * Sessions: a bearer token `tbs_…` (256 random bits) handed out at sign-in,
 * stored only as its SHA-256 hash, live until it expires, is revoked (sign
 * out, a password change, the user disabled) or its user is disabled.
 *
 * `authenticate` keeps live sessions in a short-lived in-process cache like
 * the API keys' (keys/cache.ts): a revocation through this store takes effect
 * at once in this process; one made by another process sharing the database is
 * seen within the cache's TTL. An expiry is checked on every use, cached or not.
 *
 * @example
 * const { token } = await sessions.open({ tenantId: 'maple', userId: 'lina', ttlMs: 7 * 86_400_000 })
 * await sessions.authenticate(token) // → { id, expiresAt, user, … }
 * await sessions.revoke('maple', id)
 */
import { randomBytes } from 'node:crypto'
import type { LedgerDatabase } from '@timebank/ledger'
import { and, eq, gt, isNull, ne } from 'drizzle-orm'
import type { TokenCache } from '../keys/cache.js'
import { hashSecret } from '../keys/store.js'
import { sessions, users } from './schema.js'
import { type LiveSession, toUser } from './types.js'

/** What every session token starts with; API keys start with `tbk_`. */
export const SESSION_PREFIX = 'tbs_'

export interface OpenSessionInput {
  tenantId: string
  userId: string
  ttlMs: number
  /** Opened with a sign-in link. */
  viaLink?: boolean
}

export interface OpenedSession {
  /** The bearer token, shown this once. */
  token: string
  id: string
  expiresAt: Date
}

export interface SessionStore {
  /** A new session with a fresh token (never one the client sent: no fixation). */
  open(input: OpenSessionInput): Promise<OpenedSession>
  /** The live session with this token, or null. May answer from the cache. */
  authenticate(token: string): Promise<LiveSession | null>
  /** Sign one session out (at once in this process); unknown or revoked ones are left as they are. */
  revoke(tenantId: string, id: string): Promise<void>
  /** Sign every session of the user out (at once in this process). */
  revokeAll(tenantId: string, userId: string): Promise<void>
  /** Inside the caller's transaction: revoke the user's sessions but `except`. Call `forgetUser` after. */
  revokeAllIn(tx: LedgerDatabase, tenantId: string, userId: string, now: Date, except?: string): Promise<void>
  /** Inside the caller's transaction: the session is no longer a link's. Call `forgetUser` after. */
  settleLinkIn(tx: LedgerDatabase, tenantId: string, id: string): Promise<void>
  /** Drop the user's cached sessions now, and the answers of lookups in flight. */
  forgetUser(tenantId: string, userId: string): void
}

const newSessionId = () => `ses_${randomBytes(12).toString('base64url')}`
const newToken = () => `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`

/** Cached sessions are shared by every request presenting them, so nothing may change them. */
const frozen = (s: LiveSession): LiveSession => {
  Object.freeze(s.user)
  return Object.freeze(s)
}

export function createSessionStore(db: LedgerDatabase, options: { clock: () => Date; cache: TokenCache<LiveSession> }): SessionStore {
  const { clock, cache } = options
  const forgetUser = (tenantId: string, userId: string) => cache.evict((s) => s.tenantId === tenantId && s.user.id === userId)
  const revokeAllIn: SessionStore['revokeAllIn'] = async (tx, tenantId, userId, now, except) => {
    const where = [eq(sessions.tenantId, tenantId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)]
    if (except !== undefined) where.push(ne(sessions.id, except))
    await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(...where))
  }

  return {
    async open({ tenantId, userId, ttlMs, viaLink = false }) {
      const token = newToken()
      const createdAt = clock()
      const expiresAt = new Date(createdAt.getTime() + ttlMs)
      const id = newSessionId()
      await db.insert(sessions).values({ tenantId, id, userId, tokenHash: hashSecret(token), viaLink, createdAt, expiresAt })
      return { token, id, expiresAt }
    },

    async authenticate(token) {
      const hash = hashSecret(token)
      const now = clock()
      const cached = cache.get(hash)
      if (cached) return cached.expiresAt > now ? cached : null
      const ticket = cache.ticket()
      const [r] = await db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, and(eq(users.tenantId, sessions.tenantId), eq(users.id, sessions.userId)))
        .where(and(eq(sessions.tokenHash, hash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
      if (!r) return null
      const live = frozen({
        tenantId: r.session.tenantId,
        id: r.session.id,
        expiresAt: r.session.expiresAt,
        viaLink: r.session.viaLink,
        user: toUser(r.user),
      })
      cache.put(hash, live, ticket)
      return live
    },

    async revoke(tenantId, id) {
      try {
        await db
          .update(sessions)
          .set({ revokedAt: clock() })
          .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id), isNull(sessions.revokedAt)))
      } finally {
        // Also after a failure: the commit may have happened before the error reached us.
        cache.evict((s) => s.tenantId === tenantId && s.id === id)
      }
    },

    async revokeAll(tenantId, userId) {
      try {
        await revokeAllIn(db, tenantId, userId, clock())
      } finally {
        forgetUser(tenantId, userId)
      }
    },

    revokeAllIn,

    async settleLinkIn(tx, tenantId, id) {
      await tx
        .update(sessions)
        .set({ viaLink: false })
        .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id)))
    },

    forgetUser,
  }
}
