/**
 * Scenario 8, the community layer on the ledger, each figure against a ledger
 * baseline measured in the same phase:
 * - bulk approval of 1,000 hour records (one ledger batch of their hours,
 *   points and lifetime hours, plus the community's own claim and mark) against
 *   a ledger batch of 1,000 earns, and, for reference, against the 3,000 earns
 *   the approval posts;
 * - the honour roll of a community whose members have 10,000 approved records
 *   against the same community with 1,000: its cost follows the members (the
 *   month totals), not the records;
 * - 32 members checking in by code at once against ledger transfers at 32 callers.
 *
 * Fixture rows the measured code does not produce (members' rows, pending
 * records, sign-ups) are inserted with SQL; everything measured runs through
 * `createCommunity`.
 *
 * @example
 * const c = await setupCommunityBench(url, log)
 * await measurePhase(c.contenders, …)
 * await c.close()
 */
import { ASSETS, createCommunity, lifetimeOwner, memberAccount, migrate } from '@timebank/community'
import { type Ledger, createLedger } from '@timebank/ledger'
import { type BenchDatabase, openBenchDatabase } from '../env/pool.js'
import type { Contender } from '../figures.js'
import { closedLoop } from '../runner/closed-loop.js'

export const SCENARIO = '8. community on the ledger'
const TENANT = 'bench-community'
const MEMBERS = 300
const CHUNK = 1000

export interface CommunityBench {
  contenders: Contender[]
  close(): Promise<void>
}

let made = 0
const uid = (p: string) => `${p}${(++made).toString(36)}`

/** Members as rows (active) with their three ledger accounts, as approval leaves them. */
export async function members(bench: BenchDatabase, ledger: Ledger, tenantId: string, prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${i}`)
  await bench.conn.query(
    `insert into cm_members (tenant_id, id, name, status, pseudonym, applied_at)
     select $1, $2 || i, 'Member ' || i, 'active', 'V-' || i, now() from generate_series(0, $3::int - 1) as i`,
    [tenantId, prefix, count],
  )
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(
      ids.slice(i, i + 50).map(async (m) => {
        const owner = { type: 'member' as const, id: m }
        await ledger.openAccount({ tenantId, id: memberAccount(m, ASSETS.hours), asset: ASSETS.hours, owner })
        await ledger.openAccount({ tenantId, id: memberAccount(m, ASSETS.points), asset: ASSETS.points, owner })
        await ledger.openAccount({
          tenantId,
          id: memberAccount(m, ASSETS.lifetime),
          asset: ASSETS.lifetime,
          owner: { type: 'system', id: lifetimeOwner(m) },
        })
      }),
    )
  }
  return ids
}

/** `count` pending records of 1 h over `memberIds`, inserted as check-out would leave them; their ids. */
async function pending(bench: BenchDatabase, tenantId: string, memberIds: string[], count: number): Promise<string[]> {
  const prefix = uid('r')
  await bench.conn.query(
    `insert into cm_hour_records (tenant_id, id, member_id, kind, role, conduct, started_at, ended_at, hours, status, manual, created_by, created_at)
     select $1, $2 || i, ($3::text[])[1 + i % cardinality($3::text[])], 'clean-up', 'member', '1',
            now() - interval '2 hours', now() - interval '1 hour', 100, 'pending', false, 'bench', now()
     from generate_series(0, $4::int - 1) as i`,
    [tenantId, prefix, `{${memberIds.join(',')}}`, count],
  )
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`)
}

