/**
 * A small tenant with history for the journal's tests: ana and ben with HOUR
 * accounts, an earn and two transfers (six entries on their accounts). Each
 * test adds what it needs on top.
 *
 * @example
 * const tenantId = await smallBooks(ledger, `books-${++n}`)
 */
import type { Ledger } from '../index.js'

export const EVIDENCE = { activity: 'visit', reviewer: 'staff:li' }

export async function smallBooks(ledger: Ledger, tenantId: string): Promise<string> {
  await ledger.createTenant({ id: tenantId, name: `Books ${tenantId}` })
  for (const a of ['ana', 'ben']) await ledger.openAccount({ tenantId, id: a, asset: 'HOUR', owner: { type: 'member', id: a } })
  await ledger.earn({ tenantId, id: 'e1', to: 'ana', amount: '10', evidence: EVIDENCE })
  await ledger.transfer({ tenantId, id: 't1', from: 'ana', to: 'ben', amount: '1' })
  await ledger.transfer({ tenantId, id: 't2', from: 'ben', to: 'ana', amount: '0.5' })
  return tenantId
}
