/**
 * Import in a test file to fail it on any `console.*` call: tests must not
 * print (zod's suite does the same).
 */
import { afterAll, beforeAll, vi } from 'vitest'

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
const calls: string[] = []

beforeAll(() => {
  for (const m of METHODS) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      calls.push(
        `console.${m}: ${args
          .map((a) => (a instanceof Error ? a.stack : String(a)))
          .join(' ')
          .slice(0, 500)}`,
      )
    })
  }
})

afterAll(() => {
  vi.restoreAllMocks()
  if (calls.length > 0) throw new Error(`unexpected console output:\n${calls.join('\n')}`)
})
