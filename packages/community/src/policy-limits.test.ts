/**
 * A policy's storage cap reaches the ledger as the ceiling of every member's accounts: lowered, balances above it
 * stay and only further credits are refused, on every path (a gift, a plain transfer); a member approved later
 * gets the cap in force; the change is in the account's audited limit history, and as-of reads know it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { activeMembers, posted } from './testing/members.js'
import { type TestCommunity, pgliteCommunity } from './testing/pglite.js'

let t: TestCommunity
beforeAll(async () => {
  t = await pgliteCommunity()
})
afterAll(() => t.close())

const earn = (memberId: string, amount: string, id: string) =>
  t.ledger.earn({ tenantId: t.tenantId, id, to: `member:${memberId}:HOUR`, amount, evidence: { activity: 'seed', reviewer: 't' } })

it('lowers the cap on existing accounts: above it stays, further credits are refused by the ledger on every path', async () => {
  await activeMembers(t, ['ana', 'bo'])
  await earn('ana', '12', 'seed-ana')
  await earn('bo', '3', 'seed-bo')
  const before = t.clock.now
  t.clock.advance(60_000)
  const v = await t.community.changePolicy({ tenantId: t.tenantId, policy: { storageCap: { HOUR: { limit: '10' } } }, actor: 'key_admin' })
  const ana = await t.ledger.getAccount({ tenantId: t.tenantId, accountId: 'member:ana:HOUR' })
  expect(ana.ceiling).toBe('10.00')
  expect(await posted(t, 'ana', 'HOUR')).toBe('12.00')
  // Even a plain ledger transfer (no community check) is refused by the ceiling; spending above the cap still works.
  await expect(
    t.ledger.transfer({ tenantId: t.tenantId, id: 'to-ana', from: 'member:bo:HOUR', to: 'member:ana:HOUR', amount: '1' }),
  ).rejects.toMatchObject({ code: 'CEILING_EXCEEDED' })
  await t.ledger.transfer({ tenantId: t.tenantId, id: 'from-ana', from: 'member:ana:HOUR', to: 'member:bo:HOUR', amount: '1' })
  expect(await posted(t, 'ana', 'HOUR')).toBe('11.00')
  const history = await t.ledger.listLimitChanges({ tenantId: t.tenantId, accountId: 'member:ana:HOUR' })
  expect(history[0]).toMatchObject({ id: `policy:v${v.version}:member:ana:HOUR`, actor: `policy v${v.version}` })
  expect((await t.ledger.getAccount({ tenantId: t.tenantId, accountId: 'member:ana:HOUR', at: before })).ceiling).toBeNull()

  // Changing something else leaves the limits alone; a member approved now gets the cap in force.
  await t.community.changePolicy({
    tenantId: t.tenantId,
    policy: { storageCap: { HOUR: { limit: '10' } }, donations: false },
    actor: 'key_admin',
  })
  expect(await t.ledger.listLimitChanges({ tenantId: t.tenantId, accountId: 'member:ana:HOUR' })).toHaveLength(1)
  await t.community.registerMember({ tenantId: t.tenantId, id: 'cy', name: '陈一', approve: true, actor: 'staff' })
  expect((await t.ledger.getAccount({ tenantId: t.tenantId, accountId: 'member:cy:HOUR' })).ceiling).toBe('10.00')

  // Lifted, the ceiling goes.
  await t.community.changePolicy({ tenantId: t.tenantId, policy: {}, actor: 'key_admin' })
  expect((await t.ledger.getAccount({ tenantId: t.tenantId, accountId: 'member:ana:HOUR' })).ceiling).toBeNull()
  await t.ledger.transfer({ tenantId: t.tenantId, id: 'to-ana-2', from: 'member:bo:HOUR', to: 'member:ana:HOUR', amount: '1' })
})

it('finishes a walk an outage cut short when the same policy is sent again', async () => {
  await activeMembers(t, ['di', 'ed'])
  await t.community.changePolicy({ tenantId: t.tenantId, policy: { storageCap: { POINT: { limit: '50' } } }, actor: 'key_admin' })
  // As if the walk stopped before ed: his account still has no ceiling.
  await t.ledger.changeLimits({ tenantId: t.tenantId, accountId: 'member:ed:POINT', id: 'undo-ed', ceiling: null })
  const ceiling = async (id: string) => (await t.ledger.getAccount({ tenantId: t.tenantId, accountId: `member:${id}:POINT` })).ceiling
  expect([await ceiling('di'), await ceiling('ed')]).toEqual(['50', null])
  await t.community.changePolicy({ tenantId: t.tenantId, policy: { storageCap: { POINT: { limit: '50' } } }, actor: 'key_admin' })
  expect([await ceiling('di'), await ceiling('ed')]).toEqual(['50', '50'])
  // di's account was already under the cap: nothing restated in its history.
  expect(await t.ledger.listLimitChanges({ tenantId: t.tenantId, accountId: 'member:di:POINT' })).toHaveLength(1)
})
