/**
 * A year in one community, run through the community's use cases on any
 * migrated database, then checked against the ledger. The shape follows the
 * community reports in shared/DOMAIN.md: grids with buildings, about 500
 * members (most registered and approved at once, some applying and reviewed,
 * a few rejected), 130 activities across 2026 with sign-ups, waitlists,
 * check-ins and check-outs by code, no-shows and hand check-ins, bulk
 * approvals, adjustments, rejections, manual records approved by a second
 * person, three points-rule versions, one upheld complaint reversing an
 * approved record, every quarter's roll closed, and certificates.
 *
 * `checkAgainstLedger` recomputes every figure from the ledger alone (the
 * entries of each member's accounts, summed by period in UTC+8 computed here,
 * not by the community's period code) and compares: honour rolls, grid
 * roll-ups, statements and certificates; and the ledger's own invariants.
 *
 * @example
 * const year = await runYear(t, { members: 500, activities: 130 })
 * const problems = await checkAgainstLedger(t, year)
 */
import { formatAmount } from '@timebank/ledger'
import type { Community } from '../community.js'
import { verifyCertificate } from '../domain/certificate.js'
import type { TestCommunity } from '../testing/pglite.js'

type T = Omit<TestCommunity, 'close'>

export interface YearSize {
  members: number
  activities: number
}

export interface Year {
  size: YearSize
  grids: string[]
  /** Member → grid id (members never move in this year). */
  placement: Map<string, string>
  active: string[]
  complained: string
  certificates: { serial: number; memberId: string }[]
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
const GRIDS = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8']
const KINDS = ['clean-up', 'elder-visit', 'patrol', 'health-check', 'legal-advice', 'tutoring']
const QUARTERS = ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']
/** The Shanghai offset: fixed (no daylight saving), so period bounds are computed here without the community's code. */
const UTC8 = 8 * HOUR

/** A small deterministic generator, so the year is the same on every run. */
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0
    return s / 2 ** 32
  }
}

const NAMES = ['张小明', '李华', '王芳', '赵丽', '陈伟', '刘洋', '杨帆', '黄磊', '周敏', '吴静', '徐强', '孙悦']

