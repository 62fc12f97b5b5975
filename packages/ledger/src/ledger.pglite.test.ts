import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from './storage/migrate.js'
import { ledgerContract } from './testing/contract.js'

ledgerContract('PGlite', async () => {
  const client = new PGlite()
  const db = drizzle(client)
  await migrate(db)
  return { db, close: () => client.close() }
})
