/**
 * Tenants and their assets in storage. Each asset comes with its issuance
 * account (the source of every `earn` in it), made in the same transaction.
 *
 * @example
 * const tenants = tenantStore({ db, facts })
 * await tenants.createTenant({ id: 'maple', name: 'Maple Street' }, [{ code: 'HOUR', scale: 2, name: 'Hours' }], new Date())
 */
import { sql } from 'drizzle-orm'
import { type Asset, ErrorCode, LedgerError, issuanceAccountId } from '../domain/index.js'
import { type StoreContext, insertAccount } from './accounts.js'
import { type Executor, rows, sqlState } from './driver.js'
import { toDate } from './rows.js'
import type { Store } from './store.js'

type AssetDefinition = { code: string; scale: number; name: string }

const assetView = (tenantId: string, r: AssetDefinition): Asset => ({
  tenantId,
  code: r.code,
  scale: Number(r.scale),
  name: r.name,
  issuanceAccountId: issuanceAccountId(r.code),
})

async function insertAsset(ex: Executor, tenantId: string, asset: AssetDefinition, now: Date): Promise<void> {
  await ex.execute(
    sql`insert into tb_assets (tenant_id, code, scale, name, created_at)
        values (${tenantId}, ${asset.code}, ${asset.scale}, ${asset.name}, ${now.toISOString()}::timestamptz)`,
  )
  const issuance = issuanceAccountId(asset.code)
  const account = { tenantId, id: issuance, asset: asset.code, ownerType: 'system', ownerId: tenantId, kind: 'issuance' }
  await insertAccount(ex, { ...account, floor: null, ceiling: null, metadata: {} }, now)
}

export function tenantStore({
  db,
  facts,
}: StoreContext): Pick<Store, 'createTenant' | 'getTenant' | 'defineAsset' | 'listAssets' | 'assetScale'> {
  const exists = (tenantId: string) => new LedgerError(ErrorCode.TENANT_EXISTS, `tenant ${tenantId} exists`, { tenantId })
  const assetExists = (code: string) => new LedgerError(ErrorCode.ASSET_EXISTS, `asset ${code} exists`, { asset: code })

  return {
    async createTenant(tenant, assetList, now) {
      try {
        return await db.transaction(async (tx) => {
          const inserted = await rows<{ id: string; name: string; created_at: Date | string }>(
            tx,
            sql`insert into tb_tenants (id, name, created_at) values (${tenant.id}, ${tenant.name}, ${now.toISOString()}::timestamptz)
                on conflict do nothing returning id, name, created_at`,
          )
          const row = inserted[0]
          if (!row) throw exists(tenant.id)
          for (const a of assetList) await insertAsset(tx, tenant.id, a, now)
          facts.forgetScales(tenant.id)
          return { id: row.id, name: row.name, createdAt: toDate(row.created_at) }
        })
      } catch (e) {
        if (sqlState(e) === '23505') throw exists(tenant.id)
        throw e
      }
    },

    async getTenant(tenantId) {
      const [r] = await rows<{ id: string; name: string; created_at: Date | string }>(
        db,
        sql`select id, name, created_at from tb_tenants where id = ${tenantId}`,
      )
      return r ? { id: r.id, name: r.name, createdAt: toDate(r.created_at) } : null
    },

    async defineAsset(tenantId, asset, now) {
      try {
        return await db.transaction(async (tx) => {
          const [tenant] = await rows<{ id: string }>(tx, sql`select id from tb_tenants where id = ${tenantId} for share`)
          if (!tenant) throw new LedgerError(ErrorCode.TENANT_NOT_FOUND, `tenant ${tenantId} not found`, { tenantId })
          const [taken] = await rows<{ code: string }>(
            tx,
            sql`select code from tb_assets where tenant_id = ${tenantId} and code = ${asset.code}`,
          )
          if (taken) throw assetExists(asset.code)
          await insertAsset(tx, tenantId, asset, now)
          facts.forgetScales(tenantId)
          return assetView(tenantId, asset)
        })
      } catch (e) {
        if (sqlState(e) === '23505') throw assetExists(asset.code)
        throw e
      }
    },

    async listAssets(tenantId) {
      const list = await rows<AssetDefinition>(db, sql`select code, scale, name from tb_assets where tenant_id = ${tenantId} order by code`)
      return list.map((r) => assetView(tenantId, r))
    },

    async assetScale(tenantId, code) {
      return (await facts.scales(db, tenantId, [code])).get(code) ?? null
    },
  }
}
