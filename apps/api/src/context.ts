/**
 * What every handler can use: the caller (from the API key) and the request id,
 * plus the dependencies `createApp` was given.
 */
import type { Community } from '@timebank/community'
import type { Ledger } from '@timebank/ledger'
import type { KeyStore } from './keys/store.js'
import type { Owner, Role } from './keys/types.js'
import type { Logger } from './logger.js'
import type { AccountOwners } from './owners.js'

/** Who is calling, from their API key. */
export interface Caller {
  keyId: string
  tenantId: string
  role: Role
  /** Member keys: the owner whose accounts the key may read and debit. */
  owner: Owner | null
  /** An admin key of the operator tenant: may also create tenants. */
  operator: boolean
  /** Staff keys of a grid leader: the grid whose subtree the key is limited to. */
  gridId: string | null
}

export type AppEnv = {
  Variables: {
    requestId: string
    caller: Caller
  }
}

/** Dependencies shared by the routes. */
export interface Deps {
  ledger: Ledger
  /** The community's use cases over the same database and ledger. */
  community: Community
  keys: KeyStore
  logger: Logger
  /** The tenant whose admin keys may create tenants; null when there is none. */
  operatorTenantId: string | null
  /** Account owners remembered for member-key checks. */
  owners: AccountOwners
}
