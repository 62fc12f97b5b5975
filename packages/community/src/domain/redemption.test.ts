import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  FINAL_REDEMPTION_STATUSES,
  type RedemptionAction,
  RedemptionStatus,
  handOverOps,
  holdOps,
  nextRedemptionStatus,
  redemptionRefusal,
  releaseOps,
  statusFromLedger,
} from './redemption.js'

const ACTIONS: RedemptionAction[] = ['hold', 'refuse', 'hand_over', 'cancel', 'expire']

describe('redemption state machine', () => {
  it('leaves no final state and reaches each final state at most once along any path', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ACTIONS), { maxLength: 20 }), (actions) => {
        let status: RedemptionStatus = 'reserving'
        let finals = 0
        for (const a of actions) {
          const next = nextRedemptionStatus(status, a)
          if (FINAL_REDEMPTION_STATUSES.includes(status)) expect(next).toBeNull()
          if (next === null) {
            expect(redemptionRefusal(status, a, 'r')).toMatchObject({ code: 'INVALID_TRANSITION', details: { status, action: a } })
            continue
          }
          status = next
          if (FINAL_REDEMPTION_STATUSES.includes(status)) finals++
        }
        expect(finals).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('resolves a reservation only from reserved', () => {
    for (const a of ['hand_over', 'cancel', 'expire'] as const) {
      expect(RedemptionStatus.options.filter((s) => nextRedemptionStatus(s, a) !== null)).toEqual(['reserved'])
    }
  })
})

describe('ledger steps', () => {
  const terms = { id: 'rd-1', rewardId: 'rice', memberId: 'ana', quantity: 2n, points: 60n }

  it('holds units and points in one batch, with no ledger timeout', () => {
    const ops = holdOps(terms)
    expect(ops.map((o) => [o.id, o.type, 'amount' in o ? o.amount : null])).toEqual([
      ['redeem:rd-1:stock', 'redeem', '2'],
      ['redeem:rd-1:points', 'redeem', '60'],
    ])
    for (const o of ops) {
      expect(o).toMatchObject({ pending: true })
      expect(o).not.toHaveProperty('timeoutSeconds')
    }
  })

  it('names the outcome in the ids of the posts and voids, so the ledger tells which step won', () => {
    expect(handOverOps('rd-1').map((o) => o.id)).toEqual(['redeem:rd-1:stock:handover', 'redeem:rd-1:points:handover'])
    expect(releaseOps('rd-1', 'expire').map((o) => o.id)).toEqual(['redeem:rd-1:stock:expire', 'redeem:rd-1:points:expire'])
    expect(statusFromLedger(null, false)).toBeNull()
    expect(statusFromLedger({ status: 'pending' }, false)).toBe('reserved')
    expect(statusFromLedger({ status: 'posted' }, false)).toBe('handed_over')
    expect(statusFromLedger({ status: 'voided' }, true)).toBe('cancelled')
    expect(statusFromLedger({ status: 'voided' }, false)).toBe('expired')
  })
})
