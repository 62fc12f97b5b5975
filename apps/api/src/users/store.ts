/**
 * Users: create (idempotent by id), read, list, disable, set a password, and
 * the failed-attempt count behind the sign-in lockout, kept in the database so
 * every API process sharing it counts the same attempts. Sessions (sessions.ts)
 * and sign-in links (links.ts) hang off the same store.
 *
 * Time comes from the store's clock (injectable), never the database's, so a
 * test can move it past a lock or an expiry.
 *
 * @example
 * const users = createUserStore(db, { cache: { ttlMs: 5000 } })
 * const { user } = await users.create({ tenantId: 'maple', id: 'lina', login: 'Li.Na', name: '李娜', role: 'staff', createdBy: 'key_1' })
 * const { token } = await users.sessions.open({ tenantId: 'maple', userId: 'lina', ttlMs: 3_600_000 })
 */
import type { LedgerDatabase } from '@timebank/ledger'
import { createOnce, requestHash, sqlState } from '@timebank/ledger/kit'
import { type SQL, and, asc, eq, gt, sql } from 'drizzle-orm'
import { ApiError } from '../errors.js'
import { TokenCache, type TokenCacheOptions } from '../keys/cache.js'
import type { Role } from '../keys/types.js'
import { type LinkStore, createLinkStore } from './links.js'
import { users } from './schema.js'
import { type SessionStore, createSessionStore } from './sessions.js'
import { type LiveSession, type User, normalizeLogin, toUser } from './types.js'

export interface CreateUserInput {
  tenantId: string
  /** The client's id, also the idempotency key: the same request again answers the user it made. */
  id: string
  login: string
  name: string
  role: Role
  /** Member users: their member. */
  memberId?: string | null
  /** Staff users: the grid whose subtree they are limited to. */
  gridId?: string | null
  /** A hash from password.ts, or none (the user signs in with a link first). */
  passwordHash?: string | null
  /** The actor creating it (a key's id, `user:<id>`), null at bootstrap. */
  createdBy: string | null
}

export interface ListUsersInput {
  tenantId: string
  role?: Role
  memberId?: string
  /** Users with ids after this one (the previous page's `nextAfter`). */
  after?: string
  limit: number
}

/** A user's password hash with the user, for checking a sign-in. */
export interface Credentials {
  user: User
  passwordHash: string | null
}

/** Whether one more password check may run now: a lock answers when it ends. */
export type Attempt = { allowed: true } | { allowed: false; lockedUntil: Date }

export interface LockoutLimits {
  /** Failures in a row that lock the user. */
  maxFailures: number
  /** How long a lock lasts. */
  lockMs: number
}

export interface UserStore {
  /** Codes: IDEMPOTENCY_CONFLICT (the id made another user), LOGIN_TAKEN (another user has the login). */
  create(input: CreateUserInput): Promise<{ user: User; replayed: boolean }>
  get(tenantId: string, id: string): Promise<User | null>
  /** The user with this login (any case) or id, disabled ones included, with the password's hash. */
  credentials(tenantId: string, by: { login: string } | { id: string }): Promise<Credentials | null>
  /** A page of users ordered by id. */
  list(input: ListUsersInput): Promise<{ users: User[]; nextAfter: string | null }>
  /** True when the tenant has any user at all. */
  any(tenantId: string): Promise<boolean>
  /** Disable the user and revoke every session of theirs (at once in this process). Disabling again returns the user as it is. */
  disable(tenantId: string, id: string): Promise<User | null>
  /**
   * The member was erased: their users are disabled, their sessions end, and their login, name and password
   * go (the login becomes `erased <id>`, which no login given to a user can be). Again harmlessly on a retry.
   */
  eraseMember(tenantId: string, memberId: string): Promise<void>
  /** Set the password's hash and revoke the user's sessions but `keep` (at once in this process). */
  setPassword(tenantId: string, id: string, passwordHash: string, keep?: string): Promise<void>
  /**
   * Count one more password check before it runs, atomically: at `maxFailures` in a row the user is
   * locked for `lockMs` (this check still runs: a right password ends the lock). A locked user is refused.
   */
  beginAttempt(tenantId: string, id: string, limits: LockoutLimits): Promise<Attempt>
  /** The check passed: the count starts again and any lock ends. */
  attemptSucceeded(tenantId: string, id: string): Promise<void>
  sessions: SessionStore
  links: LinkStore
  /** The store's clock. */
  now(): Date
}

