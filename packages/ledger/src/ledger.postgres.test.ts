import { inject } from 'vitest'
import { ledgerContract } from './testing/contract.js'
import { connectIsolated } from './testing/pg-isolated.js'

ledgerContract('PostgreSQL', () => connectIsolated(inject('databaseUrl')))
