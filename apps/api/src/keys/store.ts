/**
 * API keys: create (the secret is returned once and only its SHA-256 is
 * stored), authenticate, list, revoke. Each key belongs to one tenant and has
 * a role; a member key is bound to one owner.
 *
 * `authenticate` keeps active keys in a short-lived in-process cache (see
 * cache.ts): a revocation through this store takes effect at once; one made by
 * another process sharing the database is seen within the cache's TTL.
 *
 * @example
 * const keys = createKeyStore(db, { cache: { ttlMs: 5000 } })
 * const { key, secret } = await keys.create({ tenantId: 'maple', name: 'front desk', role: 'staff' })
 * await keys.authenticate(secret) // → key
 */
import { createHash, randomBytes } from 'node:crypto'
import type { LedgerDatabase } from '@timebank/ledger'
import { createOnce, requestHash } from '@timebank/ledger/kit'
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { ApiError } from '../errors.js'
import { KeyCache, type KeyCacheOptions } from './cache.js'
import { apiKeys, apiSettings } from './schema.js'
import type { ApiKey, Owner, Role } from './types.js'

export interface CreateKeyInput {
  tenantId: string
  name: string
  role: Role
  owner?: Owner | null
  /** Staff keys: the grid whose subtree the key is limited to. */
  gridId?: string | null
  /** Id of the key creating this one. */
  createdBy?: string | null
  /** A retry with the same value returns the original key (without its secret). */
  idempotencyKey?: string
  /** Use this secret instead of generating one (start-up keys from the environment). */
  secret?: string
}

export interface CreatedKey {
  key: ApiKey
  /** The secret, shown this once; null on a replay, since only its hash is kept. */
  secret: string | null
  replayed: boolean
}

export interface KeyStore {
  /** Codes: IDEMPOTENCY_CONFLICT (same idempotency key, other request). */
  create(input: CreateKeyInput): Promise<CreatedKey>
  /** The active key with this secret, or null. May answer from the cache (see `KeyStoreOptions.cache`). */
  authenticate(secret: string): Promise<ApiKey | null>
  /** Any key (active or revoked) with this secret, or null. */
  findBySecret(secret: string): Promise<ApiKey | null>
  /** Every key of a tenant, oldest first. */
  list(tenantId: string): Promise<ApiKey[]>
  /** Revoke (at once for this store's `authenticate`); revoking again returns the key as it is. Codes: NOT_FOUND, LAST_ADMIN_KEY. */
  revoke(tenantId: string, id: string): Promise<ApiKey>
  getSetting(name: string): Promise<string | null>
  /** Store a setting unless it is set; returns the value in force. */
  initSetting(name: string, value: string): Promise<string>
}

/** Hex SHA-256 of a secret: what the table stores. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/** A new secret: `tbk_` and 256 random bits. */
export function generateSecret(): string {
  return `tbk_${randomBytes(32).toString('base64url')}`
}

const newKeyId = () => `key_${randomBytes(12).toString('base64url')}`

type Row = typeof apiKeys.$inferSelect

const toKey = (r: Row): ApiKey => ({
  tenantId: r.tenantId,
  id: r.id,
  name: r.name,
  role: r.role as Role,
  owner: r.ownerType !== null && r.ownerId !== null ? { type: r.ownerType as Owner['type'], id: r.ownerId } : null,
  gridId: r.gridId,
  start: r.start,
  createdAt: r.createdAt,
  createdBy: r.createdBy,
  revokedAt: r.revokedAt,
})

/** Cached keys are shared by every request presenting them, so nothing may change them. */
const frozen = (key: ApiKey): ApiKey => {
  if (key.owner) Object.freeze(key.owner)
  return Object.freeze(key)
}

export interface KeyStoreOptions {
  /**
   * The cache of authenticated keys, or its settings; default: 5 s, 10,000 keys.
   * `{ ttlMs: 0 }` asks storage on every `authenticate`.
   */
  cache?: KeyCache | KeyCacheOptions
}