export interface UserStoreOptions {
  /** The cache of authenticated sessions, or its settings (default 5 s, 10,000 sessions); `{ ttlMs: 0 }` disables it. */
  cache?: TokenCache<LiveSession> | TokenCacheOptions
  /** Now (injectable for tests); default the system clock. */
  clock?: () => Date
}

type Row = typeof users.$inferSelect

const iso = (d: Date) => d.toISOString()

export function createUserStore(db: LedgerDatabase, options: UserStoreOptions = {}): UserStore {
  const clock = options.clock ?? (() => new Date())
  const cache = options.cache instanceof TokenCache ? options.cache : new TokenCache<LiveSession>(options.cache)
  const sessions = createSessionStore(db, { clock, cache })
  const links = createLinkStore(db, { clock })
  const byId = (tenantId: string, id: string) => and(eq(users.tenantId, tenantId), eq(users.id, id))

  const get = async (tenantId: string, id: string) => {
    const [r] = await db.select().from(users).where(byId(tenantId, id))
    return r ? toUser(r) : null
  }

  return {
    sessions,
    links,
    now: clock,

    async create(input) {
      const login = normalizeLogin(input.login)
      const memberId = input.role === 'member' ? (input.memberId ?? null) : null
      const gridId = input.role === 'staff' ? (input.gridId ?? null) : null
      // The password is not part of the fingerprint (only its hash is kept): a retry with another one is still a replay.
      const fingerprint = requestHash({ login, name: input.name, role: input.role, memberId, gridId, password: input.passwordHash != null })
      const row = {
        tenantId: input.tenantId,
        id: input.id,
        login,
        name: input.name,
        role: input.role,
        ownerType: memberId === null ? null : 'member',
        ownerId: memberId,
        gridId,
        passwordHash: input.passwordHash ?? null,
        createdAt: clock(),
        createdBy: input.createdBy,
        requestHash: fingerprint,
      }
      try {
        const { row: stored, replayed } = await db.transaction((tx) =>
          createOnce<Row>({
            hash: fingerprint,
            insert: async () =>
              (
                await tx
                  .insert(users)
                  .values(row)
                  .onConflictDoNothing({ target: [users.tenantId, users.id] })
                  .returning()
              )[0],
            existing: async () => {
              const [prior] = await tx.select().from(users).where(byId(input.tenantId, input.id))
              return prior && { row: prior, requestHash: prior.requestHash }
            },
            conflict: () =>
              new ApiError('IDEMPOTENCY_CONFLICT', `user ${input.id} exists and was made by another request`, { userId: input.id }),
          }),
        )
        return { user: toUser(stored), replayed }
      } catch (e) {
        // The primary key is the conflict target, so the only unique index left to break is the login's.
        if (sqlState(e) === '23505') {
          throw new ApiError('LOGIN_TAKEN', `another user of this tenant has the login ${login}`, { login })
        }
        throw e
      }
    },

    get,

    async credentials(tenantId, by) {
      const [r] = await db
        .select()
        .from(users)
        .where('id' in by ? byId(tenantId, by.id) : and(eq(users.tenantId, tenantId), eq(users.login, normalizeLogin(by.login))))
      return r ? { user: toUser(r), passwordHash: r.passwordHash } : null
    },

    async list({ tenantId, role, memberId, after, limit }) {
      const where: SQL[] = [eq(users.tenantId, tenantId)]
      if (role !== undefined) where.push(eq(users.role, role))
      if (memberId !== undefined) where.push(eq(users.ownerType, 'member'), eq(users.ownerId, memberId))
      if (after !== undefined) where.push(gt(users.id, after))
      const found = await db
        .select()
        .from(users)
        .where(and(...where))
        .orderBy(asc(users.id))
        .limit(limit + 1)
      const page = found.slice(0, limit).map(toUser)
      const last = page[page.length - 1]
      return { users: page, nextAfter: found.length > limit && last ? last.id : null }
    },

    async any(tenantId) {
      const [r] = await db.select({ id: users.id }).from(users).where(eq(users.tenantId, tenantId)).limit(1)
      return r !== undefined
    },

    async disable(tenantId, id) {
      const now = clock()
      try {
        return await db.transaction(async (tx) => {
          const [r] = await tx
            .update(users)
            .set({ disabledAt: sql`coalesce(${users.disabledAt}, ${iso(now)}::timestamptz)` })
            .where(byId(tenantId, id))
            .returning()
          if (!r) return null
          await sessions.revokeAllIn(tx, tenantId, id, now)
          return toUser(r)
        })
      } finally {
        // Also after a failure: the commit may have happened before the error reached us.
        sessions.forgetUser(tenantId, id)
      }
    },

    async eraseMember(tenantId, memberId) {
      const now = clock()
      const erased: string[] = []
      try {
        await db.transaction(async (tx) => {
          const rows = await tx
            .update(users)
            .set({
              login: sql`'erased ' || ${users.id}`,
              name: 'erased',
              passwordHash: null,
              disabledAt: sql`coalesce(${users.disabledAt}, ${iso(now)}::timestamptz)`,
            })
            .where(and(eq(users.tenantId, tenantId), eq(users.ownerType, 'member'), eq(users.ownerId, memberId)))
            .returning({ id: users.id })
          for (const { id } of rows) {
            erased.push(id)
            await sessions.revokeAllIn(tx, tenantId, id, now)
          }
        })
      } finally {
        for (const id of erased) sessions.forgetUser(tenantId, id)
      }
    },

    async setPassword(tenantId, id, passwordHash, keep) {
      const now = clock()
      try {
        await db.transaction(async (tx) => {
          await tx.update(users).set({ passwordHash, failedCount: 0, lockedUntil: null }).where(byId(tenantId, id))
          await sessions.revokeAllIn(tx, tenantId, id, now, keep)
          // The session kept has shown the new password's owner: it is no longer a link's (no more resets without it).
          if (keep !== undefined) await sessions.settleLinkIn(tx, tenantId, keep)
        })
      } finally {
        sessions.forgetUser(tenantId, id)
      }
    },

    async beginAttempt(tenantId, id, { maxFailures, lockMs }) {
      const now = clock()
      const until = new Date(now.getTime() + lockMs)
      const reaches = sql`${users.failedCount} + 1 >= ${maxFailures}`
      const [counted] = await db
        .update(users)
        .set({
          failedCount: sql`case when ${reaches} then 0 else ${users.failedCount} + 1 end`,
          lockedUntil: sql`case when ${reaches} then ${iso(until)}::timestamptz else null end`,
        })
        .where(and(byId(tenantId, id), sql`(${users.lockedUntil} is null or ${users.lockedUntil} <= ${iso(now)}::timestamptz)`))
        .returning({ id: users.id })
      if (counted) return { allowed: true }
      const [r] = await db.select({ lockedUntil: users.lockedUntil }).from(users).where(byId(tenantId, id))
      // Locked (or, should it have gone, a lock of no length): refused either way.
      return { allowed: false, lockedUntil: r?.lockedUntil ?? now }
    },

    async attemptSucceeded(tenantId, id) {
      await db.update(users).set({ failedCount: 0, lockedUntil: null }).where(byId(tenantId, id))
    },
  }
}
