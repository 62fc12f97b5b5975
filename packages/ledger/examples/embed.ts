import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { createLedger, migrate, isLedgerError } from '@timebank/ledger'

const db = drizzle(new PGlite()) // in memory; new PGlite('./data/ledger') keeps it on disk
await migrate(db) // idempotent
const ledger = createLedger({ db })

await ledger.createTenant({ id: 'maple', name: 'Maple Street Community' }) // HOUR (2 dp) and POINT (whole)
const open = (id: string) => ledger.openAccount({ tenantId: 'maple', id, asset: 'HOUR', owner: { type: 'member', id } })
await open('ana')
await open('grandma-li')

// Staff credit verified hours; the id makes retries safe.
await ledger.earn({
  tenantId: 'maple',
  id: 'visit-2026-11-22-ana',
  to: 'ana',
  amount: '1.5',
  evidence: { activity: 'elder visit', reviewer: 'staff:wang' },
})
// Ana gifts an hour to a relative.
await ledger.transfer({ tenantId: 'maple', id: 'gift-1', from: 'ana', to: 'grandma-li', amount: '1' })

try {
  await ledger.transfer({ tenantId: 'maple', id: 'gift-2', from: 'ana', to: 'grandma-li', amount: '5' })
} catch (e) {
  if (isLedgerError(e)) console.log(e.code, e.message) // INSUFFICIENT_FUNDS ana has 0.50 available
}
console.log(await ledger.getBalance({ tenantId: 'maple', accountId: 'ana' })) // { posted: '0.50', available: '0.50', ... }
