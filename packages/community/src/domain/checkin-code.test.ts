import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkinCode, codeOfStep, newCodeSecret, stepEnd, stepIndex, verifyCheckinCode } from './checkin-code.js'

const secretArb = fc.uint8Array({ minLength: 16, maxLength: 64 }).map((b) => Buffer.from(b).toString('base64url'))
const stepArb = fc.constantFrom(15, 30, 60, 90, 3600)
/** Instants from 2000 to 2100, in milliseconds. */
const msArb = fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 })

describe('the rotating check-in code', () => {
  it('follows RFC 6238 with HMAC-SHA256 (the last six digits of its eight-digit vectors)', () => {
    const secret = Buffer.from('12345678901234567890123456789012').toString('base64url')
    const vectors: [number, string][] = [
      [59, '46119246'],
      [1111111109, '68084774'],
      [1111111111, '67062674'],
      [1234567890, '91819424'],
      [2000000000, '90698825'],
      [20000000000, '77737706'],
    ]
    for (const [seconds, eight] of vectors) expect(checkinCode(secret, new Date(seconds * 1000), 30)).toBe(eight.slice(2))
  })

  it('is six digits and the same all through a step', () => {
    fc.assert(
      fc.property(secretArb, msArb, stepArb, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (secret, ms, step, f) => {
        const at = new Date(ms)
        const code = checkinCode(secret, at, step)
        expect(code).toMatch(/^\d{6}$/)
        const start = stepIndex(at, step) * step * 1000
        const later = new Date(start + Math.floor(f * step * 1000))
        expect(checkinCode(secret, later, step)).toBe(code)
        expect(stepEnd(at, step).getTime()).toBe(start + step * 1000)
      }),
    )
  })

  it('verifies a code during its step and the next one', () => {
    fc.assert(
      fc.property(secretArb, msArb, stepArb, fc.integer({ min: 0, max: 2 * 3600 * 1000 }), (secret, ms, step, delay) => {
        const at = new Date(ms)
        const code = checkinCode(secret, at, step)
        const start = stepIndex(at, step) * step * 1000
        const within = new Date(start + (delay % (2 * step * 1000)))
        expect(verifyCheckinCode(code, secret, within, step)).toBe(true)
      }),
    )
  })

  it('refuses a code two steps or more later, or before its step, unless that step or the one before happens to share it', () => {
    fc.assert(
      fc.property(secretArb, msArb, stepArb, fc.integer({ min: -1000, max: 1000 }), (secret, ms, step, shift) => {
        fc.pre(shift < 0 || shift >= 2)
        const at = new Date(ms)
        const code = checkinCode(secret, at, step)
        const k = stepIndex(at, step) + shift
        const then = new Date(k * step * 1000 + (ms % (step * 1000)))
        // The exact expectation: accepted only by a collision with the code then or the step before (about 2 in a million).
        const collides = codeOfStep(secret, k) === code || codeOfStep(secret, k - 1) === code
        expect(verifyCheckinCode(code, secret, then, step)).toBe(collides)
      }),
    )
  })

  it('refuses any other six digits, and anything that is not six digits', () => {
    fc.assert(
      fc.property(secretArb, msArb, stepArb, fc.integer({ min: 0, max: 999_999 }), (secret, ms, step, n) => {
        const at = new Date(ms)
        const guess = String(n).padStart(6, '0')
        const k = stepIndex(at, step)
        const right = guess === codeOfStep(secret, k) || guess === codeOfStep(secret, k - 1)
        expect(verifyCheckinCode(guess, secret, at, step)).toBe(right)
      }),
    )
    const secret = newCodeSecret()
    const at = new Date('2026-03-02T02:00:00Z')
    const code = checkinCode(secret, at, 60)
    for (const bad of [code.slice(1), `${code}0`, ` ${code}`, `${code.slice(0, 5)}x`, '', '１２３４５６']) {
      expect(verifyCheckinCode(bad, secret, at, 60)).toBe(false)
    }
  })

  it('differs between secrets', () => {
    const at = new Date('2026-03-02T02:00:00Z')
    const codes = new Set(Array.from({ length: 200 }, () => checkinCode(newCodeSecret(), at, 60)))
    // 200 random six-digit codes: a handful of coincidences at most.
    expect(codes.size).toBeGreaterThan(190)
    expect(Buffer.from(newCodeSecret(), 'base64url')).toHaveLength(32)
  })
})
