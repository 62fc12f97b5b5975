/**
 * What the activity tests start from, without the member or grid use cases:
 * one migrated PGlite per test file, on it as many communities as the tests
 * want (each a tenant of its own: a new database costs seconds, a tenant
 * milliseconds), each with grids `g1` and `g2` under `root`, active members
 * made by inserting their rows and opening their accounts as approval would,
 * and activities on 2026-03-02 from 02:00 to 04:00 UTC (the clock starts at 01:00).
 *
 * @example
 * const db = await activityDatabase()
 * const t = await db.setting({ settings: { checkInGraceMinutes: 10 } })
 * await t.members(['ana', 'bo'])
 * const { activity } = await t.activity({ capacity: 2 })
 */
import { type CommunityContext, createContext } from '../context.js'
import { openMemberAccounts } from '../members/accounts.js'
import { grids, members } from '../storage/schema.js'
import { PGlite } from '@electric-sql/pglite'
import type { LedgerDatabase } from '@timebank/ledger'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from '../migrate.js'
import { type TestCommunity, communityOn } from '../testing/pglite.js'
import type { CreateActivityInput } from './activities.js'

export const STARTS = new Date('2026-03-02T02:00:00Z')
export const ENDS = new Date('2026-03-02T04:00:00Z')
export const MINUTE = 60_000

export interface ActivitySetting extends Omit<TestCommunity, 'close'> {
  ctx: CommunityContext
  members(ids: string[], status?: string): Promise<void>
  activity(over?: Partial<CreateActivityInput>): ReturnType<TestCommunity['community']['createActivity']>
}

export interface ActivityDatabase {
  db: LedgerDatabase
  /** A new community (tenant) on the database, its clock at 2026-03-02T01:00Z. */
  setting(options?: Omit<Parameters<typeof communityOn>[1], 'tenantId'>): Promise<ActivitySetting>
  close(): Promise<void>
}

export async function activityDatabase(): Promise<ActivityDatabase> {
  const client = new PGlite()
  const db = drizzle(client) as unknown as LedgerDatabase
  await migrate(db)
  return { db, setting: (options = {}) => activitySettingOn(db, options), close: () => client.close() }
}

/** The same on any migrated database (a PostgreSQL server's, say). */
export async function activitySettingOn(db: LedgerDatabase, options: Parameters<typeof communityOn>[1]): Promise<ActivitySetting> {
  const t = await communityOn(db, options)
  const ctx = createContext({ db: t.db, ledger: t.ledger, clock: () => t.clock.now })
  const at = t.clock.now
  await t.db.insert(grids).values([
    { tenantId: t.tenantId, id: 'root', parentId: null, name: 'Maple Street', level: 'community', path: 'root/', createdAt: at },
    { tenantId: t.tenantId, id: 'g1', parentId: 'root', name: 'Grid 1', level: 'grid', path: 'root/g1/', createdAt: at },
    { tenantId: t.tenantId, id: 'g2', parentId: 'root', name: 'Grid 2', level: 'grid', path: 'root/g2/', createdAt: at },
  ])
  let made = 0
  return {
    ...t,
    ctx,
    async members(ids, status = 'active') {
      for (const id of ids) {
        await t.db.insert(members).values({ tenantId: t.tenantId, id, name: `Member ${id}`, status, pseudonym: `V-${id}`, appliedAt: at })
        if (status === 'active') await openMemberAccounts(ctx, t.tenantId, id)
      }
    },
    activity(over = {}) {
      made += 1
      const input: CreateActivityInput = {
        tenantId: t.tenantId,
        id: `act-${made}`,
        title: 'Spring clean-up',
        kind: 'clean-up',
        place: 'Block 3 yard',
        gridId: 'g1',
        startsAt: STARTS,
        endsAt: ENDS,
        capacity: 10,
        maxHours: '2',
        actor: 'key_staff',
        ...over,
      }
      return t.community.createActivity(input)
    },
  }
}
