/**
 * First start on empty storage: create the operator tenant (whose admin keys
 * may create other tenants) and an admin key for it. The key is either
 * `TIMEBANK_ADMIN_KEY` from the environment or a generated one, returned here
 * so the server prints it once.
 *
 * On later starts nothing is created, except: when TIMEBANK_ADMIN_KEY is set
 * and unknown, it is added as an operator admin key (the way back in when
 * every admin key is lost); and when the operator tenant has no active admin
 * key at all, a new one is generated.
 *
 * @example
 * const boot = await bootstrap({ ledger, keys, tenantId: 'main', tenantName: 'Timebank' })
 * if (boot.adminKey?.secret) print(boot.adminKey.secret)
 */
import { type Ledger, isLedgerError } from '@timebank/ledger'
import type { KeyStore } from './keys/store.js'

export const OPERATOR_SETTING = 'operator_tenant'

export interface BootstrapOptions {
  ledger: Ledger
  keys: KeyStore
  /** Id and name of the operator tenant when it has to be created. */
  tenantId: string
  tenantName: string
  /** TIMEBANK_ADMIN_KEY, when set. */
  adminKey?: string
}

export interface BootstrapResult {
  operatorTenantId: string
  /** True when this start created the operator tenant. */
  createdTenant: boolean
  /** A key this start added; `secret` only for a generated one (to print once). */
  adminKey: { id: string; source: 'generated' | 'environment'; secret: string | null } | null
  /** Problems worth a warning, e.g. TIMEBANK_ADMIN_KEY is revoked. */
  warnings: string[]
}

export async function bootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const { ledger, keys } = options
  const warnings: string[] = []
  let operatorTenantId = await keys.getSetting(OPERATOR_SETTING)
  let createdTenant = false
  if (operatorTenantId === null) {
    try {
      createdTenant = !(await ledger.createTenant({ id: options.tenantId, name: options.tenantName })).replayed
    } catch (e) {
      if (!isLedgerError(e) || e.code !== 'TENANT_EXISTS') throw e
    }
    operatorTenantId = await keys.initSetting(OPERATOR_SETTING, options.tenantId)
  }

  if (options.adminKey !== undefined) {
    let existing = await keys.findBySecret(options.adminKey)
    if (!existing) {
      try {
        const made = await keys.create({ tenantId: operatorTenantId, name: 'TIMEBANK_ADMIN_KEY', role: 'admin', secret: options.adminKey })
        return { operatorTenantId, createdTenant, adminKey: { id: made.key.id, source: 'environment', secret: null }, warnings }
      } catch (e) {
        // Another process added it at the same moment.
        existing = await keys.findBySecret(options.adminKey)
        if (!existing) throw e
      }
    }
    if (existing.revokedAt !== null) warnings.push(`TIMEBANK_ADMIN_KEY is a revoked key (${existing.id}); it stays revoked`)
    else if (existing.tenantId !== operatorTenantId || existing.role !== 'admin') {
      warnings.push(`TIMEBANK_ADMIN_KEY is key ${existing.id} (${existing.role} of tenant ${existing.tenantId}), not an operator admin key`)
    }
    return { operatorTenantId, createdTenant, adminKey: null, warnings }
  }

  const admins = (await keys.list(operatorTenantId)).filter((k) => k.role === 'admin' && k.revokedAt === null)
  if (admins.length > 0) return { operatorTenantId, createdTenant, adminKey: null, warnings }
  const made = await keys.create({ tenantId: operatorTenantId, name: 'generated at first start', role: 'admin' })
  return { operatorTenantId, createdTenant, adminKey: { id: made.key.id, source: 'generated', secret: made.secret }, warnings }
}