/** Run the year on `t` (a set-up community whose clock the scenario moves). */
export async function runYear(t: T, size: YearSize): Promise<Year> {
  const c: Community = t.community
  const tenantId = t.tenantId
  const rnd = random(2026)
  const pick = <X>(xs: readonly X[]) => xs[Math.floor(rnd() * xs.length)] as X
  const staff = ['staff-wang', 'staff-li']
  t.clock.set('2026-01-02T01:00:00Z')

  // Grids: the community, 8 grids, two buildings each.
  await c.createGrid({ tenantId, id: 'root', name: '枫林社区', level: 'community', actor: 'admin' })
  for (const g of GRIDS) {
    await c.createGrid({ tenantId, id: g, parentId: 'root', name: `第${g.slice(1)}网格`, level: 'grid', actor: 'admin' })
    for (const b of ['a', 'b'])
      await c.createGrid({ tenantId, id: `${g}${b}`, parentId: g, name: `${g}${b}栋`, level: 'building', actor: 'admin' })
  }

  // Members: most registered by staff and approved at once; every tenth applies and is reviewed; a few rejected.
  const placement = new Map<string, string>()
  const active: string[] = []
  for (let i = 0; i < size.members; i++) {
    const id = `m${String(i).padStart(3, '0')}`
    const gridId = `${GRIDS[i % GRIDS.length]}${i % 2 ? 'b' : 'a'}`
    const applies = i % 10 === 0
    await c.registerMember({
      tenantId,
      id,
      name: `${pick(NAMES)}${i}`,
      phone: `138${String(10_000_000 + i).slice(-8)}`,
      birthDate: `19${50 + (i % 45)}-0${1 + (i % 9)}-1${i % 9}`,
      gridId,
      actor: pick(staff),
      approve: !applies,
    })
    if (applies) await c.reviewMember({ tenantId, memberId: id, decision: i % 70 === 0 ? 'reject' : 'approve', actor: pick(staff) })
    if (!applies || i % 70 !== 0) {
      active.push(id)
      placement.set(id, gridId)
    }
  }

  // Points rules: version 1 (the default) from January, 2 from April, 3 from July.
  const rules = [
    { at: '2026-04-01T00:00:00Z', rate: '10' },
    { at: '2026-07-01T00:00:00Z', rate: '12' },
  ]

  let nextRule = 0
  const records: string[] = []
  const approvedEarly: string[] = []
  for (let a = 0; a < size.activities; a++) {
    const starts = new Date(Date.UTC(2026, 0, 5) + Math.floor((a * 355 * DAY) / size.activities) + 1 * HOUR) // 09:00 in Shanghai
    // A new points rule comes into force on its date, before the first activity after it.
    while (nextRule < rules.length && starts.getTime() >= Date.parse((rules[nextRule] as (typeof rules)[number]).at)) {
      const r = rules[nextRule++] as (typeof rules)[number]
      t.clock.set(r.at)
      await c.addRule({
        tenantId,
        rule: {
          pointsPerHour: r.rate,
          roleMultipliers: { member: '1', leader: '1.4', organiser: '1.2' },
          fixedPoints: { referral: '2' },
          rounding: 'half-up',
        },
        actor: 'admin',
      })
    }
    const grid = pick(GRIDS)
    const capacity = 8 + Math.floor(rnd() * 16)
    const id = `act-${String(a).padStart(3, '0')}`
    t.clock.set(new Date(starts.getTime() - 3 * DAY))
    await c.createActivity({
      tenantId,
      id,
      title: `${pick(KINDS)} #${a}`,
      kind: pick(KINDS),
      place: `${grid} 活动室`,
      gridId: grid,
      startsAt: starts,
      endsAt: new Date(starts.getTime() + 3 * HOUR),
      capacity,
      maxHours: '2.5',
      actor: pick(staff),
    })
    // Sign-ups: more than fit sometimes (a waitlist), a leader now and then.
    const wanting = capacity + Math.floor(rnd() * 6) - 3
    const signed: string[] = []
    for (let k = 0; k < wanting; k++) {
      const m = pick(active)
      if (signed.includes(m)) continue
      const { signup } = await c.signUp({ tenantId, activityId: id, memberId: m, role: k === 0 ? 'leader' : 'member', actor: 'self' })
      if (signup.status === 'signed') signed.push(m)
    }
    // The day: most check in by code on time, some by hand, a few never come.
    t.clock.set(new Date(starts.getTime() + 5 * 60_000))
    const { code } = await c.currentCode({ tenantId, activityId: id })
    const came: string[] = []
    for (const m of signed) {
      const roll = rnd()
      if (roll < 0.08) continue
      await c.checkIn({
        tenantId,
        activityId: id,
        memberId: m,
        ...(roll < 0.15 ? {} : { code }),
        actor: roll < 0.15 ? pick(staff) : `key_${m}`,
      })
      came.push(m)
    }
    t.clock.set(new Date(starts.getTime() + (2 * HOUR + Math.floor(rnd() * 80) * 60_000)))
    const out = await c.currentCode({ tenantId, activityId: id })
    // Who may not approve a record alone: the staff member who checked its member in by hand (the record is manual,
    // entered by them), and who adjusted it.
    const barred = new Map<string, string[]>()
    const bar = (recordId: string, actor: string) => barred.set(recordId, [...(barred.get(recordId) ?? []), actor])
    for (const m of came) {
      const res = await c.checkOut({ tenantId, activityId: id, memberId: m, code: out.code, actor: `key_${m}` })
      records.push(res.record.id)
      if (res.record.manual) bar(res.record.id, res.record.createdBy)
    }
    // The next morning staff review the sheet: adjust one, reject one, approve the rest in bulk.
    t.clock.set(new Date(starts.getTime() + DAY))
    const sheet = records.slice(records.length - came.length)
    const [adjusted, rejected, ...rest] = sheet
    if (adjusted) {
      const adjuster = pick(staff)
      await c.adjust({ tenantId, recordId: adjusted, hours: '1', reason: '提前离开', actor: adjuster })
      bar(adjusted, adjuster)
      rest.push(adjusted)
    }
    if (rejected && a % 3 === 0) await c.reject({ tenantId, recordIds: [rejected], reason: '未签到表', actor: pick(staff) })
    else if (rejected) rest.push(rejected)
    // One approver takes the sheet; a record they may not approve alone goes to the other staff member (or the admin).
    const approver = pick(staff)
    const byActor = new Map<string, string[]>()
    for (const r of rest) {
      const actor = [approver, ...staff, 'admin'].find((s) => !barred.get(r)?.includes(s)) as string
      byActor.set(actor, [...(byActor.get(actor) ?? []), r])
    }
    const results: Awaited<ReturnType<Community['approve']>> = []
    for (const [actor, ids] of byActor) results.push(...(await c.approve({ tenantId, recordIds: ids, actor })))
    for (const r of results) if (!r.ok) throw new Error(`approval refused: ${JSON.stringify(r)}`)
    approvedEarly.push(...rest)
    // Now and then a manual record (a task done outside any activity), approved by the other staff member.
    if (a % 10 === 5) {
      const m = pick(active)
      const recordId = `manual-${a}`
      await c.createRecord({
        tenantId,
        id: recordId,
        memberId: m,
        kind: 'referral',
        startedAt: new Date(starts.getTime() - DAY),
        endedAt: new Date(starts.getTime() - DAY + HOUR),
        hours: '0.5',
        actor: 'staff-wang',
      })
      const [d] = await c.approve({ tenantId, recordIds: [recordId], actor: 'staff-li' })
      if (!d?.ok) throw new Error(`manual approval refused: ${JSON.stringify(d)}`)
    }
    // Close each quarter's roll once it has ended (a few days in).
    const quarterEnded = QUARTERS.slice(0, 3).find((q) => {
      const end = Date.UTC(2026, Number(q.slice(-1)) * 3, 1) - UTC8
      return t.clock.now.getTime() > end + 5 * DAY
    })
    if (quarterEnded && (await c.periodStatus({ tenantId, period: quarterEnded })).status === 'open') {
      await c.closePeriod({ tenantId, period: quarterEnded, actor: 'admin' })
    }
  }

  // One substantiated complaint, about a record credited in the first quarter (closed): reversed now.
  const complained = approvedEarly[3] as string
  await c.complain({ tenantId, recordId: complained, reason: '经核实未参加', actor: 'staff-li' })

  t.clock.set('2027-01-06T02:00:00Z')
  for (const q of QUARTERS)
    if ((await c.periodStatus({ tenantId, period: q })).status === 'open') await c.closePeriod({ tenantId, period: q, actor: 'admin' })

  const certificates: Year['certificates'] = []
  for (const [i, m] of active.slice(0, 6).entries()) {
    const issued = await c
      .issueCertificate({ tenantId, requestId: `cert-${m}`, memberId: m, period: '2026', actor: 'admin' })
      .catch((e: { code?: string }) => {
        if (e.code === 'NOTHING_TO_CERTIFY') return null
        throw e
      })
    if (issued) certificates.push({ serial: issued.certificate.serial, memberId: m })
    if (i === 0 && issued) {
      const again = await c.issueCertificate({ tenantId, requestId: `cert-${m}`, memberId: m, period: '2026', actor: 'admin' })
      if (again.certificate.serial !== issued.certificate.serial) throw new Error('a retried certificate got a new serial')
    }
  }
  return { size, grids: GRIDS, placement, active, complained, certificates }
}

