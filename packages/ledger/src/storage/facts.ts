/**
 * What never changes once written, read once and remembered in the process:
 * an account's asset, kind and shard count; a tenant's asset scales; the two
 * sides of a transfer. Balances, statuses and limits (floor, ceiling) change,
 * so they are never remembered: every writer reads them under the lock of
 * the balance row they live on, in whichever process made the change.
 *
 * @example
 * const facts = createFacts()
 * const { meta, issuance, scales } = await facts.forBatch(tx, tenantId, ops, accountIds)
 */
import { sql } from 'drizzle-orm'
import { type AccountKind, type Operation, issuanceAccountId } from '../domain/index.js'
import { BoundedCache } from '../support/bounded-cache.js'
import { type Executor, pgArray, rows } from './driver.js'

/** Immutable facts about an account, safe to cache: status, balances and limits change and are read under lock. */
export interface AccountMeta {
  asset: string
  kind: AccountKind
  shards: number
}

/** Enough for every account a busy process touches; ~0.2 KiB each. */
const CACHE_LIMIT = 200_000

export type Facts = ReturnType<typeof createFacts>

export function createFacts() {
  const accounts = new BoundedCache<string, AccountMeta>({ maxEntries: CACHE_LIMIT })
  const transferSides = new BoundedCache<string, { from: string; to: string }>({ maxEntries: CACHE_LIMIT })
  const scaleCache = new Map<string, Map<string, number>>()
  // Ids never hold NUL (see the Id schema), so the key is unambiguous.
  const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`

  /** A tenant's asset scales; read again when one of `need` is not among those remembered. */
  async function scales(ex: Executor, tenantId: string, need: Iterable<string> = []): Promise<Map<string, number>> {
    let known = scaleCache.get(tenantId)
    const missing = known === undefined || [...need].some((code) => !known?.has(code))
    if (missing) {
      const list = await rows<{ code: string; scale: number }>(ex, sql`select code, scale from tb_assets where tenant_id = ${tenantId}`)
      known = new Map(list.map((r) => [r.code, Number(r.scale)]))
      if (known.size > 0) scaleCache.set(tenantId, known)
    }
    return known ?? new Map()
  }

  /** Values of `ids` from `cache`, reading the ones it lacks with `read` (and remembering them). */
  async function cached<V>(
    cache: BoundedCache<string, V>,
    tenantId: string,
    ids: Iterable<string>,
    read: (missing: string[]) => Promise<[string, V][]>,
  ): Promise<Map<string, V>> {
    const out = new Map<string, V>()
    const missing: string[] = []
    for (const id of ids) {
      const v = cache.get(key(tenantId, id))
      if (v) out.set(id, v)
      else missing.push(id)
    }
    if (missing.length > 0) {
      for (const [id, v] of await read(missing)) {
        cache.set(key(tenantId, id), v)
        out.set(id, v)
      }
    }
    return out
  }

  const accountMeta = (ex: Executor, tenantId: string, ids: Iterable<string>): Promise<Map<string, AccountMeta>> =>
    cached(accounts, tenantId, ids, async (missing) => {
      const found = await rows<{
        id: string
        asset: string
        kind: AccountKind
        shards: number
      }>(
        ex,
        sql`select id, asset, kind, shards
            from tb_accounts where tenant_id = ${tenantId} and id = any(${pgArray(missing)}::text[])`,
      )
      return found.map((r) => [r.id, { asset: r.asset, kind: r.kind, shards: Number(r.shards) }])
    })

  return {
    scales,
    accountMeta,

    /** Forget a tenant's scales (an asset was added). */
    forgetScales(tenantId: string): void {
      scaleCache.delete(tenantId)
    },

    /**
     * The fixed facts a batch needs: its accounts' (with the issuance account of
     * every asset it earns in), the issuance account per asset, and the scales.
     */
    async forBatch(ex: Executor, tenantId: string, ops: readonly Operation[], accountIds: Iterable<string>) {
      let meta = await accountMeta(ex, tenantId, accountIds)
      const issuanceIds = new Set<string>()
      for (const op of ops) {
        const to = op.type === 'earn' ? meta.get(op.to) : undefined
        if (to) issuanceIds.add(issuanceAccountId(to.asset))
      }
      if (issuanceIds.size > 0) meta = new Map([...meta, ...(await accountMeta(ex, tenantId, issuanceIds))])
      const issuance = new Map<string, string>()
      for (const id of issuanceIds) {
        const m = meta.get(id)
        if (m) issuance.set(m.asset, id)
      }
      return {
        meta,
        issuance,
        scales: await scales(
          ex,
          tenantId,
          [...meta.values()].map((m) => m.asset),
        ),
      }
    },

    /** The two accounts of each transfer named (for posts, voids and reversals), from memory or storage. */
    sidesOf: (ex: Executor, tenantId: string, transferIds: Iterable<string>): Promise<Map<string, { from: string; to: string }>> =>
      cached(transferSides, tenantId, transferIds, async (missing) => {
        const found = await rows<{ id: string; from_account: string; to_account: string }>(
          ex,
          sql`select id, from_account, to_account from tb_transfers
              where tenant_id = ${tenantId} and id = any(${pgArray(missing)}::text[])`,
        )
        return found.map((r) => [r.id, { from: r.from_account, to: r.to_account }])
      }),

    /** Remember the sides of transfers just written. */
    rememberSides(tenantId: string, written: Iterable<{ id: string; from: string; to: string }>): void {
      for (const t of written) transferSides.set(key(tenantId, t.id), { from: t.from, to: t.to })
    },
  }
}
