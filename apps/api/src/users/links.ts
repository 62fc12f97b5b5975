/**
 * One-time sign-in links: a token `tbl_…` (256 random bits) an admin (or staff,
 * for a member in scope) hands a user to sign in without a password, to set
 * one. Stored only as its SHA-256 hash; used at most once, by one atomic
 * update (`… where used_at is null and expires_at > now`), so of two uses at
 * the same moment exactly one wins. A new link leaves older ones and the
 * user's password as they are.
 *
 * A link made under an idempotency key (`replay`) is made once: the same key
 * again answers the same link, with its token when the same credential asks
 * (a double submit of the console's form), so no second valid link exists.
 * For that the token is kept sealed (AES-256-GCM) under a key derived from the
 * caller's bearer secret, which storage never holds: a copy of the database
 * still reveals no live token.
 *
 * @example
 * const { token } = await links.create({ tenantId: 'maple', userId: 'lina', createdBy: 'key_1', ttlMs: 72 * 3_600_000 })
 * await links.use('maple', token) // → { userId: 'lina' }; again → null
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import type { LedgerDatabase } from '@timebank/ledger'
import { createOnce, requestHash } from '@timebank/ledger/kit'
import { and, eq, gt, isNull } from 'drizzle-orm'
import { ApiError } from '../errors.js'
import { hashSecret } from '../keys/store.js'
import { signInLinks } from './schema.js'

export interface CreateLinkInput {
  tenantId: string
  userId: string
  createdBy: string | null
  ttlMs: number
  /**
   * Make the link once under this key (the link's id): `secret` is the caller's bearer secret, which seals the
   * token so the same caller's retry gets it back. Another user under the same key is IDEMPOTENCY_CONFLICT.
   */
  replay?: { key: string; secret: string }
}

export interface CreatedLink {
  /** The token; null on a replay by another credential than the one that made it (it cannot unseal it). */
  token: string | null
  id: string
  expiresAt: Date
  replayed: boolean
}

export interface LinkStore {
  /** A new link (or, under a key used before, the same one); its token is shown to its maker only. Codes: IDEMPOTENCY_CONFLICT. */
  create(input: CreateLinkInput & { replay?: undefined }): Promise<CreatedLink & { token: string }>
  create(input: CreateLinkInput): Promise<CreatedLink>
  /** Use the link: the user it signs in, or null when it is unknown, used or expired. */
  use(tenantId: string, token: string): Promise<{ userId: string } | null>
  /** True when the user has a link neither used nor expired. */
  hasLive(tenantId: string, userId: string): Promise<boolean>
}

const newLinkId = () => `lnk_${randomBytes(12).toString('base64url')}`
const newToken = () => `tbl_${randomBytes(32).toString('base64url')}`

/** The sealing key of one link: the caller's secret, keyed to the tenant and link, so it opens nothing else. */
const sealKey = (secret: string, tenantId: string, id: string) =>
  createHmac('sha256', secret).update(`timebank/sign-in-link\u0000${tenantId}\u0000${id}`).digest()

/** iv (12 bytes) · ciphertext · tag (16 bytes), base64url. */
function seal(token: string, key: Buffer): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
}

/** The token, or null when `key` is not the one it was sealed with. */
function unseal(sealed: string, key: Buffer): string | null {
  const raw = Buffer.from(sealed, 'base64url')
  if (raw.length < 29) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(raw.length - 16))
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}

export function createLinkStore(db: LedgerDatabase, { clock }: { clock: () => Date }): LinkStore {
  return {
    // One implementation of both overloads: without `replay` the token is always the new one.
    create: async function create({ tenantId, userId, createdBy, ttlMs, replay }) {
      const token = newToken()
      const createdAt = clock()
      const expiresAt = new Date(createdAt.getTime() + ttlMs)
      const row = { tenantId, userId, tokenHash: hashSecret(token), createdAt, createdBy, expiresAt }
      if (replay === undefined) {
        const id = newLinkId()
        await db.insert(signInLinks).values({ ...row, id })
        return { token, id, expiresAt, replayed: false }
      }
      const id = replay.key
      const key = sealKey(replay.secret, tenantId, id)
      const hash = requestHash({ userId })
      const { row: stored, replayed } = await createOnce({
        hash,
        insert: async () =>
          (
            await db
              .insert(signInLinks)
              .values({ ...row, id, requestHash: hash, sealedToken: seal(token, key) })
              .onConflictDoNothing({ target: [signInLinks.tenantId, signInLinks.id] })
              .returning()
          )[0],
        existing: async () => {
          const [prior] = await db
            .select()
            .from(signInLinks)
            .where(and(eq(signInLinks.tenantId, tenantId), eq(signInLinks.id, id)))
          return prior && { row: prior, requestHash: prior.requestHash }
        },
        conflict: () => new ApiError('IDEMPOTENCY_CONFLICT', `the key ${id} made a sign-in link for another user`, { key: id }),
      })
      if (!replayed) return { token, id, expiresAt, replayed }
      return {
        token: stored.sealedToken === null ? null : unseal(stored.sealedToken, key),
        id,
        expiresAt: stored.expiresAt,
        replayed,
      }
    } as LinkStore['create'],

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
