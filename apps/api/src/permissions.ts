/**
 * Who may do what in a community: the one table every community route (and
 * later every page) asks, never its own check. A grant is per role:
 *
 * - `true`: anywhere in the key's tenant;
 * - `'scope'`: staff keys limited to a grid (grid leaders) only within that
 *   grid's subtree; unlimited staff keys anywhere;
 * - `'self'`: member keys only about the member they are bound to;
 * - `'unlimited'`: staff keys not limited to a grid only (what concerns the whole community).
 *
 * A role without a grant is refused with 403 FORBIDDEN. A target outside the
 * key's scope, or another member's, answers the same 404 as a missing one, so
 * ids do not leak.
 *
 * @example
 * await authorize(c, deps, 'records.decide', { memberId: record.memberId })
 * const within = await scopeOf(c, deps) // a list's grid filter: the key's subtree, or undefined
 */
import { isWithin } from '@timebank/community'
import { BoundedCache } from '@timebank/ledger/kit'
import type { Context } from 'hono'
import type { AppEnv, Caller, Deps } from './context.js'
import { type AnyErrorCode, ApiError } from './errors.js'
import type { Role } from './keys/types.js'

type Grant = true | 'scope' | 'self' | 'unlimited'

export const PERMISSIONS = {
  /** Set the community up, change its settings. */
  'community.manage': { admin: true },
  'community.read': { admin: true, staff: true, member: true },
  'rules.manage': { admin: true },
  'rules.read': { admin: true, staff: true },
  /** Register, review, deactivate, reactivate, place members; link relatives. */
  'members.manage': { admin: true, staff: 'scope' },
  /** Remove a member's personal data for good. */
  'members.erase': { admin: true },
  /** A member's full record. */
  'members.read': { admin: true, staff: 'scope', member: 'self' },
  'members.list': { admin: true, staff: 'scope' },
  'grids.manage': { admin: true, staff: 'scope' },
  'grids.read': { admin: true, staff: true, member: true },
  /** Partner units and teams draw members from anywhere: not for a key limited to a grid. */
  'organisations.manage': { admin: true, staff: 'unlimited' },
  'organisations.read': { admin: true, staff: true },
  'activities.manage': { admin: true, staff: 'scope' },
  'activities.read': { admin: true, staff: true, member: true },
  /** Show the rotating check-in code and its QR, see who attends. */
  'activities.host': { admin: true, staff: 'scope' },
  'signups.manage': { admin: true, staff: 'scope', member: 'self' },
  /** A member's sign-ups across activities: a member its own, staff those of members in their scope. */
  'signups.read': { admin: true, staff: 'scope', member: 'self' },
  /** Sign someone up as a leader or organiser (their points multiplier), not only as a member. */
  'signups.role': { admin: true, staff: 'scope' },
  /** Check in or out by scanning the activity's code. */
  'attendance.self': { member: 'self' },
  /** Check someone in or out by hand. */
  'attendance.manage': { admin: true, staff: 'scope' },
  /** Enter, approve, reject, adjust hour records, uphold complaints. */
  'records.decide': { admin: true, staff: 'scope' },
  'records.read': { admin: true, staff: 'scope', member: 'self' },
  'records.reconcile': { admin: true },
  /** Honour rolls and roll-ups. */
  'recognition.read': { admin: true, staff: 'scope' },
  'periods.close': { admin: true },
  'statements.read': { admin: true, staff: 'scope', member: 'self' },
  'certificates.issue': { admin: true, staff: 'scope' },
  'certificates.read': { admin: true, staff: 'scope', member: 'self' },
  /** Every certificate (a key limited to a grid: those of members living in its subtree). */
  'certificates.list': { admin: true, staff: 'scope' },
  /** Recompute the books' entry chains; sign a checkpoint of them. */
  'journal.verify': { admin: true },
  'journal.checkpoint': { admin: true },
  // Policies and what they govern (gifting, donation)
  /** Residents read the rules that bind them. */
  'policies.read': { admin: true, staff: true, member: true },
  'policies.manage': { admin: true },
  /** Give hours or points from a member's account to another member's. */
  'gifts.make': { admin: true, staff: 'scope', member: 'self' },
  /** Donate from a member's account to the community pool. */
  'donations.make': { admin: true, staff: 'scope', member: 'self' },
  /** Donate from an organisation's account: organisations are not in a grid. */
  'donations.organisation': { admin: true, staff: 'unlimited' },
  // Points expiry
  /** Expire every member's points that fell due. */
  'expiry.run': { admin: true },
  /** What of a member's points expires when. */
  'expiry.read': { admin: true, staff: 'scope', member: 'self' },
  // Service orders (居民点单、社区下单、单位接单). Who provides, and who is the resident, the order itself says:
  // the community's use cases check it (a member key bound to a volunteer or to an organisation acts as it).
  /** Add and change services of the catalogue: community-wide, not for a key limited to a grid. */
  'services.manage': { admin: true, staff: 'unlimited' },
  'services.read': { admin: true, staff: true, member: true },
  /** Order a service: a member for themselves, staff for residents of their grid. */
  'orders.place': { admin: true, staff: 'scope', member: 'self' },
  /** Dispatch, resolve disputes, cancel, decide that the pool pays, act for an organisation: residents of their grid. */
  'orders.manage': { admin: true, staff: 'scope' },
  /** Run the deadlines now; list the orders whose ledger state disagrees. */
  'orders.sweep': { admin: true },
  // Micro-wishes (routes/wishes.ts).
  /** Post a wish: a member for itself, staff for a resident of their subtree. */
  'wishes.post': { admin: true, staff: 'scope', member: 'self' },
  /** Put a reward on a wish from the community pool: staff commit the community's points, a resident does not. */
  'wishes.reward': { admin: true, staff: 'scope' },
  /** Put a reward on a wish from an organisation's points: like its donations, not for a key limited to a grid. */
  'wishes.rewardOrganisation': { admin: true, staff: 'unlimited' },
  /** Browse wishes: members see all (others' masked), staff their subtree's. */
  'wishes.read': { admin: true, staff: 'scope', member: true },
  /** Claim, release, fulfil: a member as itself (the rules name who may), staff for a volunteer within their subtree. */
  'wishes.volunteer': { admin: true, staff: 'scope', member: 'self' },
  /** Confirm or cancel: a member as itself (only the poster may), staff within their subtree. */
  'wishes.close': { admin: true, staff: 'scope', member: 'self' },
  'wishes.counts': { admin: true, staff: 'scope' },
  /** Compare wishes with the ledger; finish the steps a crash left. */
  'wishes.reconcile': { admin: true },

  // Points supermarket (积分超市): the catalogue and the desk are the whole community's.
  /** Add and change rewards, restock them, write units off. */
  'rewards.manage': { admin: true, staff: 'unlimited' },
  /** The catalogue (members see what is on it). */
  'rewards.read': { admin: true, staff: true, member: true },
  /** The stock report: the goods register beside the points spent. */
  'rewards.report': { admin: true, staff: true },
  /** Redeem for oneself; cancel one's own before it is handed over. */
  'redemptions.self': { member: 'self' },
  /** Redeem for a member, cancel a member's redemption. */
  'redemptions.manage': { admin: true, staff: 'scope' },
  /** Hand a reserved reward over at the desk. */
  'redemptions.handOver': { admin: true, staff: true },
  'redemptions.read': { admin: true, staff: 'scope', member: 'self' },
  /** Compare redemptions with the ledger, settle unfinished ones, sweep past pickup deadlines. */
  'redemptions.reconcile': { admin: true },

  // Console users (routes/users.ts). Staff deal with member users only (of members in their scope);
  // admin and staff users, and any user's role, are the admin's.
  /** Create a member user, disable one, give one a sign-in link. */
  'users.manage': { admin: true, staff: 'scope' },
  'users.read': { admin: true, staff: 'scope' },

  /** The dashboard's figures (routes/summary.ts): a grid leader's of its subtree. */
  'summary.read': { admin: true, staff: 'scope' },
} as const satisfies Record<string, Partial<Record<Role, Grant>>>

