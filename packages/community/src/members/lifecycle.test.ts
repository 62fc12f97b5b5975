import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createContext } from '../context.js'
import { CommunityErrorCode } from '../domain/errors.js'
import { pseudonym } from '../domain/member.js'
import { derivedSecret } from '../domain/secrets.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { openMemberAccounts } from './accounts.js'

let t: TestCommunity
let n = 0
const uid = (p: string) => `${p}-${++n}`
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  )

/** The pseudonym the community gives a member id, keyed by its own secret. */
let pseudonymOf: (memberId: string) => string

beforeAll(async () => {
  t = await pgliteCommunity({ start: '2026-03-02T01:00:00Z' })
  const { privateKey } = await createContext({ db: t.db, ledger: t.ledger }).community(t.tenantId)
  pseudonymOf = (memberId) => pseudonym(derivedSecret(privateKey, 'pseudonym'), t.tenantId, memberId)
  await t.community.createGrid({ tenantId: t.tenantId, id: 'root', name: '枫林社区', level: 'community', actor: 'staff' })
})
afterAll(() => t.close())

const register = (id: string, extra: Record<string, unknown> = {}) =>
  t.community.registerMember({
    tenantId: t.tenantId,
    id,
    name: '张小明',
    phone: '138 1234 5678',
    idNumber: '11010119900307123x',
    birthDate: '1958-06-01',
    actor: 'staff-a',
    ...extra,
  })
const review = (memberId: string, decision: 'approve' | 'reject', note?: string) =>
  t.community.reviewMember({ tenantId: t.tenantId, memberId, decision, actor: 'staff-b', ...(note ? { note } : {}) })
const accountsOf = (memberId: string) => t.ledger.listAccounts({ tenantId: t.tenantId, owner: { type: 'member', id: memberId } })

describe('registering members', () => {
  it('makes an application with normalized personal fields and a pseudonym, and opens no accounts yet', async () => {
    const id = uid('ana')
    const { member, replayed } = await register(id, { metadata: { household: '3-2-401' } })
    expect(replayed).toBe(false)
    expect(member).toMatchObject({
      id,
      status: 'applied',
      name: '张小明',
      phone: '13812345678',
      idNumber: '11010119900307123X',
      birthDate: '1958-06-01',
      pseudonym: pseudonymOf(id),
      metadata: { household: '3-2-401' },
      createdBy: 'staff-a',
      reviewedBy: null,
    })
    expect(await accountsOf(id)).toEqual([])
  })

  it('replays the same registration and refuses another under the same id', async () => {
    const id = uid('bo')
    const first = await register(id, { metadata: { a: 1, b: 2 } })
    // The same request, told differently (spaces in the phone, keys reordered), is the same registration.
    const again = await register(id, { phone: '13812345678', metadata: { b: 2, a: 1 } })
    expect(again).toEqual({ member: first.member, replayed: true })
    expect(await codeOf(register(id, { name: '李雷' }))).toBe(CommunityErrorCode.MEMBER_EXISTS)
    expect(await codeOf(register(id, { phone: '13900000000' }))).toBe(CommunityErrorCode.MEMBER_EXISTS)
  })

  it('refuses phones, ID numbers and birth dates that are not', async () => {
    for (const bad of [
      { phone: '12812345678' },
      { phone: '1234' },
      { idNumber: '12' },
      { birthDate: '1990-02-30' },
      { birthDate: '2026-03-03' },
    ]) {
      expect(await codeOf(register(uid('bad'), bad)), JSON.stringify(bad)).toBe(CommunityErrorCode.VALIDATION)
    }
    // Today in Shanghai (09:00 on 2 March) is a birth date, though it is still 1 March somewhere.
    expect(await codeOf(register(uid('newborn'), { birthDate: '2026-03-02' }))).toBe('ok')
  })

  it('refuses a grid that does not exist', async () => {
    expect(await codeOf(register(uid('lost'), { gridId: 'nowhere' }))).toBe(CommunityErrorCode.GRID_NOT_FOUND)
  })
})

