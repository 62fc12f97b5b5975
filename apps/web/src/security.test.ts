import { describe, expect, it } from 'vitest'
import { csrfMatches, safeNext } from './security.js'

describe('safeNext', () => {
  it('keeps a path on this site', () => {
    expect(safeNext('/me/wishes?status=open')).toBe('/me/wishes?status=open')
    expect(safeNext('/')).toBe('/')
  })

  it.each([
    '//evil.example/x',
    '/\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'me',
    '/a b',
    '',
    7,
    undefined,
  ])('sends %s home instead', (value) => {
    expect(safeNext(value)).toBe('/')
  })
})

describe('csrfMatches', () => {
  it('matches only the same token', () => {
    expect(csrfMatches('a'.repeat(32), 'a'.repeat(32))).toBe(true)
    expect(csrfMatches('a'.repeat(32), 'b'.repeat(32))).toBe(false)
    expect(csrfMatches('a'.repeat(32), 'a')).toBe(false)
    expect(csrfMatches('a'.repeat(32), undefined)).toBe(false)
  })
})
