/**
 * The year of exchange of exchange.ts on a PostgreSQL server: the same
 * community, the same checks against the ledger.
 */
import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.js'
import { communityOn } from '../testing/pglite.js'
import { type Exchange, checkExchange, runExchange } from './exchange.js'

let database: IsolatedDatabase
let t: Awaited<ReturnType<typeof communityOn>>
let x: Exchange

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_exchange' })
  await migrate(database.db)
  t = await communityOn(database.db)
  x = await runExchange(t)
}, 300_000)
afterAll(() => database?.close())

describe('a year of exchange in one community (PostgreSQL)', () => {
  it('ends with every hold posted or voided, the stock reconciled and the ledger balanced', async () => {
    expect(await checkExchange(t, x)).toEqual([])
  }, 120_000)
})
