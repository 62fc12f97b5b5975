/**
 * What a user is, apart from how users are stored (store.ts): the people who
 * sign in to the console with a login and a password or a one-time link. A
 * user has a role like an API key: a member user is bound to one member, a
 * staff user may be limited to a grid's subtree. Never shows the password's
 * hash.
 */
import type { Role } from '../keys/types.js'
import type { users } from './schema.js'

export interface User {
  tenantId: string
  id: string
  /** As stored: NFKC, lower case (`normalizeLogin`). */
  login: string
  name: string
  role: Role
  /** Member users only: the member whose accounts they use. */
  memberId: string | null
  /** Staff users limited to a grid's subtree (grid leaders): that grid. */
  gridId: string | null
  hasPassword: boolean
  /** Refused sign-ins until then, after too many failures in a row. */
  lockedUntil: Date | null
  createdAt: Date
  createdBy: string | null
  disabledAt: Date | null
}

/** A live session and its user, as `authenticate` resolves a session token. */
export interface LiveSession {
  tenantId: string
  id: string
  expiresAt: Date
  /** Opened with a sign-in link: its user may set a new password without the current one. */
  viaLink: boolean
  user: User
}

/** Logins match whatever their case or compatibility form: `Li.Na` and `li.na` are one login. */
export function normalizeLogin(login: string): string {
  return login.normalize('NFKC').toLowerCase()
}

/** A stored row as the API shows it. */
export const toUser = (r: typeof users.$inferSelect): User => ({
  tenantId: r.tenantId,
  id: r.id,
  login: r.login,
  name: r.name,
  role: r.role as Role,
  memberId: r.ownerType === 'member' ? r.ownerId : null,
  gridId: r.gridId,
  hasPassword: r.passwordHash !== null,
  lockedUntil: r.lockedUntil,
  createdAt: r.createdAt,
  createdBy: r.createdBy,
  disabledAt: r.disabledAt,
})
