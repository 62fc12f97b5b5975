/**
 * What an API key is, apart from how keys are stored (store.ts) or cached
 * (cache.ts): its roles, the owner a member key is bound to, and the view of a
 * key the API shows (never its secret or the secret's hash).
 */

export const ROLES = ['admin', 'staff', 'member'] as const
export type Role = (typeof ROLES)[number]

export interface Owner {
  type: 'member' | 'organisation'
  id: string
}

/** A key as the API shows it: never the secret or its hash. */
export interface ApiKey {
  tenantId: string
  id: string
  name: string
  role: Role
  /** Set for member keys only. */
  owner: Owner | null
  /** Staff keys only: the grid whose subtree the key sees and acts on (a grid leader's key); null for the whole community. */
  gridId: string | null
  /** First characters of the secret, to recognise it. */
  start: string
  createdAt: Date
  createdBy: string | null
  revokedAt: Date | null
}
