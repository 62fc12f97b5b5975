/**
 * Tenants and their assets in storage. Each asset comes with its issuance
 * account (the source of every `earn` in it), made in the same transaction.
 * Both are created once per id (see create-once.ts): the same request again is
 * a replay, another one TENANT_EXISTS or ASSET_EXISTS.
 *
 * @example
 * const tenants = tenantStore({ db, facts })
 * await tenants.createTenant({ id: 'maple', name: 'Maple Street', requestHash }, [{ code: 'HOUR', scale: 2, name: 'Hours', requestHash: h }], now)
 */
import { sql } from 'drizzle-orm'
import { type Asset, ErrorCode, LedgerError, issuanceAccountId } from '../domain/index.js'
import { type StoreContext, insertAccount } from './accounts.js'
import { createOnce } from './create-once.js'
import { type Executor, rows } from './driver.js'
import { toDate } from './rows.js'
import type { NewAsset, Store } from './store.js'

type AssetRow = { code: string; scale: number; name: string }
type TenantRow = { id: string; name: string; created_at: Date | string }

const assetView = (tenantId: string, r: AssetRow): Asset => ({
  tenantId,
  code: r.code,
  scale: Number(r.scale),
  name: r.name,
  issuanceAccountId: issuanceAccountId(r.code),
})

const tenantView = (r: TenantRow) => ({ id: r.id, name: r.name, createdAt: toDate(r.created_at) })

/** Insert an asset and its issuance account unless the code is taken: the new asset's row, or undefined. */
async function insertAsset(ex: Executor, tenantId: string, asset: NewAsset, now: Date): Promise<AssetRow | undefined> {
  const [row] = await rows<AssetRow>(
    ex,
    sql`insert into tb_assets (tenant_id, code, scale, name, request_hash, created_at)
        values (${tenantId}, ${asset.code}, ${asset.scale}, ${asset.name}, ${asset.requestHash}, ${now.toISOString()}::timestamptz)
        on conflict do nothing returning code, scale, name`,
  )
  if (!row) return undefined
  const issuance = {
    tenantId,
    id: issuanceAccountId(asset.code),
    asset: asset.code,
    ownerType: 'system',
    ownerId: tenantId,
    kind: 'issuance',
  }
  await insertAccount(ex, { ...issuance, floor: null, ceiling: null, metadata: {}, requestHash: null }, now)
  return row
}

export function tenantStore({
  db,
  facts,
}: StoreContext): Pick<Store, 'createTenant' | 'getTenant' | 'defineAsset' | 'listAssets' | 'assetScale'> {
  return {
    createTenant: (tenant, assets, now) =>
      db.transaction(async (tx) => {
        const { row, replayed } = await createOnce({
          hash: tenant.requestHash,
          insert: async () =>
            (
              await rows<TenantRow>(
                tx,
                sql`insert into tb_tenants (id, name, request_hash, created_at)
                    values (${tenant.id}, ${tenant.name}, ${tenant.requestHash}, ${now.toISOString()}::timestamptz)
                    on conflict do nothing returning id, name, created_at`,
              )
            )[0],
          existing: async () => {
            const [r] = await rows<TenantRow & { request_hash: string | null }>(
              tx,
              sql`select id, name, created_at, request_hash from tb_tenants where id = ${tenant.id}`,
            )
            return r && { row: r, requestHash: r.request_hash }
          },
          conflict: () => new LedgerError(ErrorCode.TENANT_EXISTS, `tenant ${tenant.id} exists`, { tenantId: tenant.id }),
        })
        if (!replayed) for (const a of assets) await insertAsset(tx, tenant.id, a, now)
        facts.forgetScales(tenant.id)
        return { tenant: tenantView(row), replayed }
      }),

    async getTenant(tenantId) {
      const [r] = await rows<TenantRow>(db, sql`select id, name, created_at from tb_tenants where id = ${tenantId}`)
      return r ? tenantView(r) : null
    },

    defineAsset: (tenantId, asset, now) =>
      db.transaction(async (tx) => {
        const [tenant] = await rows<{ id: string }>(tx, sql`select id from tb_tenants where id = ${tenantId} for share`)
        if (!tenant) throw new LedgerError(ErrorCode.TENANT_NOT_FOUND, `tenant ${tenantId} not found`, { tenantId })
        const { row, replayed } = await createOnce({
          hash: asset.requestHash,
          insert: () => insertAsset(tx, tenantId, asset, now),
          existing: async () => {
            const [r] = await rows<AssetRow & { request_hash: string | null }>(
              tx,
              sql`select code, scale, name, request_hash from tb_assets where tenant_id = ${tenantId} and code = ${asset.code}`,
            )
            return r && { row: r, requestHash: r.request_hash }
          },
          conflict: () => new LedgerError(ErrorCode.ASSET_EXISTS, `asset ${asset.code} exists`, { asset: asset.code }),
        })
        facts.forgetScales(tenantId)
        return { asset: assetView(tenantId, row), replayed }
      }),

    async listAssets(tenantId) {
      const list = await rows<AssetRow>(db, sql`select code, scale, name from tb_assets where tenant_id = ${tenantId} order by code`)
      return list.map((r) => assetView(tenantId, r))
    },

    async assetScale(tenantId, code) {
      return (await facts.scales(db, tenantId, [code])).get(code) ?? null
    },
  }
}
