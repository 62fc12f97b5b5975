/**
 * Recognition over HTTP: the honour roll (masked names, a grid leader's
 * subtree), period status and closing, grid roll-ups and members' statements,
 * after hours earned through real check-ins and approvals; who may read what,
 * and bad input.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/recognition.test.ts
 */
import { maskName, monthOf } from '@timebank/community'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import {
  ANA_NAME,
  type ActivityWorld,
  BO_NAME,
  CY_NAME,
  approve,
  attend,
  createActivity,
  must,
  seedActivityWorld,
} from '../testing/activity-fixture.js'
import { type TestApi, type TestResponse, startTestApi } from '../testing/harness.js'

let api: TestApi
let w: ActivityWorld
/** The month the approvals were posted in. */
let period: string

beforeAll(async () => {
  api = await startTestApi()
  w = await seedActivityWorld(api)
  const records = [
    await attend(w, (await createActivity(w)).id, 'ana', 90),
    await attend(w, (await createActivity(w, { gridId: 'g1a' })).id, 'bo', 60),
    await attend(w, (await createActivity(w, { gridId: 'g2' })).id, 'cy', 120),
  ]
  await approve(
    w,
    records.map((r) => r.id),
  )
  period = monthOf(w.now(), 'Asia/Shanghai')
})
afterAll(() => api.close())

type Entry = { memberId: string; name: string; hours: string; rank: number }
const roll = async (key: string, query = '') =>
  (await must(api, 'GET', `/v1/honour-roll?period=${period}${query}`, { key })).entries as Entry[]

describe('the honour roll', () => {
  it('ranks members by hours with masked names only', async () => {
    const res = await api.request('GET', `/v1/honour-roll?period=${period}`, { key: w.keys.admin })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ period, by: 'hours', status: 'open', snapshotHash: null })
    expect(res.body.entries.map((e: Entry) => [e.rank, e.memberId, e.name, e.hours])).toEqual([
      [1, 'cy', maskName(CY_NAME), '2.00'],
      [2, 'ana', maskName(ANA_NAME), '1.50'],
      [3, 'bo', maskName(BO_NAME), '1.00'],
    ])
    for (const name of [ANA_NAME, BO_NAME, CY_NAME]) expect(res.text).not.toContain(name)
    expect(res.text).not.toContain('script')
  })

  it('ranks by points, and cuts at the limit', async () => {
    const byPoints = await must(api, 'GET', `/v1/honour-roll?period=${period}&by=points&limit=2`, { key: w.keys.staff })
    expect(byPoints.by).toBe('points')
    expect(byPoints.entries).toHaveLength(2)
    expect(Number(byPoints.entries[0].points)).toBeGreaterThanOrEqual(Number(byPoints.entries[1].points))
  })

  it("gives a grid leader its own subtree's roll by default, and a grid within it when asked", async () => {
    expect((await roll(w.keys.leader)).map((e) => e.memberId)).toEqual(['ana', 'bo'])
    expect((await roll(w.keys.leader, '&gridId=g1a')).map((e) => e.memberId)).toEqual(['bo'])
    expect((await roll(w.keys.outsider)).map((e) => e.memberId)).toEqual(['cy'])
    const outside = await api.request('GET', `/v1/honour-roll?period=${period}&gridId=g2`, { key: w.keys.leader })
    expect([outside.status, outside.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
    const wider = await api.request('GET', `/v1/honour-roll?period=${period}&gridId=root`, { key: w.keys.leader })
    expect([wider.status, wider.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
    expect((await roll(w.keys.staff, '&gridId=g2')).map((e) => e.memberId)).toEqual(['cy'])
  })

  it('is empty for a period without hours', async () => {
    expect(await must(api, 'GET', '/v1/honour-roll?period=2020', { key: w.keys.admin })).toMatchObject({ period: '2020', entries: [] })
  })
})

describe('periods', () => {
  it('tells whether a period is open and has ended', async () => {
    const now = await must(api, 'GET', `/v1/periods/${period}`, { key: w.keys.ana })
    expect(now).toMatchObject({ period, status: 'open', ended: false, closedAt: null })
    const past = await must(api, 'GET', '/v1/periods/2020-01', { key: w.keys.staff })
    expect(past).toMatchObject({ period: '2020-01', status: 'open', ended: true })
  })

  it('refuses to close a period before it ends', async () => {
    const res = await api.request('POST', `/v1/periods/${period}/close`, { key: w.keys.admin })
    expect([res.status, res.body.error.code]).toEqual([422, 'PERIOD_NOT_ENDED'])
  })

  it('closes an ended period once, with its months', async () => {
    const res = await api.request('POST', '/v1/periods/2020-Q1/close', { key: w.keys.admin })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      period: '2020-Q1',
      status: 'closed',
      closedBy: w.keyIds.admin,
      alsoClosed: ['2020-01', '2020-02', '2020-03'],
    })
    expect(res.body.snapshotHash).toMatch(/^[0-9a-f]{64}$/)
    const again = await api.request('POST', '/v1/periods/2020-Q1/close', { key: w.keys.admin })
    expect([again.status, again.body.error.code]).toEqual([409, 'PERIOD_CLOSED'])
    const closedRoll = await must(api, 'GET', '/v1/honour-roll?period=2020-02', { key: w.keys.admin })
    expect(closedRoll).toMatchObject({ status: 'closed', snapshotHash: expect.any(String) })
  })
})

