/**
 * Member routes end to end: registration, review and the ledger accounts it
 * opens; who sees a member (in full, masked, or not at all); a staff key
 * limited to a grid; erasure; relatives; placements; a permission table for
 * every route; and bad input.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/members.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, type TestResponse, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture
/** Another tenant with a community of its own (the same grid ids but g1a). */
let away: CommunityFixture
/** A member in g1a whose key plays "another member". */
let bystander: FixtureMember

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
  away = await setUpCommunity(api)
  await fx.grid('g1a', 'g1', 'subgrid')
  bystander = await fx.member({ gridId: 'g1a' })
})
afterAll(() => api.close())

const call = (method: string, path: string, key: string, json?: unknown) =>
  api.request(method, path, { key, ...(json === undefined ? {} : { json }) })
const ids = (list: { id: string }[]) => list.map((x) => x.id)
let n = 0
const uid = (p: string) => `${p}${++n}`

describe('registration and review', () => {
  it('registers an application, approves it, and the member then has HOUR and POINT accounts of their own', async () => {
    const res = await call('POST', '/v1/members', fx.staff, { id: 'reg-1', name: '张小明', phone: '138 1234 1234', gridId: 'g1' })
    expect(res.status, res.text).toBe(201)
    expect(res.headers.get('location')).toBe('/v1/members/reg-1')
    expect(res.headers.get('idempotency-replayed')).toBeNull()
    expect(res.body).toMatchObject({ id: 'reg-1', status: 'applied', name: '张小明', phone: '13812341234', gridId: 'g1' })
    expect(res.body.createdBy).toBe(fx.keyIds.staff)
    const accounts = () => call('GET', '/v1/accounts?ownerType=member&ownerId=reg-1', fx.admin)
    expect((await accounts()).body.accounts).toEqual([])

    const approved = await call('POST', '/v1/members/reg-1/approve', fx.staff)
    expect(approved.status, approved.text).toBe(200)
    expect(approved.body).toMatchObject({ status: 'active', reviewedBy: fx.keyIds.staff })
    const listed = (await accounts()).body.accounts
    expect(listed.map((a: { id: string; asset: string }) => [a.id, a.asset])).toEqual([
      ['member:reg-1:HOUR', 'HOUR'],
      ['member:reg-1:POINT', 'POINT'],
    ])
    // Lifetime hours are the community's, so nobody can move them: not listed under the member.
    const lifetime = await call('GET', '/v1/accounts/member:reg-1:LIFETIME_HOUR', fx.admin)
    expect(lifetime.status).toBe(200)
    expect(lifetime.body).toMatchObject({ asset: 'LIFETIME_HOUR', owner: { type: 'system', id: 'member.reg-1' } })
    // The member's own key lists the same two.
    const own = await call('GET', '/v1/accounts', (await fx.memberKey('reg-1')).key)
    expect(ids(own.body.accounts)).toEqual(['member:reg-1:HOUR', 'member:reg-1:POINT'])
  })

  it('registers and approves in one step, named by the Idempotency-Key header', async () => {
    const res = await api.request('POST', '/v1/members', {
      key: fx.admin,
      json: { name: '李四', gridId: 'g2', approve: true },
      headers: { 'idempotency-key': 'reg-2' },
    })
    expect(res.status, res.text).toBe(201)
    expect(res.body).toMatchObject({ id: 'reg-2', status: 'active', reviewedBy: fx.keyIds.admin })
    expect(res.headers.get('location')).toBe('/v1/members/reg-2')
  })

  it('replays a repeated registration and refuses the id for other content (409 MEMBER_EXISTS)', async () => {
    const json = { id: 'reg-3', name: '王五', gridId: 'g1' }
    const first = await call('POST', '/v1/members', fx.staff, json)
    const again = await call('POST', '/v1/members', fx.staff, json)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
    const other = await call('POST', '/v1/members', fx.staff, { ...json, name: '王六' })
    expect([other.status, other.body.error.code]).toEqual([409, 'MEMBER_EXISTS'])
    const mismatch = await api.request('POST', '/v1/members', { key: fx.staff, json, headers: { 'idempotency-key': 'reg-x' } })
    expect([mismatch.status, mismatch.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_MISMATCH'])
    const unnamed = await call('POST', '/v1/members', fx.staff, { name: '无名' })
    expect([unnamed.status, unnamed.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED'])
  })

  it('rejects an application with a note; a rejected member cannot be approved', async () => {
    const m = await fx.member({ applied: true })
    const res = await call('POST', `/v1/members/${m.id}/reject`, fx.staff, { note: 'lives outside the community' })
    expect(res.status, res.text).toBe(200)
    expect(res.body).toMatchObject({ status: 'rejected', reviewNote: 'lives outside the community' })
    const approve = await call('POST', `/v1/members/${m.id}/approve`, fx.staff)
    expect([approve.status, approve.body.error.code]).toEqual([409, 'INVALID_TRANSITION'])
    const bare = await fx.member({ applied: true })
    expect((await call('POST', `/v1/members/${bare.id}/reject`, fx.staff)).body).toMatchObject({ status: 'rejected', reviewNote: null })
  })

  it('deactivates and reactivates a member, each answered as is when repeated', async () => {
    const m = await fx.member()
    expect((await call('POST', `/v1/members/${m.id}/deactivate`, fx.staff)).body.status).toBe('inactive')
    expect((await call('POST', `/v1/members/${m.id}/deactivate`, fx.staff)).body.status).toBe('inactive')
    expect((await call('POST', `/v1/members/${m.id}/reactivate`, fx.staff)).body.status).toBe('active')
    expect((await call('POST', `/v1/members/${m.id}/reactivate`, fx.staff)).body.status).toBe('active')
    const applicant = await fx.member({ applied: true })
    const res = await call('POST', `/v1/members/${applicant.id}/deactivate`, fx.staff)
    expect([res.status, res.body.error.code]).toEqual([409, 'INVALID_TRANSITION'])
  })
})

describe('who sees a member', () => {
  it('a member key reads itself in full and gets 404 for another member, as for a missing one', async () => {
    const ana = await fx.member({ name: '赵敏', phone: '13912345678', birthDate: '1990-03-07' })
    const mine = await call('GET', `/v1/members/${ana.id}`, ana.key)
    expect(mine.status).toBe(200)
    expect(mine.body).toMatchObject({ id: ana.id, name: '赵敏', phone: '13912345678', birthDate: '1990-03-07' })
    const other = await call('GET', `/v1/members/${bystander.id}`, ana.key)
    const missing = await call('GET', '/v1/members/nobody', ana.key)
    expect([other.status, other.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    expect(other.body.error.message).toBe(`member ${bystander.id} not found`)
    expect([missing.status, missing.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    // Lists are for admin and staff only.
    expect((await call('GET', '/v1/members', ana.key)).status).toBe(403)
  })

  it('lists members masked unless view=full, for admin and staff alike; masked names never equal the full name', async () => {
    await fx.grid('mask', 'root')
    const people = [
      { name: '张小明', phone: '13812341234', idNumber: '110101199003071234', birthDate: '1990-03-07' },
      { name: '李四', phone: '+85291234567' },
      { name: 'Ana Lee' },
      { name: '欧阳娜娜', birthDate: '2015-01-01' },
    ]
    const made = await Promise.all(people.map((p) => fx.member({ ...p, gridId: 'mask' })))
    for (const key of [fx.admin, fx.staff]) {
      const masked = await call('GET', '/v1/members?gridId=mask', key)
      expect(masked.status, masked.text).toBe(200)
      expect(masked.body.view).toBe('masked')
      expect(ids(masked.body.members).sort()).toEqual(ids(made).sort())
      for (const shown of masked.body.members) {
        const real = made.find((m) => m.id === shown.id) as FixtureMember
        const person = people[made.indexOf(real)] as (typeof people)[number]
        expect(shown.name).not.toBe(person.name)
        expect(shown.name).toContain('*')
        if ('phone' in person) expect(shown.phone).toMatch(/^[+\d]{3}\*+\d{4}$/)
        expect(shown).not.toHaveProperty('birthDate')
        expect(shown).not.toHaveProperty('metadata')
        expect(shown.ageBand === null).toBe(!('birthDate' in person))
      }
      expect(masked.body.members.find((m: { id: string }) => m.id === made[0]?.id)).toMatchObject({
        name: '张*明',
        phone: '138****1234',
        idNumber: '1101**********1234',
      })
      const full = await call('GET', '/v1/members?gridId=mask&view=full', key)
      expect(full.body.view).toBe('full')
      expect(full.body.members.map((m: { name: string }) => m.name).sort()).toEqual(people.map((p) => p.name).sort())
    }
  })

  it('pages by id, filters by status and searches by name, phone or id', async () => {
    await fx.grid('pages', 'root')
    const a = await fx.member({ gridId: 'pages', name: '周杰伦', phone: '13700001111' })
    const b = await fx.member({ gridId: 'pages', applied: true })
    const c = await fx.member({ gridId: 'pages' })
    const first = await call('GET', '/v1/members?gridId=pages&limit=2', fx.staff)
    expect(ids(first.body.members)).toEqual([a.id, b.id].sort())
    const rest = await call('GET', `/v1/members?gridId=pages&limit=2&after=${first.body.nextAfter}`, fx.staff)
    expect([ids(rest.body.members), rest.body.nextAfter]).toEqual([[c.id], null])
    expect(ids((await call('GET', '/v1/members?gridId=pages&status=applied', fx.staff)).body.members)).toEqual([b.id])
    const byName = await call('GET', `/v1/members?search=${encodeURIComponent('杰伦')}`, fx.staff)
    expect(ids(byName.body.members)).toEqual([a.id])
    expect(ids((await call('GET', '/v1/members?search=0000111', fx.staff)).body.members)).toEqual([a.id])
  })

  it('shows nothing to another tenant, even its admin', async () => {
    const m = await fx.member()
    for (const key of [away.staff, away.admin]) {
      const res = await call('GET', `/v1/members/${m.id}`, key)
      expect([res.status, res.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
      expect(ids((await call('GET', '/v1/members?limit=1000', key)).body.members)).not.toContain(m.id)
      expect((await call('POST', `/v1/members/${m.id}/deactivate`, key)).status).toBe(404)
    }
  })
})

describe('a staff key limited to a grid', () => {
  it('sees and acts on the members of its subtree only; its lists are filtered to it', async () => {
    const inside = await fx.member({ gridId: 'g1a' })
    const top = await fx.member({ gridId: 'g1' })
    const outside = await fx.member({ gridId: 'g2' })
    const unplaced = await fx.member({ gridId: null })
    expect((await call('GET', `/v1/members/${inside.id}`, fx.g1Staff)).status).toBe(200)
    expect((await call('GET', `/v1/members/${top.id}`, fx.g1Staff)).status).toBe(200)
    for (const m of [outside, unplaced]) {
      const res = await call('GET', `/v1/members/${m.id}`, fx.g1Staff)
      expect([res.status, res.body.error]).toMatchObject([404, { code: 'MEMBER_NOT_FOUND', message: `member ${m.id} not found` }])
      expect((await call('POST', `/v1/members/${m.id}/deactivate`, fx.g1Staff)).status).toBe(404)
      expect((await call('GET', `/v1/members/${m.id}/places`, fx.g1Staff)).status).toBe(404)
    }
    const listed = await call('GET', '/v1/members?view=full&limit=1000', fx.g1Staff)
    expect(listed.status, listed.text).toBe(200)
    expect(new Set(listed.body.members.map((m: { gridId: string }) => m.gridId))).toEqual(new Set(['g1', 'g1a']))
    expect(ids(listed.body.members)).toEqual(expect.arrayContaining([inside.id, top.id]))
    const sub = await call('GET', '/v1/members?gridId=g1a&limit=1000', fx.g1Staff)
    expect(ids(sub.body.members)).toContain(inside.id)
    expect(ids(sub.body.members)).not.toContain(top.id)
    const elsewhere = await call('GET', '/v1/members?gridId=g2', fx.g1Staff)
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
    // The unlimited staff key sees everyone.
    expect(ids((await call('GET', '/v1/members?limit=1000', fx.staff)).body.members)).toEqual(
      expect.arrayContaining([inside.id, outside.id, unplaced.id]),
    )
  })

  it('registers only into its subtree, and must say where', async () => {
    const inside = await call('POST', '/v1/members', fx.g1Staff, { id: uid('leader-reg-'), name: '孙悟空', gridId: 'g1a' })
    expect(inside.status, inside.text).toBe(201)
    const outside = await call('POST', '/v1/members', fx.g1Staff, { id: uid('leader-reg-'), name: '猪八戒', gridId: 'g2' })
    expect([outside.status, outside.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
    const nowhere = await call('POST', '/v1/members', fx.g1Staff, { id: uid('leader-reg-'), name: '沙和尚' })
    expect([nowhere.status, nowhere.body.error.code]).toEqual([403, 'FORBIDDEN'])
    expect(nowhere.body.error.message).toMatch(/gridId/)
  })

  it('neither approves an application re-sent with approve: true nor replays one whose member moved out of its subtree', async () => {
    const id = uid('moved-')
    const json = { id, name: '唐三藏', gridId: 'g1a' }
    expect((await call('POST', '/v1/members', fx.g1Staff, json)).status).toBe(201)
    expect((await call('PUT', `/v1/members/${id}/grid`, fx.staff, { gridId: 'g2' })).status).toBe(200)
    const approving = await call('POST', '/v1/members', fx.g1Staff, { ...json, approve: true })
    expect([approving.status, approving.body.error?.code]).toEqual([409, 'MEMBER_EXISTS'])
    const replay = await call('POST', '/v1/members', fx.g1Staff, json)
    expect([replay.status, replay.body.error?.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    expect((await call('GET', `/v1/members/${id}`, fx.staff)).body).toMatchObject({ status: 'applied', gridId: 'g2' })
    // The unlimited key that may see the member gets the replay.
    const own = await call('POST', '/v1/members', fx.staff, json)
    expect([own.status, own.headers.get('idempotency-replayed')]).toEqual([201, 'true'])
  })

  it('places members only within its subtree', async () => {
    const m = await fx.member({ gridId: 'g1a' })
    const out = await call('PUT', `/v1/members/${m.id}/grid`, fx.g1Staff, { gridId: 'g2' })
    expect([out.status, out.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
    const moved = await call('PUT', `/v1/members/${m.id}/grid`, fx.g1Staff, { gridId: 'g1' })
    expect(moved.status, moved.text).toBe(200)
    expect(moved.body).toMatchObject({ moved: true, member: { id: m.id, gridId: 'g1' } })
    const stranger = await fx.member({ gridId: 'g2' })
    const theirs = await call('PUT', `/v1/members/${stranger.id}/grid`, fx.g1Staff, { gridId: 'g1' })
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
  })
})

describe('placements', () => {
  it('keeps where a member lived; placing them where they are changes nothing', async () => {
    const m = await fx.member({ gridId: 'g1' })
    const moved = await call('PUT', `/v1/members/${m.id}/grid`, fx.staff, { gridId: 'g2' })
    expect(moved.body).toMatchObject({ moved: true, member: { gridId: 'g2' } })
    expect((await call('PUT', `/v1/members/${m.id}/grid`, fx.staff, { gridId: 'g2' })).body.moved).toBe(false)
    const places = await call('GET', `/v1/members/${m.id}/places`, m.key)
    expect(places.status).toBe(200)
    expect(places.body.places.map((p: { gridId: string; until: string | null }) => [p.gridId, p.until === null])).toEqual([
      ['g1', false],
      ['g2', true],
    ])
    const missing = await call('PUT', `/v1/members/${m.id}/grid`, fx.staff, { gridId: 'nowhere' })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
  })
})

describe('erasure', () => {
  it("is for admin only, removes the personal fields and leaves the member's ledger balance and history readable", async () => {
    const m = await fx.member({ name: '钱多多', phone: '13612345678', idNumber: '110101199003071234', birthDate: '1990-03-07' })
    const relative = await fx.member()
    await call('POST', `/v1/members/${m.id}/relatives`, fx.staff, { relativeId: relative.id, relation: 'spouse' })
    const earned = await call('POST', '/v1/earnings', fx.admin, {
      id: uid('erase-earn-'),
      to: `member:${m.id}:HOUR`,
      amount: '2.5',
      evidence: { activity: 'visit', reviewer: 'li' },
    })
    expect(earned.status, earned.text).toBe(201)
    for (const key of [fx.staff, fx.g1Staff, m.key]) {
      const refused = await call('POST', `/v1/members/${m.id}/erase`, key)
      expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN'])
    }
    const erased = await call('POST', `/v1/members/${m.id}/erase`, fx.admin)
    expect(erased.status, erased.text).toBe(200)
    const gone = { status: 'erased', name: null, phone: null, idNumber: null, birthDate: null, metadata: {}, reviewNote: null }
    expect(erased.body).toMatchObject({ ...gone, id: m.id, pseudonym: m.member.pseudonym })
    expect((await call('GET', `/v1/members/${m.id}`, fx.admin)).body).toMatchObject(gone)
    expect((await call('POST', `/v1/members/${m.id}/erase`, fx.admin)).body).toMatchObject(gone)
    const shown = (await call('GET', '/v1/members?limit=1000', fx.admin)).body.members.find((x: { id: string }) => x.id === m.id)
    expect(shown).toMatchObject({ name: m.member.pseudonym, phone: null, idNumber: null, ageBand: null })
    expect(JSON.stringify(await call('GET', `/v1/members/${m.id}`, fx.admin))).not.toContain('钱多多')
    // The family links went with the personal data.
    expect((await call('GET', `/v1/members/${relative.id}/relatives`, fx.admin)).body.relatives).toEqual([])
    // The ledger keeps everything under the member id.
    const balance = await call('GET', `/v1/accounts/member:${m.id}:HOUR/balance`, fx.admin)
    expect([balance.status, balance.body.posted]).toEqual([200, '2.50'])
    const history = await call('GET', `/v1/accounts/member:${m.id}:HOUR/history`, fx.admin)
    expect([history.status, history.body.entries.length]).toEqual([200, 1])
    // An erased member signs in no more.
    const after = await call('GET', `/v1/members/${m.id}`, m.key)
    expect([after.status, after.body.error.code]).toEqual([401, 'UNAUTHORIZED'])
  })
})

describe('relatives', () => {
  it('links both ways, lists from either side and unlinks from either side', async () => {
    const parent = await fx.member()
    const child = await fx.member()
    const linked = await call('POST', `/v1/members/${parent.id}/relatives`, fx.staff, { relativeId: child.id, relation: 'child' })
    expect(linked.status, linked.text).toBe(201)
    expect(linked.headers.get('location')).toBe(`/v1/members/${parent.id}/relatives/${child.id}`)
    expect(linked.body).toMatchObject({ added: true, relative: { memberId: parent.id, relativeId: child.id, relation: 'child' } })
    const again = await call('POST', `/v1/members/${parent.id}/relatives`, fx.staff, { relativeId: child.id, relation: 'child' })
    expect([again.status, again.body.added]).toEqual([200, false])
    const fromChild = await call('GET', `/v1/members/${child.id}/relatives`, child.key)
    expect(fromChild.body.relatives).toMatchObject([{ memberId: child.id, relativeId: parent.id, relation: 'parent' }])
    const fromParent = await call('GET', `/v1/members/${parent.id}/relatives`, parent.key)
    expect(fromParent.body.relatives).toMatchObject([{ memberId: parent.id, relativeId: child.id, relation: 'child' }])
    // A member key cannot read another member's relatives.
    expect((await call('GET', `/v1/members/${parent.id}/relatives`, child.key)).status).toBe(404)

    const removed = await call('DELETE', `/v1/members/${child.id}/relatives/${parent.id}`, fx.staff)
    expect([removed.status, removed.body]).toEqual([200, { removed: true }])
    expect((await call('GET', `/v1/members/${parent.id}/relatives`, fx.admin)).body.relatives).toEqual([])
    expect((await call('DELETE', `/v1/members/${child.id}/relatives/${parent.id}`, fx.staff)).body).toEqual({ removed: false })
    const missing = await call('DELETE', `/v1/members/${child.id}/relatives/nobody`, fx.admin)
    expect([missing.status, missing.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
  })

  it('refuses a self-link and a second relation between the same two (400), and a missing relative (404)', async () => {
    const a = await fx.member()
    const b = await fx.member()
    const self = await call('POST', `/v1/members/${a.id}/relatives`, fx.staff, { relativeId: a.id, relation: 'spouse' })
    expect([self.status, self.body.error.code]).toEqual([400, 'VALIDATION'])
    await call('POST', `/v1/members/${a.id}/relatives`, fx.staff, { relativeId: b.id, relation: 'sibling' })
    const other = await call('POST', `/v1/members/${a.id}/relatives`, fx.staff, { relativeId: b.id, relation: 'spouse' })
    expect([other.status, other.body.error.code]).toEqual([400, 'VALIDATION'])
    const missing = await call('POST', `/v1/members/${a.id}/relatives`, fx.staff, { relativeId: 'nobody', relation: 'spouse' })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
  })
})

describe('permission table', () => {
  /** Who calls, and about whom: the target lives in g1a (inside g1) except for "leader out" (g2). */
  type Column = 'admin' | 'staff' | 'leader in' | 'leader out' | 'self' | 'other' | 'away'
  const COLUMNS: Column[] = ['admin', 'staff', 'leader in', 'leader out', 'self', 'other', 'away']
  interface Target {
    id: string
    key: string
    gridId: string
  }
  type Setup = (gridId: string) => Promise<FixtureMember>
  type Run = (key: string, t: Target) => Promise<TestResponse>

  const active: Setup = (gridId) => fx.member({ gridId })
  const applicant: Setup = (gridId) => fx.member({ gridId, applied: true })
  const inactive: Setup = async (gridId) => {
    const m = await fx.member({ gridId })
    await api.community.deactivateMember({ tenantId: fx.tenantId, memberId: m.id, actor: 'test' })
    return m
  }
  const linked: Setup = async (gridId) => {
    const m = await fx.member({ gridId })
    const r = await fx.member({ gridId })
    await api.community.addRelative({ tenantId: fx.tenantId, memberId: m.id, relativeId: r.id, relation: 'sibling' })
    return m
  }
  const get =
    (path: (t: Target) => string): Run =>
    (key, t) =>
      call('GET', path(t), key)
  const post =
    (path: (t: Target) => string, json?: (t: Target) => unknown): Run =>
    (key, t) =>
      call('POST', path(t), key, json?.(t))

  const READ = [200, 200, 200, 404, 200, 404, 404]
  const MANAGE = [200, 200, 200, 404, 403, 403, 404]
  const cases: [string, number[], Setup, Run][] = [
    ['read a member', READ, active, get((t) => `/v1/members/${t.id}`)],
    ['read its places', READ, active, get((t) => `/v1/members/${t.id}/places`)],
    ['read its relatives', READ, active, get((t) => `/v1/members/${t.id}/relatives`)],
    ['read its organisations', READ, active, get((t) => `/v1/members/${t.id}/organisations`)],
    ['list the members of its grid', [200, 200, 200, 404, 403, 403, 404], active, get((t) => `/v1/members?gridId=${t.gridId}`)],
    [
      'register a member into its grid',
      [201, 201, 201, 404, 403, 403, 404],
      active,
      post(
        () => '/v1/members',
        (t) => ({ id: uid('table-'), name: '新成员', gridId: t.gridId }),
      ),
    ],
    ['approve an application', MANAGE, applicant, post((t) => `/v1/members/${t.id}/approve`)],
    [
      'reject an application',
      MANAGE,
      applicant,
      post(
        (t) => `/v1/members/${t.id}/reject`,
        () => ({ note: 'no' }),
      ),
    ],
    ['deactivate a member', MANAGE, active, post((t) => `/v1/members/${t.id}/deactivate`)],
    ['reactivate a member', MANAGE, inactive, post((t) => `/v1/members/${t.id}/reactivate`)],
    [
      'place a member',
      MANAGE,
      active,
      (key, t) => call('PUT', `/v1/members/${t.id}/grid`, key, { gridId: t.gridId === 'g2' ? 'g2' : 'g1' }),
    ],
    [
      'link a relative',
      [201, 201, 201, 404, 403, 403, 404],
      active,
      async (key, t) => {
        const r = await fx.member({ gridId: t.gridId })
        return call('POST', `/v1/members/${t.id}/relatives`, key, { relativeId: r.id, relation: 'spouse' })
      },
    ],
    [
      'unlink a relative',
      MANAGE,
      linked,
      async (key, t) => {
        const [r] = await api.community.listRelatives({ tenantId: fx.tenantId, memberId: t.id })
        return call('DELETE', `/v1/members/${t.id}/relatives/${r?.relativeId}`, key)
      },
    ],
    ['erase a member', [200, 403, 403, 403, 403, 403, 403], active, post((t) => `/v1/members/${t.id}/erase`)],
  ]

  const keyFor = (column: Column, target: FixtureMember): string =>
    ({
      admin: fx.admin,
      staff: fx.staff,
      'leader in': fx.g1Staff,
      'leader out': fx.g1Staff,
      self: target.key,
      other: bystander.key,
      away: away.staff,
    })[column]

  describe.each(cases)('%s', (_name, expected, setup, run) => {
    it.each(COLUMNS.map((column, i) => [column, expected[i] as number] as const))('as %s: %i', async (column, status) => {
      const gridId = column === 'leader out' ? 'g2' : 'g1a'
      const target = await setup(gridId)
      const res = await run(keyFor(column, target), { id: target.id, key: target.key, gridId })
      expect(res.status, res.text).toBe(status)
      if (status === 404) expect(res.body.error.code).toMatch(/NOT_FOUND$/)
      if (status === 403) expect(res.body.error.code).toBe('FORBIDDEN')
    })
  })
})

describe('bad input', () => {
  const cases: [string, string, string, unknown?][] = [
    ['a phone that is no phone', 'POST', '/v1/members', { id: 'bad-1', name: 'x', phone: '12' }],
    ['an unknown field', 'POST', '/v1/members', { id: 'bad-2', name: 'x', nickname: 'y' }],
    ['an empty name', 'POST', '/v1/members', { id: 'bad-3', name: '  ' }],
    ['a birth date in the future', 'POST', '/v1/members', { id: 'bad-4', name: 'x', birthDate: '2999-01-01' }],
    ['a birth date that is no day', 'POST', '/v1/members', { id: 'bad-5', name: 'x', birthDate: '1990-02-30' }],
    ['an id with a colon', 'POST', '/v1/members', { id: 'bad:6', name: 'x' }],
    ['approve as a string', 'POST', '/v1/members', { id: 'bad-7', name: 'x', approve: 'yes' }],
    ['metadata that is no object', 'POST', '/v1/members', { id: 'bad-8', name: 'x', metadata: [1] }],
    ['a member id with a colon in the path', 'GET', '/v1/members/a:b'],
    ['a page size of 0', 'GET', '/v1/members?limit=0'],
    ['a page size over 1000', 'GET', '/v1/members?limit=1001'],
    ['an unknown view', 'GET', '/v1/members?view=everything'],
    ['an unknown status', 'GET', '/v1/members?status=sleeping'],
    ['a grid id with a slash', 'GET', '/v1/members?gridId=a%2Fb'],
    ['a note that is no string', 'POST', '/v1/members/m1/reject', { note: 5 }],
    ['a placement without a grid', 'PUT', '/v1/members/m1/grid', {}],
    ['an unknown relation', 'POST', '/v1/members/m1/relatives', { relativeId: 'm2', relation: 'cousin' }],
  ]
  it.each(cases)('%s: 400 VALIDATION', async (_name, method, path, json) => {
    const res = await call(method, path, fx.admin, json)
    expect([res.status, res.body?.error?.code], res.text).toEqual([400, 'VALIDATION'])
  })

  it('answers an invalid Idempotency-Key and a body that is not JSON with 400', async () => {
    const header = await api.request('POST', '/v1/members', {
      key: fx.admin,
      json: { name: 'x' },
      headers: { 'idempotency-key': 'has space' },
    })
    expect([header.status, header.body.error.code]).toEqual([400, 'VALIDATION'])
    const broken = await api.request('POST', '/v1/members', {
      key: fx.admin,
      body: '{"name":',
      headers: { 'content-type': 'application/json' },
    })
    expect([broken.status, broken.body.error.code]).toEqual([400, 'MALFORMED_JSON'])
  })

  it('answers 404 COMMUNITY_NOT_FOUND on a tenant without a community', async () => {
    const bare = await api.request('POST', '/v1/tenants', { key: api.operatorKey, json: { id: uid('bare-'), name: 'Bare' } })
    const res = await call('POST', '/v1/members', bare.body.adminKey.secret, { id: 'x', name: 'x' })
    expect([res.status, res.body.error.code]).toEqual([404, 'COMMUNITY_NOT_FOUND'])
  })
})

describe('OpenAPI', () => {
  it('documents the routes, and the bodies carry exactly the documented fields', async () => {
    const doc = (await api.request('GET', '/openapi.json')).body
    for (const path of [
      '/v1/members',
      '/v1/members/{memberId}',
      '/v1/members/{memberId}/approve',
      '/v1/members/{memberId}/erase',
      '/v1/members/{memberId}/grid',
      '/v1/members/{memberId}/relatives/{relativeId}',
    ]) {
      expect(doc.paths[path], path).toBeDefined()
    }
    const props = (name: string) => Object.keys(doc.components.schemas[name].properties).sort()
    const m = await fx.member({ phone: '13812341234' })
    expect(Object.keys((await call('GET', `/v1/members/${m.id}`, fx.admin)).body).sort()).toEqual(props('Member'))
    const masked = (await call('GET', '/v1/members?limit=1', fx.admin)).body.members[0]
    expect(Object.keys(masked).sort()).toEqual(props('MaskedMember'))
    expect(doc.components.schemas.RegisterMemberRequest.additionalProperties).toBe(false)
    expect(doc.paths['/v1/members'].post.security).toEqual([{ bearer: [] }])
  })
})
