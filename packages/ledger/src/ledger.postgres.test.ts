import { inject } from 'vitest'
import { ledgerContract } from './testing/contract.js'
import { connectIsolated } from './testing/pg-isolated.js'

ledgerContract('PostgreSQL', async () => {
  let statements = 0
  const database = await connectIsolated(inject('databaseUrl'), { onQuery: () => statements++ })
  return { ...database, statements: () => statements }
})
