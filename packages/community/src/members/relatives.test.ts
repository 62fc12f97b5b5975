import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CommunityErrorCode } from '../domain/errors.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { relationBetween } from './index.js'

let t: TestCommunity
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  )

beforeAll(async () => {
  t = await pgliteCommunity()
  for (const id of ['gran', 'mum', 'kid', 'aunt', 'stranger']) {
    await t.community.registerMember({ tenantId: t.tenantId, id, name: `Member ${id}`, actor: 'staff', approve: id !== 'kid' })
  }
})
afterAll(() => t.close())

const link = (memberId: string, relativeId: string, relation: string) =>
  t.community.addRelative({ tenantId: t.tenantId, memberId, relativeId, relation: relation as 'child' })
const relativesOf = async (memberId: string) =>
  (await t.community.listRelatives({ tenantId: t.tenantId, memberId })).map((r) => `${r.relativeId}:${r.relation}`)

describe('relatives', () => {
  it('are stored both ways, with the inverse relation, and listed from either side', async () => {
    const { relative, added } = await link('mum', 'kid', 'child')
    expect(added).toBe(true)
    expect(relative).toMatchObject({ memberId: 'mum', relativeId: 'kid', relation: 'child' })
    await link('gran', 'kid', 'grandchild')
    await link('mum', 'aunt', 'sibling')
    expect(await relativesOf('mum')).toEqual(['aunt:sibling', 'kid:child'])
    expect(await relativesOf('kid')).toEqual(['gran:grandparent', 'mum:parent'])
    expect(await relativesOf('aunt')).toEqual(['mum:sibling'])
    expect(await relationBetween(t, t.tenantId, 'kid', 'gran')).toBe('grandparent')
    expect(await relationBetween(t, t.tenantId, 'kid', 'stranger')).toBeNull()
  })

  it('take the same link again as it is, and refuse the pair under another relation', async () => {
    expect((await link('kid', 'mum', 'parent')).added).toBe(false)
    expect(await codeOf(link('mum', 'kid', 'sibling'))).toBe(CommunityErrorCode.VALIDATION)
    expect(await codeOf(link('kid', 'mum', 'child'))).toBe(CommunityErrorCode.VALIDATION)
    expect(await relativesOf('kid')).toEqual(['gran:grandparent', 'mum:parent'])
  })

  it('refuse a member as their own relative, and members who do not exist', async () => {
    expect(await codeOf(link('mum', 'mum', 'spouse'))).toBe(CommunityErrorCode.VALIDATION)
    expect(await codeOf(link('mum', 'ghost', 'spouse'))).toBe(CommunityErrorCode.MEMBER_NOT_FOUND)
    expect(await codeOf(link('ghost', 'mum', 'spouse'))).toBe(CommunityErrorCode.MEMBER_NOT_FOUND)
    expect(await codeOf(t.community.listRelatives({ tenantId: t.tenantId, memberId: 'ghost' }))).toBe(CommunityErrorCode.MEMBER_NOT_FOUND)
  })

  it('are removed both ways, from either side', async () => {
    expect(await t.community.removeRelative({ tenantId: t.tenantId, memberId: 'aunt', relativeId: 'mum' })).toEqual({ removed: true })
    expect(await relativesOf('mum')).toEqual(['kid:child'])
    expect(await relativesOf('aunt')).toEqual([])
    expect(await t.community.removeRelative({ tenantId: t.tenantId, memberId: 'aunt', relativeId: 'mum' })).toEqual({ removed: false })
  })

  it('go with an erased member, and an erased member takes no new ones', async () => {
    await link('stranger', 'gran', 'other')
    await t.community.eraseMember({ tenantId: t.tenantId, memberId: 'stranger', actor: 'staff' })
    expect(await relativesOf('gran')).toEqual(['kid:grandchild'])
    expect(await codeOf(link('gran', 'stranger', 'other'))).toBe(CommunityErrorCode.MEMBER_NOT_ACTIVE)
  })
})
