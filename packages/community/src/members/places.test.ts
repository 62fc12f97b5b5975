import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CommunityErrorCode } from '../domain/errors.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { gridOfMemberAt } from './index.js'

let t: TestCommunity
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  )
const at = (s: string) => new Date(s)

beforeAll(async () => {
  t = await pgliteCommunity({ start: '2026-01-01T00:00:00Z' })
  const grid = (id: string, parentId: string | null) =>
    t.community.createGrid({ tenantId: t.tenantId, id, parentId, name: id, level: parentId ? 'building' : 'community', actor: 'staff' })
  await grid('root', null)
  await grid('b1', 'root')
  await grid('b2', 'root')
  await grid('b3', 'root')
})
afterAll(() => t.close())

const place = (memberId: string, gridId: string) => t.community.placeMember({ tenantId: t.tenantId, memberId, gridId, actor: 'staff' })

describe('placing members', () => {
  it('keeps the history of where a member lived and answers where they were at any instant', async () => {
    await t.community.registerMember({ tenantId: t.tenantId, id: 'ana', name: 'Ana', gridId: 'b1', actor: 'staff', approve: true })
    t.clock.set('2026-02-01T00:00:00Z')
    expect(await place('ana', 'b2')).toMatchObject({ member: { gridId: 'b2' }, moved: true })
    t.clock.set('2026-03-01T00:00:00Z')
    await place('ana', 'b3')
    t.clock.set('2026-03-05T00:00:00Z')
    // The grid she is in already: nothing changes.
    expect(await place('ana', 'b3')).toMatchObject({ member: { gridId: 'b3' }, moved: false })

    expect(await t.community.memberPlaces({ tenantId: t.tenantId, memberId: 'ana' })).toEqual([
      { gridId: 'b1', since: at('2026-01-01T00:00:00Z'), until: at('2026-02-01T00:00:00Z'), placedBy: 'staff' },
      { gridId: 'b2', since: at('2026-02-01T00:00:00Z'), until: at('2026-03-01T00:00:00Z'), placedBy: 'staff' },
      { gridId: 'b3', since: at('2026-03-01T00:00:00Z'), until: null, placedBy: 'staff' },
    ])
    const where = (s: string) => gridOfMemberAt(t, t.tenantId, 'ana', at(s))
    expect(await where('2025-12-31T23:59:59Z')).toBeNull()
    expect(await where('2026-01-01T00:00:00Z')).toBe('b1')
    expect(await where('2026-01-31T23:59:59Z')).toBe('b1')
    expect(await where('2026-02-01T00:00:00Z')).toBe('b2')
    expect(await where('2026-03-04T00:00:00Z')).toBe('b3')
    expect(await t.community.gridOfMemberAt(t.tenantId, 'ana', at('2030-01-01T00:00:00Z'))).toBe('b3')
  })

  it('replaces a placement that lasted no time rather than keeping it', async () => {
    await t.community.registerMember({ tenantId: t.tenantId, id: 'bo', name: 'Bo', actor: 'staff' })
    await place('bo', 'b1')
    await place('bo', 'b2')
    const places = await t.community.memberPlaces({ tenantId: t.tenantId, memberId: 'bo' })
    expect(places).toEqual([{ gridId: 'b2', since: t.clock.now, until: null, placedBy: 'staff' }])
  })

  it('stays true when a grid moves, since placements name grid ids', async () => {
    await t.community.moveGrid({ tenantId: t.tenantId, gridId: 'b3', parentId: 'b1', actor: 'staff' })
    expect(await gridOfMemberAt(t, t.tenantId, 'ana', t.clock.now)).toBe('b3')
    const inB1 = await t.community.listMembers({ tenantId: t.tenantId, gridPath: 'root/b1/' })
    expect(inB1.members.map((m) => m.id)).toEqual(['ana'])
  })

  it('refuses unknown grids and members, and erased members', async () => {
    expect(await codeOf(place('ana', 'nowhere'))).toBe(CommunityErrorCode.GRID_NOT_FOUND)
    expect(await codeOf(place('ghost', 'b1'))).toBe(CommunityErrorCode.MEMBER_NOT_FOUND)
    await t.community.eraseMember({ tenantId: t.tenantId, memberId: 'bo', actor: 'staff' })
    expect(await codeOf(place('bo', 'b1'))).toBe(CommunityErrorCode.MEMBER_NOT_ACTIVE)
  })
})