describe('reviewing applications', () => {
  it('approves: the member is active with HOUR and POINT accounts of their own (floor 0) and LIFETIME_HOUR held by the system', async () => {
    const id = uid('cai')
    await register(id)
    const member = await review(id, 'approve', '材料齐全')
    expect(member).toMatchObject({ status: 'active', reviewedBy: 'staff-b', reviewNote: '材料齐全' })
    expect(member.reviewedAt).toEqual(t.clock.now)
    const owned = await accountsOf(id)
    expect(owned.map((a) => [a.id, a.asset, a.floor]).sort()).toEqual([
      [`member:${id}:HOUR`, 'HOUR', '0.00'],
      [`member:${id}:POINT`, 'POINT', '0'],
    ])
    const lifetime = await t.ledger.getAccount({ tenantId: t.tenantId, accountId: `member:${id}:LIFETIME_HOUR` })
    expect(lifetime).toMatchObject({ asset: 'LIFETIME_HOUR', owner: { type: 'system', id: `member.${id}` }, status: 'open' })
  })

  it('answers a repeated approval as it is, opening nothing twice', async () => {
    const id = uid('dai')
    await register(id)
    const first = await review(id, 'approve')
    t.clock.advance(60_000)
    const again = await review(id, 'approve')
    expect(again).toEqual(first)
    expect(await accountsOf(id)).toHaveLength(2)
  })

  it('grants the welcome of the policy in force once on approval (Hangzhou: 5 points), and never again', async () => {
    const id = uid('wen')
    await register(id)
    await t.community.changePolicy({ tenantId: t.tenantId, policy: { welcomeGrant: { POINT: '5' } }, actor: 'key_admin' })
    try {
      await review(id, 'approve')
      const points = () => t.ledger.getBalance({ tenantId: t.tenantId, accountId: `member:${id}:POINT` })
      expect((await points()).posted).toBe('5')
      // A different grant in force later changes nothing for a member already welcomed, approved again or reactivated.
      await t.community.changePolicy({ tenantId: t.tenantId, policy: { welcomeGrant: { POINT: '8' } }, actor: 'key_admin' })
      await review(id, 'approve')
      await t.community.deactivateMember({ tenantId: t.tenantId, memberId: id, actor: 'staff-b' })
      await t.community.reactivateMember({ tenantId: t.tenantId, memberId: id, actor: 'staff-b' })
      expect((await points()).posted).toBe('5')
      const grant = await t.ledger.getTransfer({ tenantId: t.tenantId, transferId: `welcome:${id}:POINT` })
      expect(grant).toMatchObject({ amount: '5', to: `member:${id}:POINT` })
    } finally {
      await t.community.changePolicy({ tenantId: t.tenantId, policy: {}, actor: 'key_admin' })
    }
  })

  it('finishes an approval cut short after the ledger step', async () => {
    const id = uid('eve')
    await register(id)
    // As if the process died between opening the accounts and marking the member active.
    await openMemberAccounts({ ledger: t.ledger } as never, t.tenantId, id)
    const member = await review(id, 'approve')
    expect(member.status).toBe('active')
    expect(await accountsOf(id)).toHaveLength(2)
  })

  it('registers and approves in one step, and a retry of it replays', async () => {
    const id = uid('fei')
    const { member } = await register(id, { approve: true })
    expect(member).toMatchObject({ status: 'active', reviewedBy: 'staff-a' })
    expect(await accountsOf(id)).toHaveLength(2)
    const again = await register(id, { approve: true })
    expect(again.replayed).toBe(true)
    expect(again.member.status).toBe('active')
  })

  it('refuses an application sent again with approve: true (MEMBER_EXISTS), and leaves it an application', async () => {
    const id = uid('fan')
    await register(id)
    expect(await codeOf(register(id, { approve: true }))).toBe(CommunityErrorCode.MEMBER_EXISTS)
    expect(await codeOf(register(id, { approve: false }))).toBe('ok')
    expect((await t.community.getMember({ tenantId: t.tenantId, memberId: id })).status).toBe('applied')
    expect(await accountsOf(id)).toEqual([])
    // Nor is a registration approved at once the same request as the application.
    const approved = uid('fan')
    await register(approved, { approve: true })
    expect(await codeOf(register(approved))).toBe(CommunityErrorCode.MEMBER_EXISTS)
  })

  it('rejects an application, and then refuses to approve it', async () => {
    const id = uid('gao')
    await register(id)
    expect(await review(id, 'reject', '不在本社区居住')).toMatchObject({ status: 'rejected', reviewNote: '不在本社区居住' })
    expect(await codeOf(review(id, 'approve'))).toBe(CommunityErrorCode.INVALID_TRANSITION)
    expect(await accountsOf(id)).toEqual([])
  })

  it('refuses to reject an active member, and to review one that does not exist', async () => {
    const id = uid('hu')
    await register(id, { approve: true })
    expect(await codeOf(review(id, 'reject'))).toBe(CommunityErrorCode.INVALID_TRANSITION)
    expect(await codeOf(review('nobody', 'approve'))).toBe(CommunityErrorCode.MEMBER_NOT_FOUND)
  })
})