/** Sum of a member's entries in an account per quarter of 2026 (and before/after), from the ledger's history alone. */
async function ledgerByQuarter(
  t: T,
  accountId: string,
): Promise<{ quarters: bigint[]; all: bigint; entries: { at: number; amount: bigint }[] }> {
  const entries: { at: number; amount: bigint }[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await t.ledger.getHistory({ tenantId: t.tenantId, accountId, limit: 1000, ...(cursor ? { cursor } : {}) })
    for (const e of page.entries) entries.push({ at: e.createdAt.getTime(), amount: BigInt(e.amount.replace('.', '')) })
    if (!page.nextCursor) break
    cursor = page.nextCursor
  }
  const quarters = [0n, 0n, 0n, 0n]
  for (const e of entries) {
    const q = Math.floor(new Date(e.at + UTC8).getUTCMonth() / 3)
    if (new Date(e.at + UTC8).getUTCFullYear() === 2026) quarters[q] = (quarters[q] as bigint) + e.amount
  }
  return { quarters, all: entries.reduce((s, e) => s + e.amount, 0n), entries }
}

/** Every disagreement between what the community shows and what the ledger says; [] when all agree. */
export async function checkAgainstLedger(t: T, year: Year): Promise<string[]> {
  const c = t.community
  const tenantId = t.tenantId
  const problems: string[] = []
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what)
  }

  // The ledger's own books: every asset sums to zero; records and ledger agree.
  for (const a of await t.ledger.totals({ tenantId })) expect(/^0(\.0+)?$/.test(a.total), `${a.asset} totals ${a.total}`)
  expect((await c.reconcile({ tenantId })).length === 0, 'reconcile found problems')

  // Per member and quarter, from the ledger: lifetime hours (never spent) and points (none spent this year).
  const hours = new Map<string, bigint[]>()
  const points = new Map<string, bigint[]>()
  for (const m of year.active) {
    const life = await ledgerByQuarter(t, `member:${m}:LIFETIME_HOUR`)
    const spend = await ledgerByQuarter(t, `member:${m}:HOUR`)
    hours.set(m, life.quarters)
    points.set(m, (await ledgerByQuarter(t, `member:${m}:POINT`)).quarters)
    expect(life.all === spend.all, `${m}: lifetime ${life.all} and spendable ${spend.all} hours differ though nothing was spent`)
  }

  for (const [qi, q] of QUARTERS.entries()) {
    // Honour rolls, by hours and by points, every member with something.
    for (const by of ['hours', 'points'] as const) {
      const source = by === 'hours' ? hours : points
      const want = new Map([...source].map(([m, qs]) => [m, qs[qi] as bigint]).filter(([, v]) => (v as bigint) > 0n) as [string, bigint][])
      const roll = await c.honourRoll({ tenantId, period: q, by, limit: 500 })
      expect(roll.status === 'closed', `${q} roll is ${roll.status}`)
      const got = new Map(roll.entries.map((e) => [e.memberId, BigInt((by === 'hours' ? e.hours : e.points).replace('.', ''))]))
      for (const [m, v] of want) expect(got.get(m) === v, `${q} roll by ${by}: ${m} shows ${got.get(m)}, the ledger ${v}`)
      expect(got.size === want.size, `${q} roll by ${by} lists ${got.size} members, the ledger has ${want.size} with some`)
      for (const e of roll.entries) expect(!/\d{3}$/.test(e.name) || e.name.includes('*'), `${q} roll shows an unmasked name ${e.name}`)
    }
    // Grid roll-ups: each grid's hours and points are its members' ledger sums.
    const { grids } = await c.gridRollups({ tenantId, period: q })
    for (const g of grids) {
      if (!g.gridId.startsWith('g')) continue
      const inGrid = [...year.placement].filter(([, grid]) => grid.startsWith(g.gridId)).map(([m]) => m)
      const h = inGrid.reduce((s, m) => s + ((hours.get(m) ?? [])[qi] ?? 0n), 0n)
      const p = inGrid.reduce((s, m) => s + ((points.get(m) ?? [])[qi] ?? 0n), 0n)
      expect(g.hours === formatAmount(h, 2), `${q} ${g.gridId} roll-up hours ${g.hours}, the ledger ${formatAmount(h, 2)}`)
      expect(g.points === p.toString(), `${q} ${g.gridId} roll-up points ${g.points}, the ledger ${p}`)
    }
  }

  // Statements: opening and closing are the history's running sums at the bounds, computed here.
  for (const m of year.active.slice(0, 12)) {
    const { entries } = await ledgerByQuarter(t, `member:${m}:HOUR`)
    for (const [qi, q] of QUARTERS.entries()) {
      const from = Date.UTC(2026, qi * 3, 1) - UTC8
      const to = Date.UTC(2026, qi * 3 + 3, 1) - UTC8
      const s = await c.statement({ tenantId, memberId: m, period: q, asset: 'HOUR' })
      const before = (x: number) => entries.filter((e) => e.at < x).reduce((sum, e) => sum + e.amount, 0n)
      expect(
        s.opening === formatAmount(before(from), 2),
        `${m} ${q} statement opens at ${s.opening}, the ledger ${formatAmount(before(from), 2)}`,
      )
      expect(
        s.closing === formatAmount(before(to), 2),
        `${m} ${q} statement closes at ${s.closing}, the ledger ${formatAmount(before(to), 2)}`,
      )
      expect(s.entries.length === entries.filter((e) => e.at >= from && e.at < to).length, `${m} ${q} statement entries`)
    }
  }

  // Certificates: the year's certified hours are the member's lifetime hours of 2026, and the signature verifies.
  const { publicKey } = await c.getCommunity(tenantId)
  for (const cert of year.certificates) {
    const got = await c.getCertificate({ tenantId, serial: cert.serial })
    const want = (hours.get(cert.memberId) ?? []).reduce((s, v) => s + v, 0n)
    expect(
      got.document.hours === formatAmount(want, 2),
      `certificate ${cert.serial}: ${got.document.hours} h, the ledger ${formatAmount(want, 2)}`,
    )
    expect(verifyCertificate(got.document, got.signature, publicKey), `certificate ${cert.serial} does not verify`)
  }
  const serials = year.certificates.map((x) => x.serial).sort((a, b) => a - b)
  expect(
    serials.every((s, i) => s === i + 1),
    `certificate serials ${serials} are not 1..n`,
  )

  // The upheld complaint: its record reversed, its month's credit taken back in the month it was reversed.
  const reversed = await c.getRecord(tenantId, year.complained)
  expect(reversed.status === 'reversed', `the complained record is ${reversed.status}`)
  expect(reversed.postedPeriod !== reversed.reversedPeriod, 'the reversal counted in the closed month it corrects')
  return problems
}
