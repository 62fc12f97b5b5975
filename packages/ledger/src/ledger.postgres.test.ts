import { ledgerContract } from './testing/contract.js'
import { testDatabaseUrl } from './testing/database-url.js'
import { connectIsolated } from './testing/pg-isolated.js'

ledgerContract('PostgreSQL', async () => {
  let statements = 0
  let moveCalls = 0
  const database = await connectIsolated(testDatabaseUrl(), {
    onQuery: (query) => {
      statements++
      if (query.includes('tb_move(')) moveCalls++
    },
  })
  return { ...database, statements: () => statements, moveCalls: () => moveCalls }
})
