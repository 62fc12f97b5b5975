/**
 * Who owns an account, for member-key checks, remembered in the process. An
 * account's owner is set when it is opened and never changes, and accounts are
 * never deleted, so a remembered owner cannot go stale and needs no expiry.
 * Only accounts that exist are remembered (a miss asks the ledger again), and
 * at most `maxEntries` of them (oldest out first).
 *
 * @example
 * const owners = accountOwners(ledger)
 * const owner = await owners.of('maple', 'ana:hours') // LedgerError ACCOUNT_NOT_FOUND when missing
 */
import type { Account, Ledger } from '@timebank/ledger'
import { BoundedCache } from '@timebank/ledger/kit'

export type AccountOwner = Account['owner']

export interface AccountOwners {
  /** The owner of an account; the ledger's errors (ACCOUNT_NOT_FOUND, …) when it cannot say. */
  of(tenantId: string, accountId: string): Promise<AccountOwner>
  /** The owner if remembered, without asking the ledger. */
  known(tenantId: string, accountId: string): AccountOwner | undefined
  /** Ids of every account of one owner, listed (and remembered): one listing instead of a read per account. */
  accountsOf(tenantId: string, owner: AccountOwner): Promise<Set<string>>
}

/** Enough for the active members of a large community; ~0.2 KiB each. */
export const DEFAULT_OWNER_ENTRIES = 50_000

const PAGE = 500

export function accountOwners(ledger: Pick<Ledger, 'getAccount' | 'listAccounts'>, maxEntries = DEFAULT_OWNER_ENTRIES): AccountOwners {
  const owners = new BoundedCache<string, AccountOwner>({ maxEntries })
  // Ids never hold a newline (see the ledger's Id), so the key is unambiguous.
  const keyOf = (tenantId: string, accountId: string) => `${tenantId}\n${accountId}`
  const remember = (key: string, owner: AccountOwner) => {
    if (owners.get(key) === undefined) owners.set(key, Object.freeze({ type: owner.type, id: owner.id }))
  }
  return {
    known: (tenantId, accountId) => owners.get(keyOf(tenantId, accountId)),
    async of(tenantId, accountId) {
      const key = keyOf(tenantId, accountId)
      const cached = owners.get(key)
      if (cached) return cached
      const account = await ledger.getAccount({ tenantId, accountId })
      remember(key, account.owner)
      return account.owner
    },
    async accountsOf(tenantId, owner) {
      const ids = new Set<string>()
      let after: string | undefined
      for (;;) {
        const page = await ledger.listAccounts({ tenantId, owner, limit: PAGE, after })
        for (const a of page) {
          ids.add(a.id)
          remember(keyOf(tenantId, a.id), a.owner)
        }
        const last = page[page.length - 1]
        if (page.length < PAGE || !last) return ids
        after = last.id
      }
    },
  }
}
