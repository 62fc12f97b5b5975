/**
 * Organisation routes end to end: creating partner units and teams with their
 * ledger accounts (idempotent), the masked contact person in lists, members
 * and roles, a member's organisations, a permission table and bad input.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/organisations.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, type TestResponse, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture
let away: CommunityFixture
let ana: FixtureMember
let bo: FixtureMember

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
  away = await setUpCommunity(api)
  ana = await fx.member({ gridId: 'g1' })
  bo = await fx.member({ gridId: 'g2' })
})
afterAll(() => api.close())

const call = (method: string, path: string, key: string, json?: unknown) =>
  api.request(method, path, { key, ...(json === undefined ? {} : { json }) })
let n = 0
const uid = (p: string) => `${p}${++n}`
/** An organisation made directly, for tests about something else. */
const organisation = async (kind: 'partner' | 'team' = 'team') => {
  const id = uid('org-')
  await api.community.createOrganisation({ tenantId: fx.tenantId, id, kind, name: `Team ${id}`, actor: 'test' })
  return id
}

describe('creating and reading organisations', () => {
  it('creates a partner unit with its HOUR and POINT accounts, idempotently by id', async () => {
    const json = { id: 'school-3', kind: 'partner', name: '第三小学', contactName: '王老师', contactPhone: '13812341234', gridId: 'g1' }
    const res = await call('POST', '/v1/organisations', fx.staff, json)
    expect(res.status, res.text).toBe(201)
    expect(res.headers.get('location')).toBe('/v1/organisations/school-3')
    expect(res.body).toMatchObject({
      id: 'school-3',
      kind: 'partner',
      contactName: '王老师',
      contactPhone: '13812341234',
      status: 'active',
    })
    const accounts = await call('GET', '/v1/accounts?ownerType=organisation&ownerId=school-3', fx.admin)
    expect(accounts.body.accounts.map((a: { id: string }) => a.id)).toEqual(['org:school-3:HOUR', 'org:school-3:POINT'])
    const again = await call('POST', '/v1/organisations', fx.staff, json)
    expect([again.status, again.headers.get('idempotency-replayed')]).toEqual([201, 'true'])
    expect(again.body).toEqual(res.body)
    const other = await call('POST', '/v1/organisations', fx.staff, { ...json, name: '第四小学' })
    expect([other.status, other.body.error.code]).toEqual([409, 'ORGANISATION_EXISTS'])
    const byHeader = await api.request('POST', '/v1/organisations', {
      key: fx.admin,
      json: { kind: 'team', name: '银龄志愿队' },
      headers: { 'idempotency-key': 'team-silver' },
    })
    expect([byHeader.status, byHeader.body.id]).toEqual([201, 'team-silver'])
    const nowhere = await call('POST', '/v1/organisations', fx.admin, { id: 'x', kind: 'team', name: 'x', gridId: 'nowhere' })
    expect([nowhere.status, nowhere.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
  })

  it('lists organisations with the contact person masked unless view=full, by kind', async () => {
    await call('POST', '/v1/organisations', fx.admin, {
      id: 'clinic',
      kind: 'partner',
      name: '社区诊所',
      contactName: '李医生',
      contactPhone: '13912345678',
    })
    const masked = await call('GET', '/v1/organisations?kind=partner', fx.staff)
    expect(masked.status, masked.text).toBe(200)
    expect(masked.body.organisations.every((o: { kind: string }) => o.kind === 'partner')).toBe(true)
    const clinic = masked.body.organisations.find((o: { id: string }) => o.id === 'clinic')
    expect(clinic).toMatchObject({ name: '社区诊所', contactName: '李*生', contactPhone: '139****5678' })
    const full = await call('GET', '/v1/organisations?kind=partner&view=full', fx.staff)
    expect(full.body.organisations.find((o: { id: string }) => o.id === 'clinic')).toMatchObject({
      contactName: '李医生',
      contactPhone: '13912345678',
    })
    expect((await call('GET', '/v1/organisations/clinic', fx.staff)).body.contactName).toBe('李医生')
    const page = await call('GET', '/v1/organisations?limit=1', fx.staff)
    expect(page.body.organisations).toHaveLength(1)
    const next = await call('GET', `/v1/organisations?limit=1&after=${page.body.nextAfter}`, fx.staff)
    expect(next.body.organisations[0].id > page.body.nextAfter).toBe(true)
    const missing = await call('GET', '/v1/organisations/nobody', fx.staff)
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ORGANISATION_NOT_FOUND'])
  })
})

describe('members of organisations', () => {
  it('adds active members with roles, lists leaders first, and a member sees their own organisations', async () => {
    const team = await organisation('team')
    const joined = await call('POST', `/v1/organisations/${team}/members`, fx.staff, { memberId: bo.id })
    expect(joined.status, joined.text).toBe(200)
    expect(joined.body).toMatchObject({ organisationId: team, memberId: bo.id, role: 'member' })
    await call('POST', `/v1/organisations/${team}/members`, fx.staff, { memberId: ana.id, role: 'leader' })
    const listed = await call('GET', `/v1/organisations/${team}/members`, fx.staff)
    expect(listed.body.members.map((m: { memberId: string; role: string }) => [m.memberId, m.role])).toEqual([
      [ana.id, 'leader'],
      [bo.id, 'member'],
    ])
    // Adding again changes the role only.
    const promoted = await call('POST', `/v1/organisations/${team}/members`, fx.staff, { memberId: bo.id, role: 'leader' })
    expect([promoted.body.role, promoted.body.joinedAt]).toEqual(['leader', joined.body.joinedAt])

    const mine = await call('GET', `/v1/members/${ana.id}/organisations`, ana.key)
    expect(mine.status, mine.text).toBe(200)
    expect(mine.body.organisations).toContainEqual(expect.objectContaining({ organisationId: team, kind: 'team', role: 'leader' }))
    const theirs = await call('GET', `/v1/members/${bo.id}/organisations`, ana.key)
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    // A staff key limited to g1 sees ana's (in g1), not bo's (in g2).
    expect((await call('GET', `/v1/members/${ana.id}/organisations`, fx.g1Staff)).status).toBe(200)
    expect((await call('GET', `/v1/members/${bo.id}/organisations`, fx.g1Staff)).status).toBe(404)
  })

  it('refuses members who are not active, and missing organisations or members', async () => {
    const team = await organisation()
    const applicant = await fx.member({ applied: true })
    const res = await call('POST', `/v1/organisations/${team}/members`, fx.staff, { memberId: applicant.id })
    expect([res.status, res.body.error.code]).toEqual([422, 'MEMBER_NOT_ACTIVE'])
    const noMember = await call('POST', `/v1/organisations/${team}/members`, fx.staff, { memberId: 'nobody' })
    expect([noMember.status, noMember.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    const noOrg = await call('POST', '/v1/organisations/nothing/members', fx.staff, { memberId: ana.id })
    expect([noOrg.status, noOrg.body.error.code]).toEqual([404, 'ORGANISATION_NOT_FOUND'])
    expect((await call('GET', '/v1/organisations/nothing/members', fx.staff)).status).toBe(404)
    expect((await call('GET', '/v1/members/nobody/organisations', fx.admin)).status).toBe(404)
  })

  it('removes a member, answering removed: false the second time and 404 for a missing organisation', async () => {
    const team = await organisation()
    await call('POST', `/v1/organisations/${team}/members`, fx.staff, { memberId: ana.id })
    const removed = await call('DELETE', `/v1/organisations/${team}/members/${ana.id}`, fx.staff)
    expect([removed.status, removed.body]).toEqual([200, { removed: true }])
    expect((await call('GET', `/v1/organisations/${team}/members`, fx.staff)).body.members).toEqual([])
    expect((await call('DELETE', `/v1/organisations/${team}/members/${ana.id}`, fx.staff)).body).toEqual({ removed: false })
    const missing = await call('DELETE', `/v1/organisations/nothing/members/${ana.id}`, fx.staff)
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ORGANISATION_NOT_FOUND'])
  })
})

describe('permission table', () => {
  /**
   * Organisations are the community's: admin and unlimited staff manage them, a grid leader's key reads them but may not
   * change them (their members come from anywhere); members see only their own memberships.
   */
  type Column = 'admin' | 'staff' | 'leader' | 'member' | 'away'
  const COLUMNS: Column[] = ['admin', 'staff', 'leader', 'member', 'away']
  const keyOf = (c: Column) => ({ admin: fx.admin, staff: fx.staff, leader: fx.g1Staff, member: ana.key, away: away.staff })[c]
  type Run = (key: string) => Promise<TestResponse>
  const withMember = async () => {
    const team = await organisation()
    await api.community.addOrganisationMember({ tenantId: fx.tenantId, organisationId: team, memberId: bo.id })
    return team
  }

  const cases: [string, number[], Run][] = [
    [
      'create an organisation',
      [201, 201, 403, 403, 201],
      (key) => call('POST', '/v1/organisations', key, { id: uid('new-'), kind: 'team', name: 'x' }),
    ],
    ['list organisations', [200, 200, 200, 403, 200], (key) => call('GET', '/v1/organisations', key)],
    ['read an organisation', [200, 200, 200, 403, 404], async (key) => call('GET', `/v1/organisations/${await organisation()}`, key)],
    ['list its members', [200, 200, 200, 403, 404], async (key) => call('GET', `/v1/organisations/${await withMember()}/members`, key)],
    [
      'add a member',
      [200, 200, 403, 403, 404],
      async (key) => call('POST', `/v1/organisations/${await organisation()}/members`, key, { memberId: bo.id }),
    ],
    [
      'remove a member',
      [200, 200, 403, 403, 404],
      async (key) => call('DELETE', `/v1/organisations/${await withMember()}/members/${bo.id}`, key),
    ],
    [
      "read a member's organisations (bo, in g2)",
      [200, 200, 404, 404, 404],
      (key) => call('GET', `/v1/members/${bo.id}/organisations`, key),
    ],
    [
      'read its own organisations (ana, in g1)',
      [200, 200, 200, 200, 404],
      (key) => call('GET', `/v1/members/${ana.id}/organisations`, key),
    ],
  ]

  describe.each(cases)('%s', (_name, expected, run) => {
    it.each(COLUMNS.map((column, i) => [column, expected[i] as number] as const))('as %s: %i', async (column, status) => {
      const res = await run(keyOf(column))
      expect(res.status, res.text).toBe(status)
      if (status === 404) expect(res.body.error.code).toMatch(/NOT_FOUND$/)
      if (status === 403) expect(res.body.error.code).toBe('FORBIDDEN')
    })
  })
})

describe('bad input', () => {
  const cases: [string, string, string, unknown?][] = [
    ['an unknown kind', 'POST', '/v1/organisations', { id: 'y1', kind: 'club', name: 'x' }],
    ['a contact phone that is no phone', 'POST', '/v1/organisations', { id: 'y2', kind: 'team', name: 'x', contactPhone: 'call me' }],
    ['an unknown field', 'POST', '/v1/organisations', { id: 'y3', kind: 'team', name: 'x', budget: 5 }],
    ['an empty name', 'POST', '/v1/organisations', { id: 'y4', kind: 'team', name: '' }],
    ['an unknown role', 'POST', '/v1/organisations/clinic/members', { memberId: 'm1', role: 'boss' }],
    ['a membership without a member', 'POST', '/v1/organisations/clinic/members', {}],
    ['an organisation id with a colon', 'GET', '/v1/organisations/a:b'],
    ['an unknown kind filter', 'GET', '/v1/organisations?kind=club'],
    ['an unknown view', 'GET', '/v1/organisations?view=all'],
    ['a page size of 0', 'GET', '/v1/organisations?limit=0'],
    ['a member id with a colon', 'GET', '/v1/members/a:b/organisations'],
  ]
  it.each(cases)('%s: 400 VALIDATION', async (_name, method, path, json) => {
    const res = await call(method, path, fx.admin, json)
    expect([res.status, res.body?.error?.code], res.text).toEqual([400, 'VALIDATION'])
  })

  it('documents its routes and the Organisation component matches an organisation', async () => {
    const doc = (await api.request('GET', '/openapi.json')).body
    for (const path of [
      '/v1/organisations',
      '/v1/organisations/{organisationId}',
      '/v1/organisations/{organisationId}/members',
      '/v1/organisations/{organisationId}/members/{memberId}',
      '/v1/members/{memberId}/organisations',
    ]) {
      expect(doc.paths[path], path).toBeDefined()
    }
    const org = (await call('GET', `/v1/organisations/${await organisation()}`, fx.admin)).body
    expect(Object.keys(org).sort()).toEqual(Object.keys(doc.components.schemas.Organisation.properties).sort())
  })
})
