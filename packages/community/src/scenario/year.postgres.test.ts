/**
 * The year of year.ts on a PostgreSQL server: the same community, the same
 * checks against the ledger.
 */
import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.js'
import { communityOn } from '../testing/pglite.js'
import { type Year, checkAgainstLedger, runYear } from './year.js'

const SIZE = { members: Number(process.env.YEAR_MEMBERS ?? 480), activities: Number(process.env.YEAR_ACTIVITIES ?? 130) }
let database: IsolatedDatabase
let t: Awaited<ReturnType<typeof communityOn>>
let year: Year

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_year' })
  await migrate(database.db)
  t = await communityOn(database.db)
  year = await runYear(t, SIZE)
}, 600_000)
afterAll(() => database?.close())

describe('a year in one community (PostgreSQL)', () => {
  it('ends with the ledger balanced and every figure shown equal to what the ledger says', async () => {
    expect(await checkAgainstLedger(t, year)).toEqual([])
  }, 300_000)
})