describe('grid roll-ups', () => {
  it("rolls one grid's subtree up", async () => {
    const g1 = await must(api, 'GET', `/v1/grids/g1/rollup?period=${period}`, { key: w.keys.leader })
    expect(g1).toMatchObject({ gridId: 'g1', path: 'root/g1/', period, status: 'open', members: 2, activeVolunteers: 2, hours: '2.50' })
    const root = await must(api, 'GET', `/v1/grids/root/rollup?period=${period}`, { key: w.keys.admin })
    expect(root).toMatchObject({ members: 3, activeVolunteers: 3, hours: '4.50' })
  })

  it("lists every grid, a leader's subtree by default", async () => {
    const all = await must(api, 'GET', `/v1/rollups?period=${period}`, { key: w.keys.staff })
    expect(all.grids.map((g: { gridId: string }) => g.gridId)).toEqual(['root', 'g1', 'g1a', 'g2'])
    const mine = await must(api, 'GET', `/v1/rollups?period=${period}`, { key: w.keys.leader })
    expect(mine.grids.map((g: { gridId: string }) => g.gridId)).toEqual(['g1', 'g1a'])
    const under = await must(api, 'GET', `/v1/rollups?period=${period}&under=g1a`, { key: w.keys.leader })
    expect(under.grids.map((g: { gridId: string }) => g.gridId)).toEqual(['g1a'])
    const outside = await api.request('GET', `/v1/rollups?period=${period}&under=g2`, { key: w.keys.leader })
    expect([outside.status, outside.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
    const missing = await api.request('GET', `/v1/grids/nope/rollup?period=${period}`, { key: w.keys.admin })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
  })
})

describe('the roll-up series', () => {
  type Month = { month: string; status: string; hours: string; points: string; activeVolunteers: number; activities: number }
  const series = async (key: string, query: string) => (await must(api, 'GET', `/v1/rollups/series?${query}`, { key })).months as Month[]
  const before = (month: string) => {
    const [y, m] = month.split('-').map(Number) as [number, number]
    return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
  }

  it('gives hours and points month by month in one call, each month as that month’s roll-ups say', async () => {
    const months = await series(w.keys.staff, `from=${before(period)}&to=${period}`)
    expect(months.map((m) => [m.month, m.hours, m.activeVolunteers])).toEqual([
      [before(period), '0.00', 0],
      [period, '4.50', 3],
    ])
    const rollups = await must(api, 'GET', `/v1/rollups?period=${period}`, { key: w.keys.staff })
    const root = rollups.grids.find((g: { gridId: string }) => g.gridId === 'root')
    expect(months[1]).toMatchObject({ status: rollups.status, hours: root.hours, points: root.points, activities: root.activities })
  })

  it('gives a grid leader its subtree by default, and no wider', async () => {
    const mine = await series(w.keys.leader, `from=${period}&to=${period}`)
    expect(mine.map((m) => m.hours)).toEqual(['2.50'])
    const under = await series(w.keys.leader, `from=${period}&to=${period}&under=g1a`)
    expect(under.map((m) => m.hours)).toEqual(['1.00'])
    const outside = await api.request('GET', `/v1/rollups/series?from=${period}&to=${period}&under=g2`, { key: w.keys.leader })
    expect([outside.status, outside.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
  })
})

describe('statements', () => {
  it('gives a member its own statement of hours, points and lifetime hours', async () => {
    const hours = await must(api, 'GET', `/v1/members/ana/statement?period=${period}`, { key: w.keys.ana })
    expect(hours).toMatchObject({ memberId: 'ana', asset: 'HOUR', opening: '0.00', closing: '1.50' })
    const lifetime = await must(api, 'GET', `/v1/members/ana/statement?period=${period}&asset=LIFETIME_HOUR`, { key: w.keys.ana })
    expect(lifetime).toMatchObject({ accountId: 'member:ana:LIFETIME_HOUR', closing: '1.50' })
    const points = await must(api, 'GET', `/v1/members/ana/statement?period=${period}&asset=POINT`, { key: w.keys.leader })
    expect(Number(points.closing)).toBeGreaterThan(0)
  })
})

// ------------------------------------------------------------------ permissions

type Who = 'admin' | 'staff' | 'leader' | 'outsider' | 'self' | 'other' | 'otherTenant'
const WHO: Who[] = ['admin', 'staff', 'leader', 'outsider', 'self', 'other', 'otherTenant']
/** `self` is ana's key (ana lives in g1), `other` bo's key, acting on ana. */
const keyOf = (who: Who) =>
  ({
    admin: w.keys.admin,
    staff: w.keys.staff,
    leader: w.keys.leader,
    outsider: w.keys.outsider,
    self: w.keys.ana,
    other: w.keys.bo,
    otherTenant: w.otherAdmin,
  })[who]
const get =
  (path: () => string) =>
  (key: string): Promise<TestResponse> =>
    api.request('GET', path(), { key })

// Expected status per caller: admin, staff, leader of g1, leader of g2, ana, bo (on ana), another tenant's admin.
const cases: [string, Record<Who, number>, (key: string) => Promise<TestResponse>][] = [
  [
    'read the honour roll',
    { admin: 200, staff: 200, leader: 200, outsider: 200, self: 403, other: 403, otherTenant: 200 },
    get(() => `/v1/honour-roll?period=${period}`),
  ],
  [
    "read g1's honour roll",
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    get(() => `/v1/honour-roll?period=${period}&gridId=g1`),
  ],
  [
    'read a period',
    { admin: 200, staff: 200, leader: 200, outsider: 200, self: 200, other: 200, otherTenant: 200 },
    get(() => `/v1/periods/${period}`),
  ],
  [
    'close an ended period',
    { admin: 200, staff: 403, leader: 403, outsider: 403, self: 403, other: 403, otherTenant: 200 },
    // A different ended month for each caller; the other tenant closes its own.
    (() => {
      let month = 0
      return (key: string) => api.request('POST', `/v1/periods/2019-${String(++month).padStart(2, '0')}/close`, { key })
    })(),
  ],
  [
    "roll g1's subtree up",
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    get(() => `/v1/grids/g1/rollup?period=${period}`),
  ],
  [
    'roll every grid up',
    { admin: 200, staff: 200, leader: 200, outsider: 200, self: 403, other: 403, otherTenant: 200 },
    get(() => `/v1/rollups?period=${period}`),
  ],
  [
    'roll up under g1',
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    get(() => `/v1/rollups?period=${period}&under=g1`),
  ],
  [
    'the roll-up series of the community',
    { admin: 200, staff: 200, leader: 200, outsider: 200, self: 403, other: 403, otherTenant: 200 },
    get(() => `/v1/rollups/series?from=${period}&to=${period}`),
  ],
  [
    'the roll-up series under g1',
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    get(() => `/v1/rollups/series?from=${period}&to=${period}&under=g1`),
  ],
  [
    "read ana's statement",
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 200, other: 404, otherTenant: 404 },
    get(() => `/v1/members/ana/statement?period=${period}`),
  ],
]

describe('who may read and close what', () => {
  it.each(cases)('%s', async (_name, expected, run) => {
    const got: Record<string, number> = {}
    for (const who of WHO) got[who] = (await run(keyOf(who))).status
    expect(got).toEqual(expected)
  })
})

describe('bad input', () => {
  it('answers 400 VALIDATION with the field named', async () => {
    const bad: [string, string, string][] = [
      ['GET', '/v1/honour-roll', 'period'],
      ['GET', '/v1/honour-roll?period=2026-13', 'period'],
      ['GET', '/v1/honour-roll?period=2026-Q5', 'period'],
      ['GET', `/v1/honour-roll?period=${period}&by=stars`, 'by'],
      ['GET', `/v1/honour-roll?period=${period}&limit=0`, 'limit'],
      ['GET', `/v1/honour-roll?period=${period}&limit=501`, 'limit'],
      ['GET', `/v1/honour-roll?period=${period}&gridId=a:b`, 'gridId'],
      ['GET', '/v1/periods/March', 'period'],
      ['POST', '/v1/periods/2026-00/close', 'period'],
      ['GET', '/v1/grids/g1/rollup', 'period'],
      ['GET', `/v1/rollups?period=${period}&under=..`, 'under'],
      ['GET', `/v1/members/ana/statement?period=${period}&asset=GOLD`, 'asset'],
      ['GET', '/v1/rollups/series?to=2026-12', 'from'],
      ['GET', '/v1/rollups/series?from=2026-01&to=2026', 'to'],
      ['GET', '/v1/rollups/series?from=2026-03&to=2026-02', 'to'],
      ['GET', '/v1/rollups/series?from=2020-01&to=2026-12', 'to'],
      ['GET', '/v1/members/ana/statement', 'period'],
    ]
    for (const [method, path, field] of bad) {
      const res = await api.request(method, path, { key: w.keys.admin })
      expect([method, path, res.status, res.body?.error?.code]).toEqual([method, path, 400, 'VALIDATION'])
      expect(res.body.error.message).toContain(field)
    }
  })

  it('never answers 500 to anything a client can send', async () => {
    const weird = ['', ' ', '0', '9999', '0000', '9999-12', '0001-Q1', '%00', '..', 'a'.repeat(300), '<b>']
    const statuses: number[] = []
    for (const v of weird) {
      const q = encodeURIComponent(v)
      for (const path of [
        `/v1/honour-roll?period=${q}&gridId=${q}&limit=${q}`,
        `/v1/honour-roll?period=${q}`,
        `/v1/periods/${q}`,
        `/v1/grids/${q}/rollup?period=${q}`,
        `/v1/rollups?period=${q}&under=${q}`,
        `/v1/rollups/series?from=${q}&to=${q}&under=${q}`,
        `/v1/rollups/series?from=${q}&to=2026-01`,
        `/v1/members/${q}/statement?period=${q}`,
        `/v1/members/ana/statement?period=${q}&asset=${q}`,
      ]) {
        for (const key of [w.keys.admin, w.keys.leader, w.keys.ana]) statuses.push((await api.request('GET', path, { key })).status)
      }
      statuses.push((await api.request('POST', `/v1/periods/${q}/close`, { key: w.keys.admin })).status)
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([])
  })
})
