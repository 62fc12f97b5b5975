import { describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.js'

describe('password hashes', () => {
  it('verify the password they were made from and refuse any other', async () => {
    const stored = await hashPassword('correct horse battery')
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false)
    expect(await verifyPassword('', stored)).toBe(false)
  })

  it('are scrypt with their parameters and a fresh 16-byte salt each, never the password', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')])
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    expect(a).not.toBe(b)
    expect(a).not.toContain('same password')
    expect(await verifyPassword('same password', b)).toBe(true)
  })

  it('use the parameters stored in the hash: the same salt and hash under another N do not match', async () => {
    const stored = await hashPassword('correct horse battery')
    const parts = stored.split('$')
    expect(await verifyPassword('correct horse battery', ['scrypt', '16384', ...parts.slice(2)].join('$'))).toBe(false)
  })

  it('match a password typed in another Unicode form (NFKC)', async () => {
    const stored = await hashPassword('ｐａｓｓｗｏｒｄ１２３') // full-width
    expect(await verifyPassword('password123', stored)).toBe(true)
  })

  it('refuse, without throwing, a stored value that is not one of ours or asks for too much memory', async () => {
    for (const bad of [
      '',
      'plain',
      'scrypt$1$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      `scrypt$${2 ** 24}$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA`,
    ]) {
      expect(await verifyPassword('anything', bad)).toBe(false)
    }
    await expect(burnPasswordCheck('anything')).resolves.toBeUndefined()
  })
})
