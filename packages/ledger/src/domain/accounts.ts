/**
 * Rules about accounts themselves, apart from any movement: reserved ids, the
 * default floor of each kind, which accounts are unbounded (and so kept in
 * shards by storage), and which status changes are allowed.
 *
 * @example
 * const floor = a.floor === undefined ? defaultFloor(a.kind) : a.floor
 * const refusal = statusChangeRefusal({ id, from: 'open', to: 'closed', posted: 0n, held: 0n })
 */
import { ErrorCode, LedgerError } from './errors.js'
import type { AccountKind, AccountStatus } from './schemas.js'

/** Ids of system accounts (issuance) start with this; clients may not open accounts with it. */
export const SYSTEM_PREFIX = 'sys:'

/** The issuance account an `earn` into `asset` draws from. */
export function issuanceAccountId(asset: string): string {
  return `${SYSTEM_PREFIX}issuance:${asset}`
}

/** True for ids only the ledger itself may give an account. */
export function isReservedAccountId(id: string): boolean {
  return id.startsWith(SYSTEM_PREFIX)
}

/** Wallets cannot go negative unless told; redemption sinks are unbounded by default. */
export function defaultFloor(kind: AccountKind): '0' | null {
  return kind === 'redemption' || kind === 'issuance' ? null : '0'
}

/**
 * Which kinds of account a movement may debit and credit, so value is created
 * only by `earn` and leaves circulation only by `redeem`:
 *
 * | movement | may debit                          | may credit                         |
 * |----------|------------------------------------|------------------------------------|
 * | earn     | the asset's issuance account only  | member, organisation, escrow       |
 * | transfer | member, organisation, escrow       | member, organisation, escrow       |
 * | redeem   | member, organisation, escrow       | redemption                         |
 * | reverse  | what its original credited         | what its original debited          |
 *
 * An issuance account is never a plain transfer's side (that would create or
 * destroy value without evidence), and a redemption sink, which has no floor,
 * gives value back only by reversing a redemption. Holds follow the movement
 * they hold; posting and voiding a hold add no rule of their own. Null when the
 * movement may take place.
 */
export function movementRefusal(
  type: 'earn' | 'transfer' | 'redeem',
  from: { id: string; kind: AccountKind },
  to: { id: string; kind: AccountKind },
): LedgerError | null {
  const circulating = (kind: AccountKind) => kind !== 'issuance' && kind !== 'redemption'
  const refuse = (a: { id: string; kind: AccountKind }, message: string) =>
    new LedgerError(ErrorCode.ACCOUNT_KIND_NOT_ALLOWED, message, { accountId: a.id, kind: a.kind })
  switch (type) {
    case 'earn':
      if (from.kind !== 'issuance') return refuse(from, `earn draws from an issuance account, not ${from.kind}`)
      if (!circulating(to.kind)) return refuse(to, `earn credits member, organisation or escrow accounts, not ${to.kind}`)
      return null
    case 'transfer':
      if (!circulating(from.kind)) {
        return refuse(
          from,
          from.kind === 'issuance'
            ? 'value leaves an issuance account only by earn'
            : 'a redemption account gives value back only by reversing a redemption',
        )
      }
      if (!circulating(to.kind)) {
        return refuse(
          to,
          to.kind === 'issuance'
            ? 'value returns to an issuance account only by reversing an earn'
            : 'spend into a redemption account with redeem',
        )
      }
      return null
    case 'redeem':
      if (!circulating(from.kind)) return refuse(from, `redeem draws from a member, organisation or escrow account, not ${from.kind}`)
      if (to.kind !== 'redemption') return refuse(to, `redeem goes to a redemption account, not ${to.kind}`)
      return null
  }
}

/**
 * Accounts with neither floor nor ceiling have no balance check to make, so
 * concurrent writers need not queue on one balance: storage may spread them
 * over several rows (and their entries carry no running balance).
 */
export function isUnbounded(bounds: { floor: bigint | null; ceiling: bigint | null }): boolean {
  return bounds.floor === null && bounds.ceiling === null
}

/**
 * Why an account may not move from one status to another, or null when it may.
 * Closing is final and needs a zero balance and no open holds (`held` counts
 * holds in either direction that still reserve, i.e. not past their timeout).
 */
export function statusChangeRefusal(change: {
  id: string
  from: AccountStatus
  to: AccountStatus
  posted: bigint
  held: bigint
}): LedgerError | null {
  if (change.from === 'closed' && change.to !== 'closed') {
    return new LedgerError(ErrorCode.ACCOUNT_CLOSED, `account ${change.id} is closed for good`, { accountId: change.id })
  }
  if (change.to === 'closed' && change.from !== 'closed' && (change.posted !== 0n || change.held !== 0n)) {
    return new LedgerError(ErrorCode.ACCOUNT_NOT_EMPTY, `account ${change.id} must have a zero balance and no open holds to close`, {
      accountId: change.id,
    })
  }
  return null
}
