/**
 * First start on empty storage: create the operator tenant (whose admin keys
 * may create other tenants) and an admin key for it. The key is either
 * `TIMEBANK_ADMIN_KEY` from the environment or a generated one, returned here
 * so the server prints it once. With a user store, also the console's first
 * user, `admin` (role admin, no password), and a one-time sign-in link for it,
 * also returned to be printed once.
 *
 * On later starts nothing is created, except: when TIMEBANK_ADMIN_KEY is set
 * and unknown, it is added as an operator admin key (the way back in when
 * every admin key is lost); when the operator tenant has no active admin
 * key at all, a new one is generated; and while that first `admin` user has
 * no password and no usable link (the last one expired or was used without
 * setting one), a new link is made.
 *
 * @example
 * const boot = await bootstrap({ ledger, keys, users, tenantId: 'main', tenantName: 'Timebank' })
 * if (boot.adminKey?.secret) print(boot.adminKey.secret)
 * if (boot.signInLink) print(signInUrl(consoleUrl, boot.operatorTenantId, boot.signInLink.token))
 */
import { type Ledger, isLedgerError } from '@timebank/ledger'
import type { KeyStore } from './keys/store.js'
import { DEFAULT_SIGN_IN_LIMITS } from './users/sign-in.js'
import type { UserStore } from './users/store.js'

export const OPERATOR_SETTING = 'operator_tenant'

/** The console's first user, made at first start (its login too). */
export const FIRST_USER = 'admin'

export interface BootstrapOptions {
  ledger: Ledger
  keys: KeyStore
  /** Id and name of the operator tenant when it has to be created. */
  tenantId: string
  tenantName: string
  /** TIMEBANK_ADMIN_KEY, when set. */
  adminKey?: string
  /** The console's users: with them, the first user `admin` and a sign-in link for it. */
  users?: UserStore
  /** How long that link stays usable (SIGN_IN_LINK_TTL_HOURS). */
  linkTtlMs?: number
}

export interface BootstrapResult {
  operatorTenantId: string
  /** True when this start created the operator tenant. */
  createdTenant: boolean
  /** A key this start added; `secret` only for a generated one (to print once). */
  adminKey: { id: string; source: 'generated' | 'environment'; secret: string | null } | null
  /** A one-time sign-in link this start made for the first user, to print once. */
  signInLink: { userId: string; token: string; expiresAt: Date } | null
  /** Problems worth a warning, e.g. TIMEBANK_ADMIN_KEY is revoked. */
  warnings: string[]
}

/** Where the console signs a link in (it serves /signin/link). */
export function signInUrl(consoleUrl: string, tenantId: string, token: string): string {
  return `${consoleUrl}/signin/link?tenant=${encodeURIComponent(tenantId)}&token=${encodeURIComponent(token)}`
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
  const adminKey = await operatorAdminKey(keys, operatorTenantId, options.adminKey, warnings)
  const signInLink = options.users
    ? await firstUserLink(options.users, operatorTenantId, options.linkTtlMs ?? DEFAULT_SIGN_IN_LIMITS.linkTtlMs)
    : null
  return { operatorTenantId, createdTenant, adminKey, signInLink, warnings }
}

/** The admin key this start adds to the operator tenant, if any (see the module comment). */
async function operatorAdminKey(
  keys: KeyStore,
  operatorTenantId: string,
  fromEnvironment: string | undefined,
  warnings: string[],
): Promise<BootstrapResult['adminKey']> {
  if (fromEnvironment !== undefined) {
    let existing = await keys.findBySecret(fromEnvironment)
    if (!existing) {
      try {
        const made = await keys.create({ tenantId: operatorTenantId, name: 'TIMEBANK_ADMIN_KEY', role: 'admin', secret: fromEnvironment })
        return { id: made.key.id, source: 'environment', secret: null }
      } catch (e) {
        // Another process added it at the same moment.
        existing = await keys.findBySecret(fromEnvironment)
        if (!existing) throw e
      }
    }
    if (existing.revokedAt !== null) warnings.push(`TIMEBANK_ADMIN_KEY is a revoked key (${existing.id}); it stays revoked`)
    else if (existing.tenantId !== operatorTenantId || existing.role !== 'admin') {
      warnings.push(`TIMEBANK_ADMIN_KEY is key ${existing.id} (${existing.role} of tenant ${existing.tenantId}), not an operator admin key`)
    }
    return null
  }

  const admins = (await keys.list(operatorTenantId)).filter((k) => k.role === 'admin' && k.revokedAt === null)
  if (admins.length > 0) return null
  const made = await keys.create({ tenantId: operatorTenantId, name: 'generated at first start', role: 'admin' })
  return { id: made.key.id, source: 'generated', secret: made.secret }
}

/**
 * The first user and its link: made when the operator tenant has no user at all; a new link only while
 * that user (made here: no creator) has no password and no usable link.
 */
async function firstUserLink(users: UserStore, tenantId: string, ttlMs: number): Promise<BootstrapResult['signInLink']> {
  if (!(await users.any(tenantId))) {
    // Idempotent by id: a process starting at the same moment makes the same user.
    await users.create({ tenantId, id: FIRST_USER, login: FIRST_USER, name: 'Administrator', role: 'admin', createdBy: null })
  }
  const first = await users.get(tenantId, FIRST_USER)
  if (!first || first.createdBy !== null || first.role !== 'admin' || first.disabledAt !== null || first.hasPassword) return null
  if (await users.links.hasLive(tenantId, first.id)) return null
  const link = await users.links.create({ tenantId, userId: first.id, createdBy: null, ttlMs })
  return { userId: first.id, token: link.token, expiresAt: link.expiresAt }
}