export type Action = keyof typeof PERMISSIONS

/** What an action is about, for scope and self grants. */
export interface Target {
  /** The member it is about (for `self`, and for `scope` through the member's grid). */
  memberId?: string
  /** The grid path it is in, when known (an activity's, a grid's); else the member's grid is looked up. */
  gridPath?: string | null
  /** The 404 to answer when the caller may not see it. */
  hidden?: { code: AnyErrorCode; message: string; details?: Record<string, unknown> }
}

/** Grid paths are looked up again after this long (a grid moved elsewhere). */
const PATH_TTL_MS = 5000
/** One cache per community (per app), so apps on different databases in one process never share paths. */
const caches = new WeakMap<object, BoundedCache<string, string | null>>()

async function cachedPath(deps: Pick<Deps, 'community'>, key: string, read: () => Promise<string | null>): Promise<string | null> {
  let paths = caches.get(deps.community)
  if (!paths) {
    paths = new BoundedCache<string, string | null>({ maxEntries: 50_000, ttlMs: PATH_TTL_MS })
    caches.set(deps.community, paths)
  }
  const hit = paths.get(key)
  if (hit !== undefined) return hit
  const readAt = Date.now()
  const path = await read()
  paths.set(key, path, readAt)
  return path
}

/** The path of the grid a limited staff key is limited to; undefined for every other key. */
export async function scopeOf(c: Context<AppEnv>, deps: Pick<Deps, 'community'>): Promise<string | undefined> {
  const caller = c.get('caller')
  if (caller.role !== 'staff' || caller.gridId === null) return undefined
  const gridId = caller.gridId
  const path = await cachedPath(
    deps,
    `grid\u0000${caller.tenantId}\u0000${gridId}`,
    async () => (await deps.community.getGrid({ tenantId: caller.tenantId, gridId })).path,
  )
  // A key limited to a grid that no longer resolves sees nothing: an impossible prefix.
  return path ?? '\u0000'
}

