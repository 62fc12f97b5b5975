import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CommunityErrorCode } from '../domain/errors.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { gridPath } from './index.js'

let t: TestCommunity
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  )

const create = (id: string, parentId: string | null, level = 'grid', extra: Record<string, unknown> = {}) =>
  t.community.createGrid({ tenantId: t.tenantId, id, parentId, name: `网格 ${id}`, level: level as 'grid', actor: 'staff', ...extra })
const tree = async (under?: string) =>
  (await t.community.listGrids({ tenantId: t.tenantId, ...(under ? { under } : {}) })).grids.map(
    (g) => `${g.path} d${g.depth} c${g.childCount}`,
  )

beforeAll(async () => {
  t = await pgliteCommunity()
  await create('root', null, 'community')
  await create('g1', 'root')
  await create('g1.s1', 'g1', 'subgrid')
  await create('b_7', 'g1.s1', 'building')
  await create('u1', 'b_7', 'unit')
  await create('g10', 'root')
  await create('g2', 'root')
})
afterAll(() => t.close())

describe('the grid tree', () => {
  it('gives each grid its path from the root, and lists a subtree in path order with depths and child counts', async () => {
    const { grid, replayed } = await create('b_8', 'g1.s1', 'building')
    expect(replayed).toBe(false)
    expect(grid).toMatchObject({ id: 'b_8', parentId: 'g1.s1', path: 'root/g1/g1.s1/b_8/', depth: 3, childCount: 0, level: 'building' })
    expect(await tree()).toEqual([
      'root/ d0 c3',
      'root/g1/ d1 c1',
      'root/g1/g1.s1/ d2 c2',
      'root/g1/g1.s1/b_7/ d3 c1',
      'root/g1/g1.s1/b_7/u1/ d4 c0',
      'root/g1/g1.s1/b_8/ d3 c0',
      'root/g10/ d1 c0',
      'root/g2/ d1 c0',
    ])
    expect(await tree('g1')).toEqual([
      'root/g1/ d1 c1',
      'root/g1/g1.s1/ d2 c2',
      'root/g1/g1.s1/b_7/ d3 c1',
      'root/g1/g1.s1/b_7/u1/ d4 c0',
      'root/g1/g1.s1/b_8/ d3 c0',
    ])
    expect(await gridPath(t, t.tenantId, 'u1')).toBe('root/g1/g1.s1/b_7/u1/')
    expect(await t.community.getGrid({ tenantId: t.tenantId, gridId: 'g1.s1' })).toMatchObject({ childCount: 2, depth: 2 })
  })

  it('pages a listing by path', async () => {
    const seen: string[] = []
    let after: string | undefined
    do {
      const page = await t.community.listGrids({ tenantId: t.tenantId, limit: 3, ...(after ? { after } : {}) })
      seen.push(...page.grids.map((g) => g.id))
      after = page.nextAfter ?? undefined
    } while (after)
    expect(seen).toEqual(['root', 'g1', 'g1.s1', 'b_7', 'u1', 'b_8', 'g10', 'g2'])
  })

  it('replays the same creation, and refuses another under the same id or under a parent that does not exist', async () => {
    expect((await create('g2', 'root')).replayed).toBe(true)
    expect(await codeOf(create('g2', 'g1'))).toBe(CommunityErrorCode.GRID_EXISTS)
    expect(await codeOf(create('g2', 'root', 'building'))).toBe(CommunityErrorCode.GRID_EXISTS)
    expect(await codeOf(create('g3', 'nowhere'))).toBe(CommunityErrorCode.GRID_NOT_FOUND)
    expect(await codeOf(t.community.listGrids({ tenantId: t.tenantId, under: 'nowhere' }))).toBe(CommunityErrorCode.GRID_NOT_FOUND)
  })

  it('moves a subtree, rewriting every path under it and nothing else', async () => {
    const { grid, moved } = await t.community.moveGrid({ tenantId: t.tenantId, gridId: 'g1.s1', parentId: 'g2', actor: 'staff' })
    expect(moved).toBe(4)
    expect(grid).toMatchObject({ parentId: 'g2', path: 'root/g2/g1.s1/', depth: 2 })
    expect(await tree()).toEqual([
      'root/ d0 c3',
      'root/g1/ d1 c0',
      'root/g10/ d1 c0',
      'root/g2/ d1 c1',
      'root/g2/g1.s1/ d2 c2',
      'root/g2/g1.s1/b_7/ d3 c1',
      'root/g2/g1.s1/b_7/u1/ d4 c0',
      'root/g2/g1.s1/b_8/ d3 c0',
    ])
    // A child created afterwards sits under the new path.
    expect((await create('u2', 'b_7', 'unit')).grid.path).toBe('root/g2/g1.s1/b_7/u2/')
    expect((await t.community.moveGrid({ tenantId: t.tenantId, gridId: 'g1.s1', parentId: 'g2', actor: 'staff' })).moved).toBe(0)
  })

  it('makes a grid a root, and back', async () => {
    await t.community.moveGrid({ tenantId: t.tenantId, gridId: 'b_7', parentId: null, actor: 'staff' })
    expect(await tree('b_7')).toEqual(['b_7/ d0 c2', 'b_7/u1/ d1 c0', 'b_7/u2/ d1 c0'])
    await t.community.moveGrid({ tenantId: t.tenantId, gridId: 'b_7', parentId: 'g1.s1', actor: 'staff' })
    expect(await tree('b_7')).toEqual(['root/g2/g1.s1/b_7/ d3 c2', 'root/g2/g1.s1/b_7/u1/ d4 c0', 'root/g2/g1.s1/b_7/u2/ d4 c0'])
  })

  it('refuses to move a grid under itself or its own subtree', async () => {
    const move = (gridId: string, parentId: string) => t.community.moveGrid({ tenantId: t.tenantId, gridId, parentId, actor: 'staff' })
    expect(await codeOf(move('g2', 'g2'))).toBe(CommunityErrorCode.GRID_CYCLE)
    expect(await codeOf(move('g2', 'u1'))).toBe(CommunityErrorCode.GRID_CYCLE)
    expect(await codeOf(move('root', 'g10'))).toBe(CommunityErrorCode.GRID_CYCLE)
    expect(await codeOf(move('g2', 'nowhere'))).toBe(CommunityErrorCode.GRID_NOT_FOUND)
    // g1 is no ancestor of g10, though its path is a prefix of g10's id.
    expect(await codeOf(move('g1', 'g10'))).toBe('ok')
  })

  it('names a leader who is an active member, or none', async () => {
    await t.community.registerMember({ tenantId: t.tenantId, id: 'lead', name: '王网格长', actor: 'staff', approve: true })
    await t.community.registerMember({ tenantId: t.tenantId, id: 'applicant', name: '李', actor: 'staff' })
    const set = (memberId: string | null) => t.community.setGridLeader({ tenantId: t.tenantId, gridId: 'g10', memberId, actor: 'staff' })
    expect((await set('lead')).leaderMemberId).toBe('lead')
    expect(await codeOf(set('applicant'))).toBe(CommunityErrorCode.MEMBER_NOT_ACTIVE)
    expect(await codeOf(set('ghost'))).toBe(CommunityErrorCode.MEMBER_NOT_FOUND)
    expect((await set(null)).leaderMemberId).toBeNull()
    expect(await codeOf(t.community.setGridLeader({ tenantId: t.tenantId, gridId: 'nowhere', memberId: null, actor: 'staff' }))).toBe(
      CommunityErrorCode.GRID_NOT_FOUND,
    )
    expect((await create('g4', 'root', 'grid', { leaderMemberId: 'lead' })).grid.leaderMemberId).toBe('lead')
    expect(await codeOf(create('g5', 'root', 'grid', { leaderMemberId: 'applicant' }))).toBe(CommunityErrorCode.MEMBER_NOT_ACTIVE)
  })
})
