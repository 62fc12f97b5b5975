import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BirthDate,
  IdNumber,
  MEMBER_ACTIONS,
  MEMBER_ACTION_TARGET,
  type MemberStatus,
  MemberStatus as MemberStatuses,
  Phone,
  Relation,
  ageBand,
  ageOn,
  inverseRelation,
  memberTransition,
  nextMemberStatus,
  normalizePhone,
  ownName,
  publicName,
  pseudonym,
} from './member.js'

describe('the member state machine', () => {
  it('allows exactly the transitions of the diagram', () => {
    const allowed = new Set([
      'applied approve active',
      'applied reject rejected',
      'applied erase erased',
      'active deactivate inactive',
      'active erase erased',
      'inactive reactivate active',
      'inactive erase erased',
      'rejected erase erased',
    ])
    const seen = new Set<string>()
    for (const s of MemberStatuses.options) {
      for (const a of MEMBER_ACTIONS) {
        const next = nextMemberStatus(s, a)
        if (next === null) expect(() => memberTransition(s, a, 'ana')).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }))
        else seen.add(`${s} ${a} ${next}`)
      }
    }
    expect([...seen].sort()).toEqual([...allowed].sort())
  })

  it('ends every allowed action in its target state', () => {
    for (const s of MemberStatuses.options) {
      for (const a of MEMBER_ACTIONS) {
        const next = nextMemberStatus(s, a)
        if (next !== null) expect(next).toBe(MEMBER_ACTION_TARGET[a])
      }
    }
  })

  it('never leaves erased, and is active exactly when approved and neither deactivated nor erased', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...MEMBER_ACTIONS), { maxLength: 40 }), (actions) => {
        let status: MemberStatus = 'applied'
        let approved = false
        let deactivated = false
        let erased = false
        for (const a of actions) {
          const next = nextMemberStatus(status, a)
          if (next === null) {
            expect(() => memberTransition(status, a)).toThrow()
            continue
          }
          expect(status).not.toBe('erased')
          expect(memberTransition(status, a)).toBe(next)
          if (a === 'approve') approved = true
          if (a === 'deactivate') deactivated = true
          if (a === 'reactivate') deactivated = false
          if (a === 'erase') erased = true
          status = next
        }
        expect(status === 'active').toBe(approved && !deactivated && !erased)
        expect(status === 'erased').toBe(erased)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('pseudonyms', () => {
  it('are V- and 8 base32 characters, stable, and differ between members and between communities', () => {
    const p = pseudonym('key', 'maple', 'ana')
    expect(p).toMatch(/^V-[A-Z2-7]{8}$/)
    expect(pseudonym('key', 'maple', 'ana')).toBe(p)
    expect(pseudonym('key', 'maple', 'bo')).not.toBe(p)
    expect(pseudonym('key', 'oak', 'ana')).not.toBe(p)
  })

  it('cannot be recomputed from the member id without the community secret', () => {
    // A phone number as member id: with another secret (or none) the pseudonym is another one.
    const p = pseudonym('the community secret', 'maple', '13812341234')
    expect(pseudonym('a guess', 'maple', '13812341234')).not.toBe(p)
    expect(pseudonym('', 'maple', '13812341234')).not.toBe(p)
  })

  it('are spread widely: no collision among 20,000 members', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 20_000; i++) seen.add(pseudonym('key', 'maple', `m${i}`))
    expect(seen.size).toBe(20_000)
  })
})

describe('naming a member', () => {
  it('masks the name in public and shows it in full to its owner; the pseudonym stands for an erased or nameless member', () => {
    const ana = { name: '张小明', status: 'active', pseudonym: 'V-ABCDEFGH' }
    expect([publicName(ana), ownName(ana)]).toEqual(['张*明', '张小明'])
    for (const unnamed of [
      { ...ana, status: 'erased' },
      { ...ana, name: null },
      { ...ana, name: '' },
    ]) {
      expect([publicName(unnamed), ownName(unnamed)]).toEqual(['V-ABCDEFGH', 'V-ABCDEFGH'])
    }
  })
})

describe('personal fields', () => {
  it('keeps phones as digits, Chinese mobiles as their 11 digits', () => {
    expect(normalizePhone('138 1234-1234')).toBe('13812341234')
    expect(normalizePhone('+86 138 1234 1234')).toBe('13812341234')
    expect(normalizePhone('0086-13812341234')).toBe('13812341234')
    expect(normalizePhone('010-6512 3456')).toBe('01065123456')
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958')
  })

  it('refuses what is no phone', () => {
    for (const bad of ['12812341234', '10012341234', '12345', '138123412345678901234', 'call me', '+', '138-1234-12x4', '']) {
      expect(normalizePhone(bad), bad).toBeNull()
      expect(Phone.safeParse(bad).success).toBe(false)
    }
  })

  it('keeps ID numbers upper-case without spaces', () => {
    expect(IdNumber.parse(' 1101 0119 9003 07123x ')).toBe('11010119900307123X')
    expect(IdNumber.safeParse('12-34').success).toBe(false)
    expect(IdNumber.safeParse('12345').success).toBe(false)
  })

  it('takes birth dates that are days of the calendar', () => {
    expect(BirthDate.safeParse('1990-02-28').success).toBe(true)
    expect(BirthDate.safeParse('2000-02-29').success).toBe(true)
    for (const bad of ['1990-02-30', '1999-02-29', '1990-13-01', '1990-1-01', '1850-01-01', '19900101']) {
      expect(BirthDate.safeParse(bad).success, bad).toBe(false)
    }
  })

  it('counts an age in full years and bands it', () => {
    expect(ageOn('1960-03-02', '2026-03-01')).toBe(65)
    expect(ageOn('1960-03-02', '2026-03-02')).toBe(66)
    expect(ageBand('2010-01-01', '2026-03-02')).toBe('under-18')
    expect(ageBand('1964-03-03', '2026-03-02')).toBe('60-64')
    expect(ageBand('1961-03-02', '2026-03-02')).toBe('65-69')
    expect(ageBand('1930-01-01', '2026-03-02')).toBe('80+')
  })
})

describe('relations', () => {
  it('are the inverse of their inverse, and child and parent are each other’s', () => {
    for (const r of Relation.options) expect(inverseRelation(inverseRelation(r))).toBe(r)
    expect(inverseRelation('child')).toBe('parent')
    expect(inverseRelation('grandparent')).toBe('grandchild')
    expect(inverseRelation('spouse')).toBe('spouse')
  })
})