export function createKeyStore(db: LedgerDatabase, options: KeyStoreOptions = {}): KeyStore {
  const cache = options.cache instanceof KeyCache ? options.cache : new KeyCache(options.cache)
  const revokeInStorage = (tenantId: string, id: string): Promise<ApiKey> =>
    db.transaction(async (tx) => {
      // Lock the tenant's active admin keys first, so two revocations cannot both see "another admin is left".
      const admins = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.role, 'admin'), isNull(apiKeys.revokedAt)))
        .orderBy(asc(apiKeys.id))
        .for('update')
      const [target] = await tx
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
        .for('update')
      if (!target) throw new ApiError('NOT_FOUND', `key ${id} not found`, { keyId: id })
      if (target.revokedAt !== null) return toKey(target)
      if (target.role === 'admin' && admins.length <= 1) {
        throw new ApiError('LAST_ADMIN_KEY', 'this is the only active admin key of the tenant: create another admin key first', {
          keyId: id,
        })
      }
      const [updated] = await tx
        .update(apiKeys)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
        .returning()
      return toKey(updated as Row)
    })

  return {
    async create(input) {
      const secret = input.secret ?? generateSecret()
      const owner = input.role === 'member' ? (input.owner ?? null) : null
      const gridId = input.role === 'staff' ? (input.gridId ?? null) : null
      const row = {
        tenantId: input.tenantId,
        id: newKeyId(),
        name: input.name,
        role: input.role,
        ownerType: owner?.type ?? null,
        ownerId: owner?.id ?? null,
        gridId,
        secretHash: hashSecret(secret),
        start: secret.slice(0, Math.min(12, Math.floor(secret.length / 4))),
        createdBy: input.createdBy ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
        requestHash:
          input.idempotencyKey === undefined
            ? null
            : requestHash({ name: input.name, role: input.role, owner, ...(gridId === null ? {} : { gridId }) }),
      }
      const { idempotencyKey } = input
      if (idempotencyKey === undefined || row.requestHash === null) {
        const [created] = await db.insert(apiKeys).values(row).returning()
        return { key: toKey(created as Row), secret, replayed: false }
      }
      const fingerprint = row.requestHash
      const { row: stored, replayed } = await db.transaction((tx) =>
        createOnce<Row>({
          hash: fingerprint,
          insert: async () =>
            (
              await tx
                .insert(apiKeys)
                .values(row)
                .onConflictDoNothing({ target: [apiKeys.tenantId, apiKeys.idempotencyKey], where: sql`idempotency_key is not null` })
                .returning()
            )[0],
          existing: async () => {
            const [prior] = await tx
              .select()
              .from(apiKeys)
              .where(and(eq(apiKeys.tenantId, input.tenantId), eq(apiKeys.idempotencyKey, idempotencyKey)))
            return prior && { row: prior, requestHash: prior.requestHash }
          },
          conflict: () =>
            new ApiError('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was used to create a different key', { idempotencyKey }),
        }),
      )
      return { key: toKey(stored), secret: replayed ? null : secret, replayed }
    },

    async authenticate(secret) {
      const hash = hashSecret(secret)
      const cached = cache.get(hash)
      if (cached) return cached
      const ticket = cache.ticket()
      const [r] = await db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.secretHash, hash), isNull(apiKeys.revokedAt)))
      if (!r) return null
      const key = frozen(toKey(r))
      cache.put(hash, key, ticket)
      return key
    },

    async findBySecret(secret) {
      const [r] = await db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.secretHash, hashSecret(secret)))
      return r ? toKey(r) : null
    },

    async list(tenantId) {
      const found = await db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id))
      return found.map(toKey)
    },

    async revoke(tenantId, id) {
      try {
        return await revokeInStorage(tenantId, id)
      } finally {
        // Also after a failure: the commit may have happened before the error reached us.
        cache.evictKey(id)
      }
    },

    async getSetting(name) {
      const [r] = await db.select().from(apiSettings).where(eq(apiSettings.name, name))
      return r?.value ?? null
    },

    async initSetting(name, value) {
      await db.insert(apiSettings).values({ name, value }).onConflictDoNothing()
      const [r] = await db.select().from(apiSettings).where(eq(apiSettings.name, name))
      return r?.value ?? value
    },
  }
}
