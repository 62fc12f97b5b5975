/**
 * Bearer authentication (an API key `tbk_…` or a session token `tbs_…`, both
 * resolved to the same `Caller`) and the rules of who may do what. A session
 * acts with its user's role, member and grid exactly as a key with them would.
 *
 * - admin: everything in its tenant (tenant, assets, keys, accounts, movements).
 * - staff: open accounts, earn, post/void holds, reverse, and read everything in its tenant; a staff
 *   key limited to a grid (a grid leader's) none of these: it works through the community's routes.
 * - member: bound to one owner; reads only that owner's accounts and the transfers
 *   touching them; transfers and redeems only from them (receiving from anyone).
 * - An admin key of the operator tenant may also create tenants.
 * - Opening accounts: a system-owned account, or a credit line (a floor below zero, or none, on a
 *   member, organisation or escrow account) only with an admin key (`openAccountRefusal`). Which
 *   kinds of account a movement may debit and credit is the ledger's rule for every role
 *   (`movementRefusal`: issuance only by earn, redemption sinks only by redeem and its reversal).
 * - A refusal a member sees names only what it may read: an account of someone else in it is
 *   reported without its figures (`visibleRefusal`).
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
import { type Account, LedgerError, type OpenAccountInput, isLedgerError } from '@timebank/ledger'
import type { AppEnv, Caller, Deps } from './context.js'
import { ApiError } from './errors.js'
import type { Role } from './keys/types.js'
import type { AccountOwner } from './owners.js'
import { SESSION_PREFIX } from './users/sessions.js'
import type { LiveSession } from './users/types.js'

const BEARER = /^Bearer +([\x21-\x7e]{1,512}) *$/i

/** The caller a live session acts as: its user's role, member and grid, as a key with them would. */
export function sessionCaller(session: LiveSession, operatorTenantId: string | null): Caller {
  const { user } = session
  return {
    keyId: `user:${user.id}`,
    tenantId: session.tenantId,
    role: user.role,
    owner: user.memberId === null ? null : { type: 'member', id: user.memberId },
    gridId: user.gridId,
    operator: user.role === 'admin' && session.tenantId === operatorTenantId,
    userId: user.id,
    sessionId: session.id,
  }
}

/** The bearer secret the request authenticated with (a key or session token); only ever used to derive keys. */
export function bearerSecret(c: Context<AppEnv>): string {
  const match = BEARER.exec(c.req.header('authorization') ?? '')
  if (!match?.[1]) throw new ApiError('UNAUTHORIZED', 'send an API key or a session token as "Authorization: Bearer <token>"')
  return match[1]
}

/** Resolve `Authorization: Bearer <key or session token>` to a caller, or answer 401. */
export function authenticate(deps: Pick<Deps, 'keys' | 'users' | 'operatorTenantId'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization')
    const match = header ? BEARER.exec(header) : null
    if (!match?.[1]) {
      c.header('WWW-Authenticate', 'Bearer realm="timebank"')
      throw new ApiError('UNAUTHORIZED', 'send an API key or a session token as "Authorization: Bearer <token>"')
    }
    if (match[1].startsWith(SESSION_PREFIX)) {
      const session = await deps.users.sessions.authenticate(match[1])
      if (!session) {
        c.header('WWW-Authenticate', 'Bearer realm="timebank", error="invalid_token"')
        throw new ApiError('UNAUTHORIZED', 'the session is unknown, expired or signed out: sign in again')
      }
      c.set('session', session)
      c.set('caller', sessionCaller(session, deps.operatorTenantId))
      return next()
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
      gridId: key.gridId,
      operator: key.role === 'admin' && key.tenantId === deps.operatorTenantId,
    })
    return next()
  }
}

