/**
 * A community on a fresh in-memory PGlite, for tests: the database migrated
 * (ledger and community), the ledger, the community, a controllable clock,
 * and a tenant set up.
 *
 * @example
 * const t = await pgliteCommunity()
 * await t.community.registerMember({ tenantId: t.tenantId, … })
 * await t.close()
 */
import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { type Ledger, type LedgerDatabase, createLedger } from '@timebank/ledger'
import { drizzle } from 'drizzle-orm/pglite'
import { type Community, createCommunity } from '../community.js'
import type { CommunitySettingsInput } from '../domain/settings.js'
import { migrate } from '../migrate.js'

export interface TestCommunity {
  db: LedgerDatabase
  ledger: Ledger
  community: Community
  tenantId: string
  clock: { now: Date; set(at: Date | string): void; advance(ms: number): void }
  close(): Promise<void>
}

/** A controllable clock starting at `start`. */
export function testClock(start: Date | string = '2026-03-02T01:00:00Z') {
  const clock = {
    now: new Date(start),
    set(at: Date | string) {
      clock.now = new Date(at)
    },
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms)
    },
  }
  return clock
}

/** Set up a community on a database already migrated. */
export async function communityOn(
  db: LedgerDatabase,
  options: { settings?: Partial<CommunitySettingsInput>; start?: Date | string; tenantId?: string } = {},
): Promise<Omit<TestCommunity, 'close'>> {
  const clock = testClock(options.start)
  const ledger = createLedger({ db, clock: () => clock.now })
  const community = createCommunity({ db, ledger, clock: () => clock.now })
  const tenantId = options.tenantId ?? `c-${randomBytes(4).toString('hex')}`
  await community.setUp({ tenantId, name: 'Maple Street', settings: { timeZone: 'Asia/Shanghai', ...options.settings } })
  return { db, ledger, community, tenantId, clock }
}

export async function pgliteCommunity(options: Parameters<typeof communityOn>[1] = {}): Promise<TestCommunity> {
  const client = new PGlite()
  const db = drizzle(client) as unknown as LedgerDatabase
  await migrate(db)
  return { ...(await communityOn(db, options)), close: () => client.close() }
}
