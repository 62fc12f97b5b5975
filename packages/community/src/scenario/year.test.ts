/**
 * A year in one community on PGlite: ~500 members, 130 activities, every
 * figure of rolls, roll-ups, statements and certificates checked against the
 * ledger (see year.ts). The same year runs on PostgreSQL in year.postgres.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { type Year, checkAgainstLedger, runYear } from './year.js'

const SIZE = { members: Number(process.env.YEAR_MEMBERS ?? 480), activities: Number(process.env.YEAR_ACTIVITIES ?? 130) }
let t: TestCommunity
let year: Year

beforeAll(async () => {
  t = await pgliteCommunity()
  year = await runYear(t, SIZE)
}, 600_000)
afterAll(() => t?.close())

describe('a year in one community (PGlite)', () => {
  it('ends with the ledger balanced and every figure shown equal to what the ledger says', async () => {
    expect(year.active.length).toBeGreaterThan(SIZE.members * 0.9)
    expect(year.certificates.length).toBeGreaterThan(0)
    expect(await checkAgainstLedger(t, year)).toEqual([])
  }, 300_000)
})