/** The caller's session; 403 for an API key (signing out and passwords are a signed-in user's). */
export function requireSession(c: Context<AppEnv>): { caller: Caller & { userId: string; sessionId: string }; session: LiveSession } {
  const caller = c.get('caller')
  const session = c.get('session')
  if (!session || caller.userId === undefined || caller.sessionId === undefined) {
    throw new ApiError('FORBIDDEN', 'this needs a signed-in session (Authorization: Bearer tbs_…), not an API key')
  }
  return { caller: { ...caller, userId: caller.userId, sessionId: caller.sessionId }, session }
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

/**
 * The caller of a ledger route (accounts, transfers, totals), refused with 403 unless it has one of the
 * roles (any, when none are given). The ledger knows no grids, so a staff key limited to a grid may not
 * use these routes at all: a grid leader works through the community's routes, which know the grid.
 */
export function ledgerCaller(c: Context<AppEnv>, ...roles: Role[]): Caller {
  const caller = roles.length > 0 ? requireRole(c, ...roles) : c.get('caller')
  if (caller.role === 'staff' && caller.gridId !== null) {
    throw new ApiError(
      'FORBIDDEN',
      `a staff key limited to grid ${caller.gridId} may not use the ledger's accounts and transfers; it works through the community's routes`,
      { role: caller.role, gridId: caller.gridId },
    )
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

/** Refuse with the same 404 as a missing account unless the caller may read it (members: their owner's only). */
export async function assertMayRead(deps: Pick<Deps, 'owners'>, caller: Caller, accountId: string): Promise<void> {
  if (caller.role !== 'member') return
  const owner = await deps.owners.of(caller.tenantId, accountId)
  if (!mayRead(caller, { owner })) throw hiddenAccount(accountId)
}

/** Above this many accounts of unknown owner, one listing of the member's accounts beats a read per account. */
const READ_EACH_UP_TO = 4

/**
 * Refuse with 403 unless a member owns every account it wants to debit. Missing
 * and foreign accounts get the same answer, so nothing leaks.
 */
export async function assertMayDebit(deps: Pick<Deps, 'owners'>, caller: Caller, accountIds: Iterable<string>): Promise<void> {
  if (caller.role !== 'member') return
  const ids = [...new Set(accountIds)]
  const unknown = ids.filter((id) => deps.owners.known(caller.tenantId, id) === undefined).length
  const listed = unknown > READ_EACH_UP_TO && caller.owner ? await deps.owners.accountsOf(caller.tenantId, caller.owner) : null
  for (const id of ids) {
    const owner = !caller.owner || (listed && !listed.has(id)) ? null : await ownerIfExists(deps, caller.tenantId, id)
    if (!owner || !mayRead(caller, { owner })) {
      throw new ApiError('FORBIDDEN', 'member keys may only move value from their own accounts', { accountId: id })
    }
  }
}

/** The account's owner, or null when there is no such account (or the id could not name one). */
async function ownerIfExists(deps: Pick<Deps, 'owners'>, tenantId: string, accountId: string): Promise<AccountOwner | null> {
  try {
    return await deps.owners.of(tenantId, accountId)
  } catch (e) {
    if (isLedgerError(e) && (e.code === 'ACCOUNT_NOT_FOUND' || e.code === 'VALIDATION')) return null
    throw e
  }
}

/**
 * Why the caller may not open this account, or null. Staff open wallets, escrows and sinks with the
 * default or a non-negative floor; a credit line (floor below zero, or none, on anything but a
 * redemption sink, which takes value only by redeem) and system-owned accounts need an admin key.
 */
export function openAccountRefusal(caller: Caller, input: Pick<OpenAccountInput, 'owner' | 'kind' | 'floor'>): ApiError | null {
  if (caller.role === 'admin') return null
  if (input.owner.type === 'system') {
    return new ApiError('FORBIDDEN', `a ${caller.role} key may not open system-owned accounts; it needs admin`, {
      role: caller.role,
      allowed: ['admin'],
    })
  }
  const belowZero = input.floor?.startsWith('-') === true && /[1-9]/.test(input.floor)
  const creditLine = input.kind !== 'redemption' && (input.floor === null || belowZero)
  if (creditLine) {
    return new ApiError(
      'FORBIDDEN',
      `a ${caller.role} key may not open an account that can go below zero (floor ${input.floor}); it needs admin`,
      {
        role: caller.role,
        allowed: ['admin'],
      },
    )
  }
  return null
}

/**
 * A ledger refusal as the caller may see it. Staff and admin read every account, so they see it whole;
 * a member sees another's account named (it named it itself) but none of its figures or state beyond
 * the code, since reading that account would answer 404.
 */
export async function visibleRefusal<
  E extends { code: LedgerError['code']; message: string; details?: Record<string, unknown> | undefined },
>(deps: Pick<Deps, 'owners'>, caller: Caller, error: E): Promise<E | LedgerError> {
  if (caller.role !== 'member') return error
  if (error.code === 'ASSET_MISMATCH') return new LedgerError(error.code, 'the two accounts hold different assets')
  const accountId = error.details?.accountId
  if (typeof accountId !== 'string') return error
  const owner = await ownerIfExists(deps, caller.tenantId, accountId)
  if (owner && mayRead(caller, { owner })) return error
  return new LedgerError(error.code, `account ${accountId} cannot take part in this movement (${error.code})`, { accountId })
}
