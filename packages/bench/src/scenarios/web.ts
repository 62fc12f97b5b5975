/**
 * Scenario 11, the pages' server time at the scenarios' size (issue #10: each
 * page answers in under 100 ms). The product as `pnpm start` serves it (the
 * API on embedded PGlite with the web pages in front) holds two communities:
 * the year of issue #8 (8 grids, ~480 members, 130 activities, a year of
 * approvals, closed rolls, certificates) and the year of exchange of issue #9
 * (wishes, orders, the supermarket, gifts, policies, expiry). Staff and
 * residents sign in, then each page is read in process through the product's
 * own `fetch` (no network), body included: its server time, one reader at a
 * time. The sign-in form, which calls no API, is the baseline.
 *
 * @example
 * const w = await setupWebBench(log)
 * await measurePhase(w.contenders, …)
 * await w.close()
 */
import { startTestApi } from '@timebank/api/testing'
import { type TestCommunity, runExchange, runYear, testClock } from '@timebank/community/scenario'
import { createCommunity } from '@timebank/community'
import { createLedger } from '@timebank/ledger'
import { sql } from 'drizzle-orm'
import { product } from '@timebank/web'
import { Visitor } from '@timebank/web/testing/visitor'
import type { Contender } from '../figures.js'
import { closedLoop } from '../runner/closed-loop.js'

export const SCENARIO = '11. pages at the scenarios’ size'
const PASSWORD = 'correct horse battery'
const BAR_MS = 100
/** The issue #8 scenario's size. */
const YEAR = { members: 480, activities: 130 }

export interface WebBench {
  contenders: Contender[]
  close(): Promise<void>
}

interface Page {
  id: string
  label: string
  path: string
  as: Visitor
}