export async function setupCommunityBench(url: string, log: (line: string) => void): Promise<CommunityBench> {
  const bench = await openBenchDatabase(url, { max: 40, prefix: 'tb_bench_c' })
  try {
    await migrate(bench.db)
    const ledger = createLedger({ db: bench.db })
    const community = createCommunity({ db: bench.db, ledger })
    const t0 = performance.now()
    // Approvals and transfers: one community.
    await community.setUp({ tenantId: TENANT, name: 'Bench community' })
    const people = await members(bench, ledger, TENANT, 'm', MEMBERS)
    // Funds for the transfer baseline: 100 h each.
    const r = await ledger.batch({
      tenantId: TENANT,
      operations: people.map((m) => ({
        type: 'earn' as const,
        id: `fund-${m}`,
        to: memberAccount(m, ASSETS.hours),
        amount: '100',
        evidence: { activity: 'bench seed', reviewer: 'bench' },
      })),
    })
    if (!r.committed) throw new Error('funding the community bench failed')
    // Honour rolls: two communities of the same members, 1,000 and 10,000 approved records.
    const rolls: { tenantId: string; records: number }[] = [
      { tenantId: `${TENANT}-roll1k`, records: 1_000 },
      { tenantId: `${TENANT}-roll10k`, records: 10_000 },
    ]
    for (const roll of rolls) {
      await community.setUp({ tenantId: roll.tenantId, name: `Roll ${roll.records}` })
      const ids = await members(bench, ledger, roll.tenantId, 'm', MEMBERS)
      for (let i = 0; i < roll.records; i += CHUNK) {
        const results = await community.approve({
          tenantId: roll.tenantId,
          recordIds: await pending(bench, roll.tenantId, ids, CHUNK),
          actor: 'bench',
        })
        if (results.some((x) => !x.ok)) throw new Error('approving the roll fixture failed')
      }
    }
    const year = String(new Date().getUTCFullYear())
    // Check-ins: activities under way now, every member signed up to each (a check-in per pair).
    const activities: string[] = []
    const starts = new Date(Date.now() - 10 * 60_000)
    await community.createGrid({ tenantId: TENANT, id: 'yard', name: 'Yard', level: 'grid', actor: 'bench' })
    for (let a = 0; a < 48; a++) {
      const { activity } = await community.createActivity({
        tenantId: TENANT,
        id: `bench-act-${a}`,
        title: 'Bench clean-up',
        kind: 'clean-up',
        place: 'yard',
        gridId: 'yard',
        startsAt: starts,
        endsAt: new Date(starts.getTime() + 6 * 3_600_000),
        capacity: MEMBERS,
        maxHours: '2',
        actor: 'bench',
      })
      activities.push(activity.id)
    }
    await bench.conn.query(
      `insert into cm_signups (tenant_id, activity_id, member_id, status, role, signed_at)
       select $1, a, m, 'signed', 'member', now() from unnest($2::text[]) as a cross join unnest($3::text[]) as m`,
      [TENANT, `{${activities.join(',')}}`, `{${people.join(',')}}`],
    )
    const slots = activities.flatMap((a) => people.map((m) => ({ a, m })))
    let nextSlot = 0
    await bench.conn.query('analyze')
    log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s (schema ${bench.schema})`)

    const pick = () => people[Math.floor(Math.random() * people.length)] as string
    const earns = (n: number, assets: string[]) =>
      Array.from({ length: n }, (_, i) => {
        const asset = assets[i % assets.length] as string
        return {
          type: 'earn' as const,
          id: uid('e'),
          to: memberAccount(pick(), asset),
          amount: asset === ASSETS.points ? '10' : '1.00',
          evidence: { activity: 'bench', reviewer: 'bench' },
        }
      })
    const batch = async (ops: ReturnType<typeof earns>) => {
      const res = await ledger.batch({ tenantId: TENANT, operations: ops })
      if (!res.committed) throw new Error('ledger batch refused')
    }

    const contenders: Contender[] = [
      {
        id: 'community.earns1000',
        scenario: SCENARIO,
        label: 'ledger.batch of 1,000 earns (baseline)',
        callers: 1,
        unit: 'ops/s',
        kind: 'rate',
        round: (ms) =>
          closedLoop(1, ms, async () => {
            await batch(earns(CHUNK, [ASSETS.hours]))
            return CHUNK
          }),
      },
      {
        id: 'community.earns3000',
        scenario: SCENARIO,
        label: 'ledger.batch of the 3,000 earns approving 1,000 records posts (reference)',
        callers: 1,
        unit: 'ops/s',
        kind: 'rate',
        note: 'counts records: 3 earns (hours, points, lifetime hours) each',
        round: (ms) =>
          closedLoop(1, ms, async () => {
            await batch(earns(3 * CHUNK, [ASSETS.hours, ASSETS.points, ASSETS.lifetime]))
            return CHUNK
          }),
      },
      {
        id: 'community.approve1000',
        scenario: SCENARIO,
        label: 'community.approve of 1,000 pending records',
        callers: 1,
        unit: 'ops/s',
        kind: 'rate',
        baseline: 'community.earns1000',
        note: 'records/s; each posts 3 ledger earns',
        targets: [
          { text: '>= 0.5x a ledger batch of 1,000 earns', min: 0.5 },
          { text: 'vs the same 3,000 earns in one ledger batch (the community layer’s own cost)', vs: 'community.earns3000', aim: true },
        ],
        round: async (ms) => {
          // Pending records made before the clock starts: enough for the round, inserted, not measured.
          const chunks: string[][] = []
          for (let i = 0; i < Math.ceil(ms / 150) + 2; i++) chunks.push(await pending(bench, TENANT, people, CHUNK))
          let next = 0
          return closedLoop(1, ms, async () => {
            const ids = chunks[next++]
            if (!ids) throw new Error('the round ran out of prepared records')
            const results = await community.approve({ tenantId: TENANT, recordIds: ids, actor: 'bench' })
            if (results.some((x) => !x.ok)) throw new Error('approval refused')
            return CHUNK
          })
        },
      },
      {
        id: 'community.roll.1k',
        scenario: SCENARIO,
        label: 'honour roll, 300 members, 1,000 approved records',
        callers: 1,
        unit: 'ms/read',
        kind: 'latency',
        round: (ms) =>
          closedLoop(1, ms, async () => {
            await community.honourRoll({ tenantId: `${TENANT}-roll1k`, period: year, by: 'hours', limit: 20 })
            return 1
          }),
      },
      {
        id: 'community.roll.10k',
        scenario: SCENARIO,
        label: 'honour roll, the same 300 members, 10,000 approved records',
        callers: 1,
        unit: 'ms/read',
        kind: 'latency',
        baseline: 'community.roll.1k',
        targets: [{ text: 'within 1.5x of 1,000 records (cost follows members, not records)', max: 1.5 }],
        round: (ms) =>
          closedLoop(1, ms, async () => {
            await community.honourRoll({ tenantId: `${TENANT}-roll10k`, period: year, by: 'hours', limit: 20 })
            return 1
          }),
      },
      {
        id: 'community.transfer.c32',
        scenario: SCENARIO,
        label: 'ledger.transfer between members (baseline)',
        callers: 32,
        unit: 'transfers/s',
        kind: 'rate',
        round: (ms) =>
          closedLoop(32, ms, async () => {
            let to = pick()
            const from = pick()
            while (to === from) to = pick()
            await ledger.transfer({
              tenantId: TENANT,
              id: uid('t'),
              from: memberAccount(from, ASSETS.hours),
              to: memberAccount(to, ASSETS.hours),
              amount: '0.01',
            })
            return 1
          }),
      },
      {
        id: 'community.checkin.c32',
        scenario: SCENARIO,
        label: 'community.checkIn by code',
        callers: 32,
        unit: 'ops/s',
        kind: 'rate',
        baseline: 'community.transfer.c32',
        targets: [{ text: '>= 0.5x ledger transfers at 32 callers', min: 0.5 }],
        round: async (ms) => {
          const codes = new Map<string, string>()
          for (const a of activities) codes.set(a, (await community.currentCode({ tenantId: TENANT, activityId: a })).code)
          return closedLoop(32, ms, async () => {
            const slot = slots[nextSlot++]
            if (!slot) throw new Error('every member has checked in to every bench activity')
            await community.checkIn({
              tenantId: TENANT,
              activityId: slot.a,
              memberId: slot.m,
              code: codes.get(slot.a) as string,
              actor: 'bench',
            })
            return 1
          })
        },
      },
    ]
    return { contenders, close: () => bench.close() }
  } catch (e) {
    await bench.close()
    throw e
  }
}
