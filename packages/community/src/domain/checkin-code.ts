/**
 * The rotating check-in code an activity's staff show as a QR code: six
 * digits that change every `stepSeconds`, made from the activity's secret the
 * way TOTP does (RFC 6238 with HMAC-SHA256: the step index as an 8-byte
 * counter, HOTP's dynamic truncation). A code is accepted during its own step
 * and the next one, so a phone that scans just before the change still gets in.
 *
 * @example
 * const code = checkinCode(secret, new Date(), 60)     // '492039'
 * verifyCheckinCode(code, secret, new Date(), 60)     // true, now and for one more step
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** Digits of a code. */
export const CODE_DIGITS = 6
const MODULUS = 10 ** CODE_DIGITS
const CODE = /^\d{6}$/

/** A new secret for an activity: 32 random bytes, base64url. */
export const newCodeSecret = (): string => randomBytes(32).toString('base64url')

/** The index of the step `at` falls in: whole steps since the Unix epoch. */
export const stepIndex = (at: Date, stepSeconds: number): number => Math.floor(at.getTime() / 1000 / stepSeconds)

/** When the step `at` falls in ends: from then on its code is the previous one (still accepted for one step). */
export const stepEnd = (at: Date, stepSeconds: number): Date => new Date((stepIndex(at, stepSeconds) + 1) * stepSeconds * 1000)

/** The code of one step: HOTP(secret, step) with HMAC-SHA256, six digits. */
export function codeOfStep(secret: string, step: number): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha256', Buffer.from(secret, 'base64url')).update(counter).digest()
  const offset = (mac[mac.length - 1] as number) & 0x0f
  const bin = mac.readUInt32BE(offset) & 0x7fffffff
  return String(bin % MODULUS).padStart(CODE_DIGITS, '0')
}

/** The code shown at `at`. `secret` is base64url (as an activity keeps it). */
export const checkinCode = (secret: string, at: Date, stepSeconds: number): string => codeOfStep(secret, stepIndex(at, stepSeconds))

const same = (a: string, b: string) => timingSafeEqual(Buffer.from(a), Buffer.from(b))

/** True when `code` is the code of the step of `at` or of the step before it; compared in constant time. */
export function verifyCheckinCode(code: string, secret: string, at: Date, stepSeconds: number): boolean {
  if (!CODE.test(code)) return false
  const step = stepIndex(at, stepSeconds)
  // Both compared, always, so the time taken says nothing about which step matched.
  const current = same(code, codeOfStep(secret, step))
  const previous = same(code, codeOfStep(secret, step - 1))
  return current || previous
}
