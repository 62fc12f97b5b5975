import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from './storage/migrate.js'
import { ledgerContract } from './testing/contract.js'

ledgerContract('PGlite', async () => {
  const client = new PGlite()
  // Count statements as sent: each query, and BEGIN + COMMIT for each transaction.
  let statements = 0
  let moveCalls = 0
  const query = client.query.bind(client)
  const transaction = client.transaction.bind(client)
  client.query = ((...args: Parameters<typeof query>) => {
    statements++
    if (String(args[0]).includes('tb_move(')) moveCalls++
    return query(...args)
  }) as typeof client.query
  client.transaction = ((fn: Parameters<typeof transaction>[0]) => {
    statements += 2
    return transaction((tx) => {
      const inner = tx.query.bind(tx)
      tx.query = ((...args: Parameters<typeof inner>) => {
        statements++
        return inner(...args)
      }) as typeof tx.query
      return fn(tx)
    })
  }) as typeof client.transaction
  const db = drizzle(client)
  await migrate(db)
  return { db, close: () => client.close(), statements: () => statements, moveCalls: () => moveCalls }
})
