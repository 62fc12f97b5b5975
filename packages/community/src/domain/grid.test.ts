import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GridPath, childPath, depthOf, isWithin, rebase } from './grid.js'

const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,6}$/)
const pathOf = (ids: string[]) => ids.reduce<string | null>((p, i) => childPath(p, i), null) as string

describe('grid paths', () => {
  it('are the ids from the root down, each followed by /', () => {
    expect(childPath(null, 'root')).toBe('root/')
    expect(childPath('root/g1/', 'b7')).toBe('root/g1/b7/')
    expect(depthOf('root/')).toBe(0)
    expect(depthOf('root/g1/b7/')).toBe(2)
    expect(GridPath.safeParse('root/g1/').success).toBe(true)
    expect(GridPath.safeParse('root/g1').success).toBe(false)
    expect(GridPath.safeParse('').success).toBe(false)
  })

  it('put a grid within a scope exactly when the scope is one of its ancestors or itself', () => {
    fc.assert(
      fc.property(fc.array(id, { minLength: 1, maxLength: 6 }), fc.array(id, { minLength: 1, maxLength: 6 }), (a, b) => {
        const ancestorOrSelf = b.length <= a.length && b.every((x, i) => x === a[i])
        expect(isWithin(pathOf(a), pathOf(b))).toBe(ancestorOrSelf)
      }),
      { numRuns: 1000 },
    )
  })

  it('never put a grid within a malformed scope', () => {
    expect(isWithin('root/g1/', '')).toBe(false)
    expect(isWithin('root/g1/', '/')).toBe(false)
    expect(isWithin('root/g10/', 'root/g1')).toBe(false)
    expect(isWithin('root/g10/', 'root/g1/')).toBe(false)
  })

  it('keep a subtree within its root when it moves', () => {
    fc.assert(
      fc.property(
        fc.array(id, { minLength: 1, maxLength: 4 }),
        fc.array(id, { maxLength: 4 }),
        fc.array(id, { minLength: 1, maxLength: 4 }),
        (root, below, to) => {
          const oldRoot = pathOf(root)
          const newRoot = pathOf([...to, root[root.length - 1] as string])
          const moved = rebase(pathOf([...root, ...below]), oldRoot, newRoot)
          expect(isWithin(moved, newRoot)).toBe(true)
          expect(depthOf(moved) - depthOf(newRoot)).toBe(below.length)
        },
      ),
    )
  })
})
