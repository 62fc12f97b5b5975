/**
 * Grid routes end to end: creating (idempotent), reading the tree and a
 * subtree, moving a subtree and refusing cycles, naming leaders; a staff key
 * limited to a grid kept within its subtree; a permission table; bad input.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/grids.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, type TestResponse, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture
let away: CommunityFixture
/** An active member in g1a, whose key plays a member. */
let resident: FixtureMember

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
  away = await setUpCommunity(api)
  await fx.grid('g1a', 'g1', 'subgrid')
  resident = await fx.member({ gridId: 'g1a' })
})
afterAll(() => api.close())

const call = (method: string, path: string, key: string, json?: unknown) =>
  api.request(method, path, { key, ...(json === undefined ? {} : { json }) })
let n = 0
const uid = (p: string) => `${p}${++n}`
const paths = (res: TestResponse) => res.body.grids.map((g: { path: string }) => g.path)

describe('creating and reading grids', () => {
  it('creates a grid under a parent, idempotently by id, and refuses the id for other content', async () => {
    const json = { id: 'b1', parentId: 'g1', name: '1号楼', level: 'building' }
    const res = await call('POST', '/v1/grids', fx.staff, json)
    expect(res.status, res.text).toBe(201)
    expect(res.headers.get('location')).toBe('/v1/grids/b1')
    expect(res.body).toMatchObject({ id: 'b1', parentId: 'g1', path: 'root/g1/b1/', depth: 2, childCount: 0, leaderMemberId: null })
    const again = await call('POST', '/v1/grids', fx.staff, json)
    expect([again.status, again.headers.get('idempotency-replayed')]).toEqual([201, 'true'])
    expect(again.body).toEqual(res.body)
    const other = await call('POST', '/v1/grids', fx.staff, { ...json, name: '2号楼' })
    expect([other.status, other.body.error.code]).toEqual([409, 'GRID_EXISTS'])
    const byHeader = await api.request('POST', '/v1/grids', {
      key: fx.admin,
      json: { parentId: 'g2', name: '2号楼', level: 'building' },
      headers: { 'idempotency-key': 'b2' },
    })
    expect([byHeader.status, byHeader.body.path]).toEqual([201, 'root/g2/b2/'])
    const orphan = await call('POST', '/v1/grids', fx.admin, { id: 'b3', parentId: 'nowhere', name: 'x', level: 'building' })
    expect([orphan.status, orphan.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
  })

  it('lists the tree in path order, or one subtree; every key of the tenant may read it', async () => {
    await fx.grid('t', 'root')
    await fx.grid('t-a', 't')
    await fx.grid('t-b', 't')
    await fx.grid('t-a-1', 't-a', 'building')
    for (const key of [fx.admin, fx.staff, fx.g2Staff, resident.key]) {
      const sub = await call('GET', '/v1/grids?under=t', key)
      expect(sub.status, sub.text).toBe(200)
      expect(paths(sub)).toEqual(['root/t/', 'root/t/t-a/', 'root/t/t-a/t-a-1/', 'root/t/t-b/'])
      expect(sub.body.grids[0]).toMatchObject({ depth: 1, childCount: 2 })
      const one = await call('GET', '/v1/grids/t-a', key)
      expect(one.body).toMatchObject({ id: 't-a', parentId: 't', childCount: 1 })
    }
    const whole = await call('GET', '/v1/grids', fx.staff)
    expect(paths(whole)[0]).toBe('root/')
    expect(paths(whole)).toEqual([...paths(whole)].sort())
    const page = await call('GET', '/v1/grids?under=t&limit=2', fx.staff)
    expect([paths(page), page.body.nextAfter]).toEqual([['root/t/', 'root/t/t-a/'], 'root/t/t-a/'])
    const rest = await call('GET', `/v1/grids?under=t&limit=2&after=${encodeURIComponent(page.body.nextAfter)}`, fx.staff)
    expect([paths(rest), rest.body.nextAfter]).toEqual([['root/t/t-a/t-a-1/', 'root/t/t-b/'], null])
    const missing = await call('GET', '/v1/grids/nowhere', fx.staff)
    expect([missing.status, missing.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
  })
})

describe('moving grids', () => {
  it('moves a grid with its subtree, and refuses a parent inside it (422 GRID_CYCLE)', async () => {
    await fx.grid('mv', 'root')
    await fx.grid('mv-a', 'mv')
    await fx.grid('mv-b', 'mv')
    await fx.grid('mv-b-1', 'mv-b', 'building')
    const m = await fx.member({ gridId: 'mv-b-1' })
    const moved = await call('POST', '/v1/grids/mv-b/move', fx.staff, { parentId: 'mv-a' })
    expect(moved.status, moved.text).toBe(200)
    expect(moved.body).toMatchObject({ moved: 2, grid: { id: 'mv-b', parentId: 'mv-a', path: 'root/mv/mv-a/mv-b/', depth: 3 } })
    expect((await call('GET', '/v1/grids/mv-b-1', fx.staff)).body.path).toBe('root/mv/mv-a/mv-b/mv-b-1/')
    // Members stay placed where they were.
    expect((await call('GET', `/v1/members/${m.id}`, fx.staff)).body.gridId).toBe('mv-b-1')
    expect((await call('POST', '/v1/grids/mv-b/move', fx.staff, { parentId: 'mv-a' })).body.moved).toBe(0)

    for (const [gridId, parentId] of [
      ['mv', 'mv-b-1'],
      ['mv-b', 'mv-b'],
      ['root', 'g1'],
    ]) {
      const cycle = await call('POST', `/v1/grids/${gridId}/move`, fx.admin, { parentId })
      expect([cycle.status, cycle.body.error.code]).toEqual([422, 'GRID_CYCLE'])
    }
    const rooted = await call('POST', '/v1/grids/mv-a/move', fx.admin, { parentId: null })
    expect(rooted.body.grid).toMatchObject({ parentId: null, path: 'mv-a/', depth: 0 })
    const missing = await call('POST', '/v1/grids/mv-a/move', fx.admin, { parentId: 'nowhere' })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
  })
})

describe('grid leaders', () => {
  it('names an active member as leader and clears it; an applicant cannot lead', async () => {
    await fx.grid('ld', 'g1')
    const leader = await fx.member({ gridId: 'ld' })
    const named = await call('PUT', '/v1/grids/ld/leader', fx.staff, { memberId: leader.id })
    expect([named.status, named.body.leaderMemberId], named.text).toEqual([200, leader.id])
    const cleared = await call('PUT', '/v1/grids/ld/leader', fx.staff, { memberId: null })
    expect(cleared.body.leaderMemberId).toBeNull()
    const applicant = await fx.member({ gridId: 'ld', applied: true })
    const refused = await call('PUT', '/v1/grids/ld/leader', fx.staff, { memberId: applicant.id })
    expect([refused.status, refused.body.error.code]).toEqual([422, 'MEMBER_NOT_ACTIVE'])
    const created = await call('POST', '/v1/grids', fx.staff, {
      id: 'ld-1',
      parentId: 'ld',
      name: 'x',
      level: 'unit',
      leaderMemberId: leader.id,
    })
    expect(created.body.leaderMemberId).toBe(leader.id)
  })
})

describe('a staff key limited to a grid', () => {
  it('creates grids only within its subtree', async () => {
    const inside = await call('POST', '/v1/grids', fx.g1Staff, { id: 'l1', parentId: 'g1', name: 'x', level: 'subgrid' })
    expect(inside.status, inside.text).toBe(201)
    const deeper = await call('POST', '/v1/grids', fx.g1Staff, { id: 'l1-1', parentId: 'l1', name: 'x', level: 'building' })
    expect(deeper.status).toBe(201)
    const outside = await call('POST', '/v1/grids', fx.g1Staff, { id: 'l2', parentId: 'g2', name: 'x', level: 'subgrid' })
    expect([outside.status, outside.body.error]).toMatchObject([404, { code: 'GRID_NOT_FOUND', message: 'grid g2 not found' }])
    const root = await call('POST', '/v1/grids', fx.g1Staff, { id: 'l3', name: 'x', level: 'community' })
    expect([root.status, root.body.error.code]).toEqual([403, 'FORBIDDEN'])
    const above = await call('POST', '/v1/grids', fx.g1Staff, { id: 'l4', parentId: 'root', name: 'x', level: 'grid' })
    expect(above.status).toBe(404)
  })

  it('moves grids only within its subtree, never out of it', async () => {
    await fx.grid('s1', 'g1')
    await fx.grid('s2', 'g1')
    await fx.grid('o1', 'g2')
    const within = await call('POST', '/v1/grids/s2/move', fx.g1Staff, { parentId: 's1' })
    expect([within.status, within.body.grid?.path], within.text).toEqual([200, 'root/g1/s1/s2/'])
    for (const [gridId, parentId, code] of [
      ['s2', 'g2', 'GRID_NOT_FOUND'],
      ['s2', 'root', 'GRID_NOT_FOUND'],
      ['o1', 'g1', 'GRID_NOT_FOUND'],
      ['g2', 's1', 'GRID_NOT_FOUND'],
      ['s2', null, 'FORBIDDEN'],
    ] as const) {
      const res = await call('POST', `/v1/grids/${gridId}/move`, fx.g1Staff, { parentId })
      expect([gridId, parentId, res.status, res.body.error?.code]).toEqual([gridId, parentId, code === 'FORBIDDEN' ? 403 : 404, code])
    }
    expect((await call('GET', '/v1/grids/s2', fx.admin)).body.path).toBe('root/g1/s1/s2/')
    expect((await call('GET', '/v1/grids/o1', fx.admin)).body.path).toBe('root/g2/o1/')
  })

  it('names leaders only of its grids, and only members of its subtree', async () => {
    const outsider = await fx.member({ gridId: 'g2' })
    const res = await call('PUT', '/v1/grids/g1a/leader', fx.g1Staff, { memberId: outsider.id })
    expect([res.status, res.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    const theirs = await call('PUT', '/v1/grids/g2/leader', fx.g1Staff, { memberId: null })
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
    const ours = await call('PUT', '/v1/grids/g1a/leader', fx.g1Staff, { memberId: resident.id })
    expect([ours.status, ours.body.leaderMemberId]).toEqual([200, resident.id])
  })
})

describe('permission table', () => {
  /** Who calls, and about which grid: g1a (inside g1) except for "leader out" (g2). The "away" tenant has no g1a. */
  type Column = 'admin' | 'staff' | 'leader in' | 'leader out' | 'member' | 'away'
  const COLUMNS: Column[] = ['admin', 'staff', 'leader in', 'leader out', 'member', 'away']
  const keyOf = (c: Column) =>
    ({ admin: fx.admin, staff: fx.staff, 'leader in': fx.g1Staff, 'leader out': fx.g1Staff, member: resident.key, away: away.staff })[c]
  /** A fresh grid under `parent`, made directly. */
  const fresh = async (parent: string) => {
    const id = uid('pt-')
    await fx.grid(id, parent, 'building')
    return id
  }
  type Run = (key: string, gridId: string) => Promise<TestResponse>

  const cases: [string, number[], Run][] = [
    [
      'create a grid in it',
      [201, 201, 201, 404, 403, 404],
      (key, gridId) => call('POST', '/v1/grids', key, { id: uid('pt-'), parentId: gridId, name: 'x', level: 'building' }),
    ],
    ['read it', [200, 200, 200, 200, 200, 404], (key, gridId) => call('GET', `/v1/grids/${gridId}`, key)],
    ['list its subtree', [200, 200, 200, 200, 200, 404], (key, gridId) => call('GET', `/v1/grids?under=${gridId}`, key)],
    [
      'move a grid within it',
      [200, 200, 200, 404, 403, 404],
      async (key, gridId) => {
        const a = await fresh(gridId)
        const b = await fresh(gridId)
        return call('POST', `/v1/grids/${b}/move`, key, { parentId: a })
      },
    ],
    [
      'name its leader',
      [200, 200, 200, 404, 403, 404],
      async (key, gridId) => {
        const m = await fx.member({ gridId })
        return call('PUT', `/v1/grids/${gridId}/leader`, key, { memberId: m.id })
      },
    ],
    [
      'clear its leader',
      [200, 200, 200, 404, 403, 404],
      (key, gridId) => call('PUT', `/v1/grids/${gridId}/leader`, key, { memberId: null }),
    ],
  ]

  describe.each(cases)('%s', (_name, expected, run) => {
    it.each(COLUMNS.map((column, i) => [column, expected[i] as number] as const))('as %s: %i', async (column, status) => {
      const res = await run(keyOf(column), column === 'leader out' ? 'g2' : 'g1a')
      expect(res.status, res.text).toBe(status)
      if (status === 404) expect(res.body.error.code).toMatch(/NOT_FOUND$/)
      if (status === 403) expect(res.body.error.code).toBe('FORBIDDEN')
    })
  })
})

describe('bad input', () => {
  const cases: [string, string, string, unknown?][] = [
    ['an unknown level', 'POST', '/v1/grids', { id: 'x1', parentId: 'g1', name: 'x', level: 'planet' }],
    ['a grid id with a slash', 'POST', '/v1/grids', { id: 'x/2', parentId: 'g1', name: 'x', level: 'unit' }],
    ['an empty name', 'POST', '/v1/grids', { id: 'x3', parentId: 'g1', name: ' ', level: 'unit' }],
    ['an unknown field', 'POST', '/v1/grids', { id: 'x4', parentId: 'g1', name: 'x', level: 'unit', colour: 'red' }],
    ['a move without a parent', 'POST', '/v1/grids/g1a/move', {}],
    ['a move to a parent that is no id', 'POST', '/v1/grids/g1a/move', { parentId: 5 }],
    ['a leader body without memberId', 'PUT', '/v1/grids/g1a/leader', {}],
    ['a grid id with a colon in the path', 'GET', '/v1/grids/a:b'],
    ['a page size of 0', 'GET', '/v1/grids?limit=0'],
    ['a page size over 5000', 'GET', '/v1/grids?limit=5001'],
    ['an under that is no id', 'GET', '/v1/grids?under=a%2Fb'],
  ]
  it.each(cases)('%s: 400 VALIDATION', async (_name, method, path, json) => {
    const res = await call(method, path, fx.admin, json)
    expect([res.status, res.body?.error?.code], res.text).toEqual([400, 'VALIDATION'])
  })

  it('documents its routes and the Grid component matches a grid', async () => {
    const doc = (await api.request('GET', '/openapi.json')).body
    for (const path of ['/v1/grids', '/v1/grids/{gridId}', '/v1/grids/{gridId}/move', '/v1/grids/{gridId}/leader']) {
      expect(doc.paths[path], path).toBeDefined()
    }
    const grid = (await call('GET', '/v1/grids/g1', fx.admin)).body
    expect(Object.keys(grid).sort()).toEqual(Object.keys(doc.components.schemas.Grid.properties).sort())
  })
})
