/**
 * Bearer-key authentication and the rules of who may do what.
 *
 * - admin: everything in its tenant (tenant, assets, keys, accounts, movements).
 * - staff: open accounts, earn, post/void holds, reverse, and read everything in its tenant.
 * - member: bound to one owner; reads only that owner's accounts and the transfers
 *   touching them; transfers and redeems only from them (receiving from anyone).
 * - An admin key of the operator tenant may also create tenants.
 *
 * Nothing can name another tenant's data: the tenant is the key's, so ids of
 * other tenants answer 404. Accounts of the same tenant that a member may not
 * read answer 404 as well, so ids do not leak.
 *
 * @example
 * app.use('/v1/*', authenticate(deps))
 * requireRole(c, 'admin', 'staff')
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { Account } from '@timebank/ledger'
import type { AppEnv, Caller, Deps } from './context.js'
import { ApiError } from './errors.js'
import type { Role } from './keys/store.js'

const BEARER = /^Bearer +([\x21-\x7e]{1,512}) *$/i

/** Resolve `Authorization: Bearer <key>` to a caller, or answer 401. */
export function authenticate(deps: Pick<Deps, 'keys' | 'operatorTenantId'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization')
    const match = header ? BEARER.exec(header) : null
    if (!match?.[1]) {
      c.header('WWW-Authenticate', 'Bearer realm="timebank"')
      throw new ApiError('UNAUTHORIZED', 'send an API key as "Authorization: Bearer <key>"')
    }
    const key = await deps.keys.authenticate(match[1])
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer realm="timebank", error="invalid_token"')
      throw new ApiError('UNAUTHORIZED', 'the API key is unknown or revoked')
    }
    c.set('caller', {
      keyId: key.id,
      tenantId: key.tenantId,
      role: key.role,
      owner: key.owner,
      operator: key.role === 'admin' && key.tenantId === deps.operatorTenantId,
    })
    return next()
  }
}

/** Refuse with 403 unless the caller has one of the roles. */
export function requireRole(c: Context<AppEnv>, ...roles: Role[]): Caller {
  const caller = c.get('caller')
  if (!roles.includes(caller.role)) {
    throw new ApiError('FORBIDDEN', `a ${caller.role} key may not do this; it needs ${roles.join(' or ')}`, {
      role: caller.role,
      allowed: roles,
    })
  }
  return caller
}

/** True when the caller may read the account: staff and admin always, members their owner's. */
export function mayRead(caller: Caller, account: Pick<Account, 'owner'>): boolean {
  if (caller.role !== 'member') return true
  return caller.owner !== null && account.owner.type === caller.owner.type && account.owner.id === caller.owner.id
}

/** The account, if the caller may read it; otherwise the same 404 as a missing one. */
export async function readableAccount(deps: Pick<Deps, 'ledger'>, caller: Caller, accountId: string): Promise<Account> {
  const account = await deps.ledger.getAccount({ tenantId: caller.tenantId, accountId })
  if (!mayRead(caller, account)) throw hiddenAccount(accountId)
  return account
}

/** The 404 a member sees for an account that is not theirs: the ledger's own wording. */
export function hiddenAccount(accountId: string): ApiError {
  return new ApiError('ACCOUNT_NOT_FOUND', `account ${accountId} not found`, { accountId })
}

/**
 * Refuse with 403 unless a member owns every account it wants to debit. Missing
 * and foreign accounts get the same answer, so nothing leaks.
 */
export async function assertMayDebit(deps: Pick<Deps, 'ledger'>, caller: Caller, accountIds: Iterable<string>): Promise<void> {
  if (caller.role !== 'member') return
  const owned = await ownedAccountIds(deps, caller)
  for (const id of new Set(accountIds)) {
    if (!owned.has(id)) {
      throw new ApiError('FORBIDDEN', 'member keys may only move value from their own accounts', { accountId: id })
    }
  }
}

/** Ids of every account of a member key's owner. */
export async function ownedAccountIds(deps: Pick<Deps, 'ledger'>, caller: Caller): Promise<Set<string>> {
  const out = new Set<string>()
  if (!caller.owner) return out
  let after: string | undefined
  for (;;) {
    const page = await deps.ledger.listAccounts({ tenantId: caller.tenantId, owner: caller.owner, limit: 500, after })
    for (const a of page) out.add(a.id)
    const last = page[page.length - 1]
    if (page.length < 500 || !last) return out
    after = last.id
  }
}
