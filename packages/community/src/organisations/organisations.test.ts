import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CommunityErrorCode } from '../domain/errors.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'

let t: TestCommunity
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  )

beforeAll(async () => {
  t = await pgliteCommunity()
  await t.community.createGrid({ tenantId: t.tenantId, id: 'root', name: '枫林社区', level: 'community', actor: 'staff' })
  for (const id of ['ana', 'bo', 'cai'])
    await t.community.registerMember({ tenantId: t.tenantId, id, name: id, actor: 'staff', approve: id !== 'cai' })
})
afterAll(() => t.close())

const school = {
  id: 'school-3',
  kind: 'partner' as const,
  name: '第三小学',
  contactName: '张小明',
  contactPhone: '138-1234-5678',
  gridId: 'root',
  actor: 'staff',
}

describe('organisations', () => {
  it('are created with HOUR and POINT accounts of their own', async () => {
    const { organisation, replayed } = await t.community.createOrganisation({ tenantId: t.tenantId, ...school })
    expect(replayed).toBe(false)
    expect(organisation).toMatchObject({ id: 'school-3', kind: 'partner', contactPhone: '13812345678', status: 'active', gridId: 'root' })
    const accounts = await t.ledger.listAccounts({ tenantId: t.tenantId, owner: { type: 'organisation', id: 'school-3' } })
    expect(accounts.map((a) => [a.id, a.asset]).sort()).toEqual([
      ['org:school-3:HOUR', 'HOUR'],
      ['org:school-3:POINT', 'POINT'],
    ])
  })

  it('replay the same creation, opening nothing twice, and refuse another under the same id', async () => {
    const again = await t.community.createOrganisation({ tenantId: t.tenantId, ...school, contactPhone: '13812345678' })
    expect(again.replayed).toBe(true)
    expect(await t.ledger.listAccounts({ tenantId: t.tenantId, owner: { type: 'organisation', id: 'school-3' } })).toHaveLength(2)
    expect(await codeOf(t.community.createOrganisation({ tenantId: t.tenantId, ...school, kind: 'team' }))).toBe(
      CommunityErrorCode.ORGANISATION_EXISTS,
    )
    expect(await codeOf(t.community.createOrganisation({ tenantId: t.tenantId, ...school, id: 'x', gridId: 'nowhere' }))).toBe(
      CommunityErrorCode.GRID_NOT_FOUND,
    )
  })

  it('show the contact person masked unless asked in full, and list by kind', async () => {
    await t.community.createOrganisation({ tenantId: t.tenantId, id: 'team-1', kind: 'team', name: '银龄志愿队', actor: 'staff' })
    const masked = await t.community.listOrganisations({ tenantId: t.tenantId })
    expect(JSON.stringify(masked)).not.toContain('张小明')
    expect(JSON.stringify(masked)).not.toContain('13812345678')
    expect(masked.organisations.map((o) => [o.id, o.contactName, o.contactPhone])).toEqual([
      ['school-3', '张*明', '138****5678'],
      ['team-1', null, null],
    ])
    const full = await t.community.listOrganisations({ tenantId: t.tenantId, view: 'full', kind: 'partner' })
    expect(full.organisations.map((o) => o.contactName)).toEqual(['张小明'])
    expect((await t.community.listOrganisations({ tenantId: t.tenantId, kind: 'team' })).organisations.map((o) => o.id)).toEqual(['team-1'])
    expect(await codeOf(t.community.getOrganisation({ tenantId: t.tenantId, organisationId: 'nope' }))).toBe(
      CommunityErrorCode.ORGANISATION_NOT_FOUND,
    )
  })

  it('take active members as leaders or members, and say which organisations a member is in', async () => {
    const add = (organisationId: string, memberId: string, role: 'leader' | 'member') =>
      t.community.addOrganisationMember({ tenantId: t.tenantId, organisationId, memberId, role })
    await add('team-1', 'bo', 'member')
    await add('team-1', 'ana', 'leader')
    await add('school-3', 'ana', 'member')
    expect(await codeOf(add('team-1', 'cai', 'member'))).toBe(CommunityErrorCode.MEMBER_NOT_ACTIVE)
    expect(await codeOf(add('nope', 'ana', 'member'))).toBe(CommunityErrorCode.ORGANISATION_NOT_FOUND)
    const list = await t.community.listOrganisationMembers({ tenantId: t.tenantId, organisationId: 'team-1' })
    expect(list.map((m) => `${m.memberId}:${m.role}`)).toEqual(['ana:leader', 'bo:member'])
    // Adding again changes the role and keeps when they joined.
    t.clock.advance(3600_000)
    const promoted = await add('team-1', 'bo', 'leader')
    expect(promoted).toMatchObject({ role: 'leader', joinedAt: list[1]?.joinedAt })
    const ofAna = await t.community.organisationsOfMember({ tenantId: t.tenantId, memberId: 'ana' })
    expect(ofAna.map((o) => `${o.organisationId}:${o.kind}:${o.role}`)).toEqual(['school-3:partner:member', 'team-1:team:leader'])
    expect(await t.community.removeOrganisationMember({ tenantId: t.tenantId, organisationId: 'school-3', memberId: 'ana' })).toEqual({
      removed: true,
    })
    expect((await t.community.organisationsOfMember({ tenantId: t.tenantId, memberId: 'ana' })).map((o) => o.organisationId)).toEqual([
      'team-1',
    ])
  })
})