describe('deactivating and reactivating', () => {
  it('moves an active member to inactive and back, and refuses an application', async () => {
    const id = uid('jin')
    await register(id, { approve: true })
    const input = { tenantId: t.tenantId, memberId: id, actor: 'staff-b' }
    expect((await t.community.deactivateMember(input)).status).toBe('inactive')
    expect((await t.community.deactivateMember(input)).status).toBe('inactive')
    expect(await codeOf(review(id, 'approve'))).toBe(CommunityErrorCode.INVALID_TRANSITION)
    expect((await t.community.reactivateMember(input)).status).toBe('active')
    const applicant = uid('ke')
    await register(applicant)
    expect(await codeOf(t.community.deactivateMember({ ...input, memberId: applicant }))).toBe(CommunityErrorCode.INVALID_TRANSITION)
  })
})

describe('erasing a member', () => {
  it('removes the personal fields for good and keeps the pseudonym, the accounts, the balances and the history', async () => {
    const id = uid('lin')
    await register(id, { approve: true, metadata: { note: '独居老人' } })
    const hours = `member:${id}:HOUR`
    await t.ledger.earn({
      tenantId: t.tenantId,
      id: `earn-${id}`,
      to: hours,
      amount: '2.5',
      evidence: { activity: 'elder-visit', reviewer: 'staff-b' },
    })
    const balance = await t.ledger.getBalance({ tenantId: t.tenantId, accountId: hours })
    const history = await t.ledger.getHistory({ tenantId: t.tenantId, accountId: hours })
    expect(balance.posted).toBe('2.50')

    const erased = await t.community.eraseMember({ tenantId: t.tenantId, memberId: id, actor: 'staff-b' })
    expect(erased).toMatchObject({
      status: 'erased',
      name: null,
      phone: null,
      idNumber: null,
      birthDate: null,
      metadata: {},
      reviewNote: null,
      pseudonym: pseudonymOf(id),
    })
    expect(await t.community.getMember({ tenantId: t.tenantId, memberId: id })).toEqual(erased)
    expect(await t.ledger.getBalance({ tenantId: t.tenantId, accountId: hours })).toEqual(balance)
    expect(await t.ledger.getHistory({ tenantId: t.tenantId, accountId: hours })).toEqual(history)
    expect((await accountsOf(id)).map((a) => a.status)).toEqual(['open', 'open'])

    // Final and idempotent: erasing again answers the same; nothing brings the member back.
    expect(await t.community.eraseMember({ tenantId: t.tenantId, memberId: id, actor: 'staff-b' })).toEqual(erased)
    expect(await codeOf(t.community.reactivateMember({ tenantId: t.tenantId, memberId: id, actor: 'staff-b' }))).toBe(
      CommunityErrorCode.INVALID_TRANSITION,
    )
    // Nor does registering the id again: the fingerprint of the old registration is gone with the data.
    expect(await codeOf(register(id, { metadata: { note: '独居老人' } }))).toBe(CommunityErrorCode.MEMBER_EXISTS)
  })
})

