import { inject } from 'vitest'
import { ledgerContract } from './testing/contract.js'
import { connectIsolated } from './testing/pg-isolated.js'

ledgerContract('PostgreSQL', async () => {
  let statements = 0
  let moveCalls = 0
  const database = await connectIsolated(inject('databaseUrl'), {
    onQuery: (query) => {
      statements++
      if (query.includes('tb_move(')) moveCalls++
    },
  })
  return { ...database, statements: () => statements, moveCalls: () => moveCalls }
})
