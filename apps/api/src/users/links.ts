/**
 * One-time sign-in links: a token `tbl_…` (256 random bits) an admin (or staff,
 * for a member in scope) hands a user to sign in without a password, to set
 * one. Stored only as its SHA-256 hash; used at most once, by one atomic
 * update (`… where used_at is null and expires_at > now`), so of two uses at
 * the same moment exactly one wins. A new link leaves older ones and the
 * user's password as they are.
 *
 * @example
 * const { token } = await links.create({ tenantId: 'maple', userId: 'lina', createdBy: 'key_1', ttlMs: 72 * 3_600_000 })
 * await links.use('maple', token) // → { userId: 'lina' }; again → null
 */
import { randomBytes } from 'node:crypto'
import type { LedgerDatabase } from '@timebank/ledger'
import { and, eq, gt, isNull } from 'drizzle-orm'
import { hashSecret } from '../keys/store.js'
import { signInLinks } from './schema.js'

export interface CreateLinkInput {
  tenantId: string
  userId: string
  createdBy: string | null
  ttlMs: number
}

export interface LinkStore {
  /** A new link; its token is shown this once. */
  create(input: CreateLinkInput): Promise<{ token: string; id: string; expiresAt: Date }>
  /** Use the link: the user it signs in, or null when it is unknown, used or expired. */
  use(tenantId: string, token: string): Promise<{ userId: string } | null>
  /** True when the user has a link neither used nor expired. */
  hasLive(tenantId: string, userId: string): Promise<boolean>
}

const newLinkId = () => `lnk_${randomBytes(12).toString('base64url')}`
const newToken = () => `tbl_${randomBytes(32).toString('base64url')}`

export function createLinkStore(db: LedgerDatabase, { clock }: { clock: () => Date }): LinkStore {
  return {
    async create({ tenantId, userId, createdBy, ttlMs }) {
      const token = newToken()
      const createdAt = clock()
      const expiresAt = new Date(createdAt.getTime() + ttlMs)
      const id = newLinkId()
      await db.insert(signInLinks).values({ tenantId, id, userId, tokenHash: hashSecret(token), createdAt, createdBy, expiresAt })
      return { token, id, expiresAt }
    },

    async use(tenantId, token) {
      const now = clock()
      const [used] = await db
        .update(signInLinks)
        .set({ usedAt: now })
        .where(
          and(
            eq(signInLinks.tenantId, tenantId),
            eq(signInLinks.tokenHash, hashSecret(token)),
            isNull(signInLinks.usedAt),
            gt(signInLinks.expiresAt, now),
          ),
        )
        .returning({ userId: signInLinks.userId })
      return used ?? null
    },

    async hasLive(tenantId, userId) {
      const [r] = await db
        .select({ id: signInLinks.id })
        .from(signInLinks)
        .where(
          and(
            eq(signInLinks.tenantId, tenantId),
            eq(signInLinks.userId, userId),
            isNull(signInLinks.usedAt),
            gt(signInLinks.expiresAt, clock()),
          ),
        )
        .limit(1)
      return r !== undefined
    },
  }
}