describe('listing members', () => {
  it('masks names, phones and ID numbers by default, shows an age band only, and the pseudonym of the erased', async () => {
    const shown = uid('list')
    const gone = uid('list')
    await register(shown, { name: '欧阳小明', phone: '13987654321', approve: true })
    await register(gone, { name: '王大锤', phone: '13711112222' })
    await t.community.eraseMember({ tenantId: t.tenantId, memberId: gone, actor: 'staff-b' })
    const page = await t.community.listMembers({ tenantId: t.tenantId, search: 'list' })
    expect(page.view).toBe('masked')
    const text = JSON.stringify(page)
    for (const secret of ['欧阳小明', '13987654321', '王大锤', '13711112222', '11010119900307123X', '1958-06-01'])
      expect(text).not.toContain(secret)
    expect(page.members).toEqual([
      {
        tenantId: t.tenantId,
        id: shown,
        status: 'active',
        name: '欧**明',
        phone: '139****4321',
        idNumber: '1101**********123X',
        ageBand: '65-69',
        gridId: null,
        pseudonym: pseudonymOf(shown),
      },
      {
        tenantId: t.tenantId,
        id: gone,
        status: 'erased',
        name: pseudonymOf(gone),
        phone: null,
        idNumber: null,
        ageBand: null,
        gridId: null,
        pseudonym: pseudonymOf(gone),
      },
    ])
    const full = await t.community.listMembers({ tenantId: t.tenantId, search: 'list', view: 'full' })
    expect(full.members.map((m) => m.name)).toEqual(['欧阳小明', null])
  })

  it('pages by id, and finds by status, name, phone or grid subtree', async () => {
    const tenantId = t.tenantId
    await t.community.createGrid({ tenantId, id: 'g1', parentId: 'root', name: '一网格', level: 'grid', actor: 'staff' })
    await t.community.createGrid({ tenantId, id: 'g1_b', parentId: 'g1', name: '1号楼', level: 'building', actor: 'staff' })
    await t.community.createGrid({ tenantId, id: 'g10', parentId: 'root', name: '十网格', level: 'grid', actor: 'staff' })
    const ids = ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e']
    await register('pg-a', { gridId: 'g1', approve: true, name: '赵一' })
    await register('pg-b', { gridId: 'g1_b', approve: true, name: '钱二', phone: '13600001111' })
    await register('pg-c', { gridId: 'g10', approve: true, name: '孙三' })
    await register('pg-d', { gridId: 'g1_b', name: '李四' })
    await register('pg-e', { name: '周五' })

    const seen: string[] = []
    let after: string | undefined
    do {
      const page = await t.community.listMembers({ tenantId, search: 'pg-', limit: 2, ...(after ? { after } : {}) })
      expect(page.members.length).toBeLessThanOrEqual(2)
      seen.push(...page.members.map((m) => m.id))
      after = page.nextAfter ?? undefined
    } while (after)
    expect(seen).toEqual(ids)

    const ofG1 = await t.community.listMembers({ tenantId, gridPath: 'root/g1/', search: 'pg-' })
    expect(ofG1.members.map((m) => m.id)).toEqual(['pg-a', 'pg-b', 'pg-d'])
    const activeOfG1 = await t.community.listMembers({ tenantId, gridPath: 'root/g1/', status: 'active', search: 'pg-' })
    expect(activeOfG1.members.map((m) => m.id)).toEqual(['pg-a', 'pg-b'])
    expect((await t.community.listMembers({ tenantId, search: '钱' })).members.map((m) => m.id)).toEqual(['pg-b'])
    expect((await t.community.listMembers({ tenantId, search: '136 0000' })).members.map((m) => m.id)).toEqual(['pg-b'])
    expect(await codeOf(t.community.listMembers({ tenantId, gridPath: 'root/g1' }))).toBe(CommunityErrorCode.VALIDATION)
  })
})
