import { describe, expect, it } from 'vitest'
import { byScenario } from './suite.js'

describe('figures in the report', () => {
  it('come grouped by scenario in number order, 10 after 9, phase order kept inside each', () => {
    const f = (scenario: string, id: string) => ({ scenario, id })
    const measured = [
      f('2. ledger single operations', 'a'),
      f('10. vs pgledger (same server)', 'b'),
      f('1. ceiling (hand-written SQL)', 'c'),
      f('9. points supermarket and policy', 'd'),
      f('2. ledger single operations', 'e'),
      f('10. vs pgledger (same server)', 'f'),
    ]
    expect(byScenario(measured).map((x) => x.id)).toEqual(['c', 'a', 'e', 'd', 'b', 'f'])
  })
})
