import { describe, expect, it } from 'vitest'
import { ErrorCode, LedgerError, isLedgerError } from './errors.js'

describe('LedgerError', () => {
  it('carries a stable code, message and details', () => {
    const e = new LedgerError(ErrorCode.INSUFFICIENT_FUNDS, 'ana has 0.50 available', { available: '0.50' })
    expect(e.toJSON()).toEqual({ code: 'INSUFFICIENT_FUNDS', message: 'ana has 0.50 available', details: { available: '0.50' } })
    expect(e.name).toBe('LedgerError')
  })

  it('is recognised across package copies by name and code, not by class identity', () => {
    const foreign = Object.assign(new Error('x'), { name: 'LedgerError', code: 'ACCOUNT_NOT_FOUND' })
    expect(isLedgerError(foreign)).toBe(true)
  })

  it('is not fooled by errors with unknown codes or other names', () => {
    expect(isLedgerError(Object.assign(new Error('x'), { name: 'LedgerError', code: 'NOPE' }))).toBe(false)
    expect(isLedgerError(Object.assign(new Error('x'), { code: 'ACCOUNT_NOT_FOUND' }))).toBe(false)
    expect(isLedgerError(null)).toBe(false)
  })
})
