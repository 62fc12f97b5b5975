import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type RecordAction, RecordStatus, nextStatus, soleApproverRefusal, transition } from './record.js'

const ACTIONS: RecordAction[] = ['adjust', 'approve', 'reject', 'complain', 'finish']
/** The states of the diagram no action leaves. */
const FINAL: RecordStatus[] = ['rejected', 'reversed']

describe('the hour record state machine', () => {
  it('allows exactly the transitions of the diagram', () => {
    const allowed = new Set([
      'pending adjust pending',
      'pending approve approving',
      'pending reject rejected',
      'pending complain rejected',
      'approving finish approved',
      'approved complain reversing',
      'reversing finish reversed',
    ])
    const actual = new Set<string>()
    for (const s of RecordStatus.options) {
      for (const a of ACTIONS) {
        const next = nextStatus(s, a)
        if (next !== null) actual.add(`${s} ${a} ${next}`)
        else expect(() => transition(s, a)).toThrow(/cannot be/)
      }
    }
    expect([...actual].sort()).toEqual([...allowed].sort())
  })

  it('leaves a final state never, credits at most once, and ends every pending record approved or rejected exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ACTIONS), { maxLength: 30 }), (actions) => {
        let status: RecordStatus = 'pending'
        let credited = 0
        let decided = 0
        for (const a of actions) {
          const next = nextStatus(status, a)
          if (next === null) {
            expect(() => transition(status, a)).toThrow()
            continue
          }
          if (FINAL.includes(status)) throw new Error(`left final state ${status}`)
          if (next === 'approved') credited++
          if (next === 'approved' || next === 'rejected') decided++
          status = next
        }
        expect(credited).toBeLessThanOrEqual(1)
        expect(decided).toBeLessThanOrEqual(1)
        // Whatever happened, finishing what is claimed and deciding what is pending ends it once.
        if (status === 'pending') expect(nextStatus(status, 'approve') ?? nextStatus(status, 'reject')).not.toBeNull()
      }),
      { numRuns: 500 },
    )
  })
})

describe('who may approve a pending record alone', () => {
  const record = { manual: false, createdBy: 'check-out', adjustedBy: null }
  it('refuses whoever entered it by hand, and whoever last adjusted it; anyone else may', () => {
    expect(soleApproverRefusal(record, 'li')).toBeNull()
    expect(soleApproverRefusal({ ...record, manual: true, createdBy: 'li' }, 'li')).toBe('entered')
    expect(soleApproverRefusal({ ...record, manual: true, createdBy: 'li' }, 'wang')).toBeNull()
    expect(soleApproverRefusal({ ...record, adjustedBy: 'wang' }, 'wang')).toBe('adjusted')
    expect(soleApproverRefusal({ ...record, adjustedBy: 'wang' }, 'li')).toBeNull()
  })
})
