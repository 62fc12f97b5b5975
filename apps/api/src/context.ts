/**
 * What every handler can use: the caller (from the API key or the session) and
 * the request id, plus the dependencies `createApp` was given.
 */
import type { Community } from '@timebank/community'
import type { Ledger } from '@timebank/ledger'
import type { KeyStore } from './keys/store.js'
import type { Owner, Role } from './keys/types.js'
import type { Logger } from './logger.js'
import type { AccountOwners } from './owners.js'
import type { SignIn } from './users/sign-in.js'
import type { UserStore } from './users/store.js'
import type { LiveSession } from './users/types.js'

/**
 * Who is calling, from their API key or their session: the same shape either way, so every rule
 * downstream (roles, grid scope, a member's own accounts) holds for both alike.
 */
export interface Caller {
  /** The actor written into what the caller does: the key's id, or `user:<userId>` for a session. */
  keyId: string
  tenantId: string
  role: Role
  /** Member keys: the owner whose accounts the key may read and debit. */
  owner: Owner | null
  /** An admin key of the operator tenant: may also create tenants. */
  operator: boolean
  /** Staff keys of a grid leader: the grid whose subtree the key is limited to. */
  gridId: string | null
  /** Sessions only: the user signed in. */
  userId?: string
  /** Sessions only: the session. */
  sessionId?: string
}

export type AppEnv = {
  Variables: {
    requestId: string
    caller: Caller
    /** The session, when the caller signed in (not an API key). */
    session: LiveSession | undefined
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
  /** Users, their sessions and sign-in links. */
  users: UserStore
  signIn: SignIn
}
