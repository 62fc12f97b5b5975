import { describe, expect, it } from 'vitest'
import { coalesce } from './coalesce.js'

/** A run whose calls finish only when the test says so. */
function controlledRun() {
  const calls: { group: string[]; finish: () => void }[] = []
  const run = (group: string[]) =>
    new Promise<string[]>((resolve) => {
      calls.push({ group, finish: () => resolve(group.map((x) => `done:${x}`)) })
    })
  return { calls, run }
}

const flush = () => new Promise((r) => setImmediate(r))

describe('coalesce', () => {
  it('runs a lone item at once, alone', async () => {
    const { calls, run } = controlledRun()
    const submit = coalesce(run, { limit: 2, maxGroup: 10 })
    const a = submit('a')
    expect(calls.map((c) => c.group)).toEqual([['a']])
    calls[0]?.finish()
    expect(await a).toBe('done:a')
  })

  it('sends what waited while every slot was busy together, in arrival order', async () => {
    const { calls, run } = controlledRun()
    const submit = coalesce(run, { limit: 1, maxGroup: 10 })
    const results = ['a1', 'a2', 'b1', 'a3'].map(submit)
    expect(calls.map((c) => c.group)).toEqual([['a1']])
    calls[0]?.finish()
    await flush()
    expect(calls.map((c) => c.group)).toEqual([['a1'], ['a2', 'b1', 'a3']])
    calls[1]?.finish()
    expect(await Promise.all(results)).toEqual(['done:a1', 'done:a2', 'done:b1', 'done:a3'])
  })

  it('never puts more than maxGroup items in one call, nor more than limit calls in flight', async () => {
    const { calls, run } = controlledRun()
    const submit = coalesce(run, { limit: 2, maxGroup: 3 })
    const results = Array.from({ length: 10 }, (_, i) => submit(`x${i}`))
    expect(calls.length).toBe(2)
    calls[0]?.finish()
    await flush()
    expect(calls.map((c) => c.group.length)).toEqual([1, 1, 3])
    for (let i = 1; i < 10 && calls[i]; i++) {
      calls[i]?.finish()
      await flush()
    }
    expect(calls.map((c) => c.group.length)).toEqual([1, 1, 3, 3, 2])
    expect((await Promise.all(results)).length).toBe(10)
  })

  it('fails every item of a group whose call fails, and goes on with the next', async () => {
    let n = 0
    const submit = coalesce(
      async (group: string[]) => {
        n++
        if (n === 2) throw new Error('storage went away')
        return group
      },
      { limit: 1, maxGroup: 10 },
    )
    const [a, b, c] = [submit('a'), submit('b'), submit('c')]
    expect(await a).toBe('a')
    await expect(b).rejects.toThrow('storage went away')
    await expect(c).rejects.toThrow('storage went away')
    expect(await submit('d')).toBe('d')
  })
})
