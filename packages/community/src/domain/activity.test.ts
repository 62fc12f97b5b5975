import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BY_CODE,
  MaxHours,
  checkInWindow,
  closingCheckOutAt,
  enteredByHand,
  isOpenAt,
  promotable,
  seatFor,
  signupState,
} from './activity.js'

const STARTS = new Date('2026-03-02T02:00:00Z')
const ENDS = new Date('2026-03-02T04:00:00Z')

describe('the check-in window', () => {
  it('opens the grace before the start and closes the grace after the end, both edges included', () => {
    const w = checkInWindow({ startsAt: STARTS, endsAt: ENDS }, 30)
    expect(w.opensAt.toISOString()).toBe('2026-03-02T01:30:00.000Z')
    expect(w.closesAt.toISOString()).toBe('2026-03-02T04:30:00.000Z')
    expect(isOpenAt(w, w.opensAt)).toBe(true)
    expect(isOpenAt(w, w.closesAt)).toBe(true)
    expect(isOpenAt(w, new Date(w.opensAt.getTime() - 1))).toBe(false)
    expect(isOpenAt(w, new Date(w.closesAt.getTime() + 1))).toBe(false)
  })

  it('with no grace is the activity itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3 * 3600_000, max: 5 * 3600_000 }), (offset) => {
        const at = new Date(STARTS.getTime() + offset)
        const inside = at >= STARTS && at <= ENDS
        expect(isOpenAt(checkInWindow({ startsAt: STARTS, endsAt: ENDS }, 0), at)).toBe(inside)
      }),
    )
  })
})

describe('places and the waitlist', () => {
  it('keeps places and waiting members apart however sign-ups and cancellations interleave', () => {
    // A line of members: each op signs a new one up or cancels one; places are given by seatFor and promotable.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.oneof(
            fc.constant({ op: 'sign' as const }),
            fc.nat({ max: 30 }).map((i) => ({ op: 'cancel' as const, i })),
          ),
          {
            maxLength: 40,
          },
        ),
        (capacity, ops) => {
          const line: { id: number; status: 'signed' | 'waitlisted' }[] = []
          let next = 0
          for (const o of ops) {
            if (o.op === 'sign') {
              const signed = line.filter((s) => s.status === 'signed').length
              line.push({ id: next++, status: seatFor({ signed, capacity }) })
            } else if (line.length > 0) {
              const [gone] = line.splice(o.i % line.length, 1)
              if (gone?.status === 'signed') {
                const signed = line.filter((s) => s.status === 'signed').length
                const waiting = line.filter((s) => s.status === 'waitlisted')
                for (const w of waiting.slice(0, promotable({ signed, capacity, waitlisted: waiting.length }))) w.status = 'signed'
              }
            }
            const signed = line.filter((s) => s.status === 'signed').length
            const waiting = line.filter((s) => s.status === 'waitlisted').length
            expect(signed).toBe(Math.min(capacity, line.length))
            expect(waiting).toBe(line.length - signed)
            // Whoever waits signed up after everyone who holds a place was given one, in order: the earliest go first.
            const firstWaiting = line.findIndex((s) => s.status === 'waitlisted')
            if (firstWaiting >= 0) expect(line.slice(firstWaiting).every((s) => s.status === 'waitlisted')).toBe(true)
          }
        },
      ),
    )
  })

  it('promotes no more than the free places, nor more than are waiting', () => {
    expect(promotable({ signed: 9, capacity: 10, waitlisted: 3 })).toBe(1)
    expect(promotable({ signed: 5, capacity: 10, waitlisted: 3 })).toBe(3)
    expect(promotable({ signed: 10, capacity: 10, waitlisted: 3 })).toBe(0)
    expect(promotable({ signed: 11, capacity: 10, waitlisted: 3 })).toBe(0)
  })
})

describe('maxHours', () => {
  it('takes a positive number of hours with at most two decimals', () => {
    for (const ok of ['2', '0.25', '1.5', '24', '2.00']) expect(MaxHours.safeParse(ok).success).toBe(true)
    for (const bad of ['0', '0.00', '1.234', '-1', '1e2', '', ' 2', '2.']) expect(MaxHours.safeParse(bad).success).toBe(false)
  })
})

describe('attendance entered by hand', () => {
  it('is entered by the staff who checked out by hand, else by the staff who checked in by hand, else by nobody', () => {
    expect(enteredByHand({ checkedInBy: BY_CODE, checkedOutBy: BY_CODE })).toBeNull()
    expect(enteredByHand({ checkedInBy: 'key_li', checkedOutBy: BY_CODE })).toBe('key_li')
    expect(enteredByHand({ checkedInBy: BY_CODE, checkedOutBy: 'key_wang' })).toBe('key_wang')
    expect(enteredByHand({ checkedInBy: 'key_li', checkedOutBy: 'key_wang' })).toBe('key_wang')
  })
})

describe('closing an activity', () => {
  it('checks out whoever is still in at the scheduled end, never before they checked in', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3 * 3600_000, max: 3 * 3600_000 }), (offset) => {
        const checkedInAt = new Date(ENDS.getTime() + offset)
        const at = closingCheckOutAt({ endsAt: ENDS }, checkedInAt)
        expect(at.getTime()).toBe(offset <= 0 ? ENDS.getTime() : checkedInAt.getTime())
        expect(at.getTime()).toBeGreaterThanOrEqual(checkedInAt.getTime())
      }),
    )
  })
})

describe("a sign-up's state", () => {
  it('is the sign-up until the member comes, then checked in, then checked out', () => {
    expect(signupState('signed', null)).toBe('signed')
    expect(signupState('waitlisted', null)).toBe('waitlisted')
    expect(signupState('cancelled', null)).toBe('cancelled')
    expect(signupState('signed', { checkedOutAt: null })).toBe('checkedIn')
    expect(signupState('signed', { checkedOutAt: ENDS })).toBe('checkedOut')
  })
})
