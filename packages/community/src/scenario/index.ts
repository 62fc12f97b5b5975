/**
 * The scenario years, for whoever needs a community at the issues' size
 * (the benchmarks' page timings): `runYear` (issue #8: grids, ~480 members,
 * 130 activities, approvals, rolls, certificates) and `runExchange` (issue #9:
 * wishes, orders, the supermarket, gifts, policies, expiry). Source-only: not
 * part of the published package.
 *
 * @example
 * const year = await runYear(t, { members: 480, activities: 130 })
 */
export { type Year, type YearSize, runYear, checkAgainstLedger } from './year.js'
export { type Exchange, runExchange, checkExchange } from './exchange.js'
export { communityOn, testClock, type TestCommunity } from '../testing/pglite.js'