/** The grid path of a member, briefly remembered. */
export function memberPath(deps: Pick<Deps, 'community'>, tenantId: string, memberId: string): Promise<string | null> {
  return cachedPath(deps, `member\u0000${tenantId}\u0000${memberId}`, () => deps.community.memberGridPath(tenantId, memberId))
}

const hiddenError = (target: Target | undefined) => {
  const h = target?.hidden ?? { code: 'NOT_FOUND' as const, message: 'not found' }
  return new ApiError(h.code, h.message, h.details)
}

/** Refuse unless the caller may do `action` on `target`; returns the caller. */
export async function authorize(c: Context<AppEnv>, deps: Pick<Deps, 'community'>, action: Action, target?: Target): Promise<Caller> {
  const caller = c.get('caller')
  const grant = (PERMISSIONS[action] as Partial<Record<Role, Grant>>)[caller.role]
  if (grant === undefined) {
    const allowed = Object.keys(PERMISSIONS[action])
    throw new ApiError('FORBIDDEN', `a ${caller.role} key may not do this; it needs ${allowed.join(' or ')}`, {
      role: caller.role,
      allowed,
    })
  }
  if (grant === true) return caller
  if (grant === 'self') {
    const self = caller.owner?.type === 'member' ? caller.owner.id : undefined
    if (self === undefined || target?.memberId !== self) throw hiddenError(target)
    return caller
  }
  const scope = await scopeOf(c, deps)
  if (scope === undefined) return caller
  if (grant === 'unlimited') {
    throw new ApiError('FORBIDDEN', 'a staff key limited to a grid may not do this; it needs an admin or an unlimited staff key', {
      role: caller.role,
      gridId: caller.gridId,
    })
  }
  let path = target?.gridPath
  if (path === undefined && target?.memberId !== undefined) path = await memberPath(deps, caller.tenantId, target.memberId)
  if (path === null || path === undefined || !isWithin(path, scope)) throw hiddenError(target)
  return caller
}

/** The member a member key is bound to, or undefined for other keys. */
export function selfOf(caller: Caller): string | undefined {
  return caller.role === 'member' && caller.owner?.type === 'member' ? caller.owner.id : undefined
}

/** The answer for a grid the caller may not see: the same as for a missing one. */
export const hiddenGrid = (gridId: string) => ({
  code: 'GRID_NOT_FOUND' as const,
  message: `grid ${gridId} not found`,
  details: { gridId },
})

/**
 * May the caller `action` in the grid `gridId` names? The grant first (403 without it). A staff key limited
 * to a grid must name a grid within its subtree (GRID_NOT_FOUND otherwise, as for a missing one); naming
 * none (a root, a member without a grid) is refused with 403 and `unscoped` as the message. Returns the
 * caller and the named grid's path (looked up, so GRID_NOT_FOUND for a missing grid whoever asks).
 */
export async function authorizeGrid(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'community'>,
  action: Action,
  gridId: string | null | undefined,
  unscoped: string,
): Promise<{ caller: Caller; path: string | undefined }> {
  const scope = await scopeOf(c, deps)
  const caller = await authorize(c, deps, action, scope === undefined ? undefined : { gridPath: scope })
  if (gridId === null || gridId === undefined) {
    if (scope !== undefined) await authorize(c, deps, action, { gridPath: null, hidden: { code: 'FORBIDDEN', message: unscoped } })
    return { caller, path: undefined }
  }
  const { path } = await deps.community.getGrid({ tenantId: caller.tenantId, gridId })
  if (scope !== undefined) await authorize(c, deps, action, { gridPath: path, hidden: hiddenGrid(gridId) })
  return { caller, path }
}