export async function setupWebBench(log: (line: string) => void): Promise<WebBench> {
  const api = await startTestApi()
  try {
    const front = product(api.app, { defaultTenantId: api.operatorTenantId })
    const inProcess = (url: string, init: RequestInit) => Promise.resolve(front.fetch(new Request(url, init)))

    /** A community on a tenant made through the API, its year run through the use cases on the same database. */
    const community = async (tenantId: string) => {
      const res = await api.request('POST', '/v1/tenants', { key: api.operatorKey, json: { id: tenantId, name: tenantId } })
      if (res.status !== 201) throw new Error(`POST /v1/tenants answered ${res.status}: ${res.text}`)
      const admin = res.body.adminKey.secret as string
      const put = await api.request('PUT', '/v1/community', {
        key: admin,
        json: { name: '枫林社区', settings: { timeZone: 'Asia/Shanghai' } },
      })
      if (put.status !== 200) throw new Error(`PUT /v1/community answered ${put.status}: ${put.text}`)
      const clock = testClock()
      const ledger = createLedger({ db: api.storage.db, clock: () => clock.now })
      const t: Omit<TestCommunity, 'close'> = {
        db: api.storage.db,
        ledger,
        community: createCommunity({ db: api.storage.db, ledger, clock: () => clock.now }),
        tenantId,
        clock,
      }
      /** A user signed in, as a visitor that answers in process. */
      const visitor = async (login: string, role: 'staff' | 'member', memberId?: string) => {
        const made = await api.request('POST', '/v1/users', {
          key: admin,
          json: { id: login, login, name: login, password: PASSWORD, role, ...(memberId ? { memberId } : {}) },
        })
        if (made.status !== 201) throw new Error(`POST /v1/users answered ${made.status}: ${made.text}`)
        const v = new Visitor('http://bench.local', inProcess)
        const signed = await v.signIn({ tenantId, login, password: PASSWORD })
        if (signed.status !== 303) throw new Error(`signing in as ${login} answered ${signed.status}`)
        return v
      }
      return { t, visitor }
    }

    let t0 = performance.now()
    const y = await community('year')
    const year = await runYear(y.t, YEAR)
    log(
      `  the year: ${year.active.length} active members, ${YEAR.activities} activities (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    )
    t0 = performance.now()
    const e = await community('exchange')
    const exchange = await runExchange(e.t)
    log(`  the year of exchange: ${exchange.members.length} members (${((performance.now() - t0) / 1000).toFixed(1)} s)`)

    // What the running product does at start and every ten minutes (Storage.maintain): without statistics
    // PGlite's planner guesses, and a roll-up at this size takes 5-7x as long.
    await api.storage.maintain()

    // The busiest volunteer of the year: the one with the most hour records.
    const busiest = await api.storage.db.execute(
      sql`select member_id from cm_hour_records where tenant_id = 'year' group by member_id order by count(*) desc limit 1`,
    )
    const volunteer = (busiest as unknown as { rows?: { member_id: string }[] }).rows?.[0]?.member_id ?? (year.active[0] as string)
    const yStaff = await y.visitor('wang', 'staff')
    const yMember = await y.visitor('resident', 'member', volunteer)
    const eStaff = await e.visitor('li', 'staff')
    const eMember = await e.visitor('neighbour', 'member', exchange.members[1] as string)
    const anonymous = new Visitor('http://bench.local', inProcess)
    const certificate = year.certificates[0]

    const pages: Page[] = [
      { id: 'web.staff.dashboard', label: 'staff dashboard', path: '/staff', as: yStaff },
      { id: 'web.staff.members', label: 'members, first page', path: '/staff/members', as: yStaff },
      { id: 'web.staff.member', label: 'a member, the busiest volunteer', path: `/staff/members/${volunteer}`, as: yStaff },
      { id: 'web.staff.statement', label: 'that member’s statement', path: `/staff/members/${volunteer}/statement`, as: yStaff },
      { id: 'web.staff.activities', label: 'activities', path: '/staff/activities', as: yStaff },
      { id: 'web.staff.activity', label: 'an activity with its attendance', path: '/staff/activities/act-120', as: yStaff },
      { id: 'web.staff.approvals', label: 'approval queue', path: '/staff/approvals', as: yStaff },
      { id: 'web.staff.honour', label: 'honour roll', path: '/staff/honour', as: yStaff },
      { id: 'web.staff.rollups', label: 'roll-ups with charts', path: '/staff/rollups', as: yStaff },
      { id: 'web.staff.certificates', label: 'certificates', path: '/staff/certificates', as: yStaff },
      { id: 'web.staff.policies', label: 'policies and their diff', path: '/staff/policies', as: eStaff },
      { id: 'web.staff.wishes', label: 'wishes board', path: '/staff/wishes', as: eStaff },
      { id: 'web.staff.orders', label: 'orders board', path: '/staff/orders', as: eStaff },
      { id: 'web.staff.market', label: 'supermarket and stock', path: '/staff/market', as: eStaff },
      { id: 'web.me.home', label: 'resident: balance and history (busiest volunteer)', path: '/me', as: yMember },
      { id: 'web.me.activities', label: 'resident: activities', path: '/me/activities', as: yMember },
      { id: 'web.me.certificates', label: 'resident: certificates', path: '/me/certificates', as: yMember },
      { id: 'web.me.wishes', label: 'resident: wishes', path: '/me/wishes', as: eMember },
      { id: 'web.me.orders', label: 'resident: orders', path: '/me/orders', as: eMember },
      { id: 'web.me.market', label: 'resident: supermarket', path: '/me/market', as: eMember },
      { id: 'web.me.gifts', label: 'resident: gifts', path: '/me/gifts', as: eMember },
    ]
    if (certificate)
      pages.push({ id: 'web.verify', label: 'public certificate check', path: `/verify/year/${certificate.serial}`, as: anonymous })

    // Every page must answer 200 before it is timed: a redirect or an error page would time nothing.
    for (const p of pages) {
      const res = await p.as.get(p.path)
      if (res.status !== 200) throw new Error(`${p.path} answered ${res.status}: ${res.text.slice(0, 300)}`)
    }

    const read = (v: Visitor, path: string) => async () => {
      const res = await v.get(path)
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`)
      return 1
    }
    const contenders: Contender[] = [
      {
        id: 'web.signin',
        scenario: SCENARIO,
        label: 'sign-in form, no API call (baseline)',
        callers: 1,
        unit: 'ms/read',
        kind: 'latency',
        round: (ms) => closedLoop(1, ms, read(anonymous, '/signin')),
      },
      ...pages.map(
        (p): Contender => ({
          id: p.id,
          scenario: SCENARIO,
          label: `${p.label} (${p.path.split('?')[0]})`,
          callers: 1,
          unit: 'ms/read',
          kind: 'latency',
          baseline: 'web.signin',
          targets: [{ text: `< ${BAR_MS} ms server time`, absolute: true, max: BAR_MS }],
          round: (ms) => closedLoop(1, ms, read(p.as, p.path)),
        }),
      ),
    ]
    return { contenders, close: () => api.close() }
  } catch (e) {
    await api.close()
    throw e
  }
}
