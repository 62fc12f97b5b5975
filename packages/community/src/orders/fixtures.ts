/**
 * A community with a service, funded residents, a volunteer and a partner
 * organisation, for the order tests (use cases and the model-based property).
 */
import { organisationAccount, poolAccount } from '../domain/ids.js'
import type { OrderActor } from '../domain/order.js'
import { activeMembers } from '../testing/members.js'
import type { TestCommunity } from '../testing/pglite.js'

export const staff: OrderActor = { type: 'staff', id: 'key_staff' }
export const sweep: OrderActor = { type: 'system', id: 'sweep' }
export const member = (id: string): OrderActor => ({ type: 'member', id })
export const org = (id: string): OrderActor => ({ type: 'organisation', id })

/** Residents ana and bo (100 h each), volunteer vic, the school as a partner, the pool with 10 h, service `haircut` of 1.50 h. */
export async function orderFixture(t: TestCommunity): Promise<void> {
  await activeMembers(t, ['ana', 'bo', 'vic'])
  for (const id of ['ana', 'bo']) {
    await t.ledger.earn({
      tenantId: t.tenantId,
      id: `seed-${id}`,
      to: `member:${id}:HOUR`,
      amount: '100',
      evidence: { activity: 'seed', reviewer: 'test' },
    })
  }
  await t.ledger.earn({
    tenantId: t.tenantId,
    id: 'seed-pool',
    to: poolAccount('HOUR'),
    amount: '10',
    evidence: { activity: 'seed', reviewer: 'test' },
  })
  await t.community.createOrganisation({ tenantId: t.tenantId, id: 'school', kind: 'partner', name: '第三小学', actor: 'key_staff' })
  await t.community.createService({ tenantId: t.tenantId, id: 'haircut', name: '上门理发', hours: '1.50', actor: 'key_staff' })
}

/** Posted and pending figures of the accounts orders move hours between. */
export async function balances(t: TestCommunity) {
  const read = async (accountId: string) => {
    const b = await t.ledger.getBalance({ tenantId: t.tenantId, accountId })
    return { posted: b.posted, pendingDebits: b.pendingDebits, pendingCredits: b.pendingCredits }
  }
  return {
    ana: await read('member:ana:HOUR'),
    vic: await read('member:vic:HOUR'),
    school: await read(organisationAccount('school', 'HOUR')),
    pool: await read(poolAccount('HOUR')),
  }
}
