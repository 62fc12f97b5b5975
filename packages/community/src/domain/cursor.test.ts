import { describe, expect, it } from 'vitest'
import { PageCursor, pageCursor, readCursor } from './cursor.js'

describe('page cursors', () => {
  it('read back what they were made from', () => {
    const at = new Date('2026-03-02T01:00:00.123Z')
    expect(readCursor(pageCursor(at, 'att:a:b'))).toEqual({ at, id: 'att:a:b' })
    expect(PageCursor.safeParse(pageCursor(at, 'x')).success).toBe(true)
  })

  it('refuse what no list wrote, an instant storage cannot hold included', () => {
    for (const c of ['', 'x', '|x', '2026-03-02T01:00:00Z|', '99999|x', '+275760-09-13T00:00:00.000Z|x', 'yesterday|x']) {
      expect(PageCursor.safeParse(c).success, c).toBe(false)
    }
  })
})
