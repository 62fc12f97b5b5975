/**
 * What every use case of the community works with: the database (its own
 * tables), the ledger (through its public interface only), the clock, and the
 * community's settings, read once and remembered briefly.
 */
import type { Ledger, LedgerDatabase } from '@timebank/ledger'
import { BoundedCache } from '@timebank/ledger/kit'
import { and, eq } from 'drizzle-orm'
import { CommunityError, CommunityErrorCode } from './domain/errors.js'
import type { Relation } from './domain/member.js'
import type { VersionedPolicy } from './domain/policy.js'
import { CommunitySettings } from './domain/settings.js'
import { getPolicy } from './policies.js'
import { communities, relatives } from './storage/schema.js'

export interface CommunityRecord {
  tenantId: string
  settings: CommunitySettings
  publicKey: string
  privateKey: string
  createdAt: Date
}

export interface CommunityContext {
  db: LedgerDatabase
  ledger: Ledger
  now: () => Date
  /** The community of a tenant; COMMUNITY_NOT_FOUND when it has not been set up. */
  community(tenantId: string): Promise<CommunityRecord>
  /** The policy in force (the newest version); COMMUNITY_NOT_FOUND when it has not been set up. */
  policy(tenantId: string): Promise<VersionedPolicy>
  /** A member's relatives, each with what they are to the member (for gifting rules), remembered briefly. */
  relativesOf(tenantId: string, memberId: string): Promise<ReadonlyMap<string, Relation>>
  /** Forget a member's remembered relatives (a link was added or removed here). */
  forgetRelatives(tenantId: string, memberId: string): void
  /** Forget a community's remembered settings and policy (they changed). */
  forget(tenantId: string): void
}

/** Settings, policies and relatives changed by another process are seen within this long. */
const SETTINGS_TTL_MS = 5000

export function createContext(options: { db: LedgerDatabase; ledger: Ledger; clock?: () => Date }): CommunityContext {
  const { db, ledger } = options
  const cache = new BoundedCache<string, CommunityRecord>({ maxEntries: 10_000, ttlMs: SETTINGS_TTL_MS })
  const policyCache = new BoundedCache<string, VersionedPolicy>({ maxEntries: 10_000, ttlMs: SETTINGS_TTL_MS })
  // Links change rarely and are read on every gift a relatives rule judges; another process's change is seen within the TTL.
  const relativesCache = new BoundedCache<string, ReadonlyMap<string, Relation>>({ maxEntries: 100_000, ttlMs: SETTINGS_TTL_MS })
  const memberKey = (tenantId: string, memberId: string) => `${tenantId}\n${memberId}`
  const context: CommunityContext = {
    db,
    ledger,
    now: options.clock ?? (() => new Date()),
    async community(tenantId) {
      const cached = cache.get(tenantId)
      if (cached) return cached
      const readAt = Date.now()
      const [row] = await db
        .select()
        .from(communities)
        .where(and(eq(communities.tenantId, tenantId)))
      if (!row)
        throw new CommunityError(CommunityErrorCode.COMMUNITY_NOT_FOUND, `no community is set up for tenant ${tenantId}`, { tenantId })
      const record: CommunityRecord = {
        tenantId,
        settings: CommunitySettings.parse({ ...(row.settings as object), timeZone: row.timeZone }),
        publicKey: row.publicKey,
        privateKey: row.privateKey,
        createdAt: row.createdAt,
      }
      cache.set(tenantId, record, readAt)
      return record
    },
    async policy(tenantId) {
      const cached = policyCache.get(tenantId)
      if (cached) return cached
      const readAt = Date.now()
      const { version, policy } = await getPolicy(context, tenantId)
      policyCache.set(tenantId, { version, policy }, readAt)
      return { version, policy }
    },
    async relativesOf(tenantId, memberId) {
      const key = memberKey(tenantId, memberId)
      const cached = relativesCache.get(key)
      if (cached) return cached
      const readAt = Date.now()
      const rows = await db
        .select({ relativeId: relatives.relativeId, relation: relatives.relation })
        .from(relatives)
        .where(and(eq(relatives.tenantId, tenantId), eq(relatives.memberId, memberId)))
      const found: ReadonlyMap<string, Relation> = new Map(rows.map((r) => [r.relativeId, r.relation as Relation]))
      relativesCache.set(key, found, readAt)
      return found
    },
    forgetRelatives: (tenantId, memberId) => relativesCache.delete(memberKey(tenantId, memberId)),
    forget: (tenantId) => {
      cache.delete(tenantId)
      policyCache.delete(tenantId)
    },
  }
  return context
}

/** The input of a use case `(ctx, input) => …`: what its binder takes. */
export type InputOf<F> = F extends (ctx: CommunityContext, input: infer I) => unknown ? I : never
