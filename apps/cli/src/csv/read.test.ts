import { describe, expect, it } from 'vitest'
import { readRows } from './read.js'

const aliases = { name: ['姓名'], phone: ['手机'] }

describe('readRows', () => {
  it('keys cells by field through Chinese or English headers, each row with the line it starts on', () => {
    const { rows } = readRows('姓名, Phone \n张伟,138\n\n"刘\n强",\n王芳,139\n,\n', aliases)
    expect(rows.map((r) => [r.line, r.fields])).toEqual([
      [2, { name: '张伟', phone: '138' }],
      [4, { name: '刘\n强' }],
      [6, { name: '王芳', phone: '139' }],
    ])
    expect(rows[0]?.raw).toEqual({ 姓名: '张伟', Phone: '138' })
  })

  it('refuses a header it does not know, naming it', () => {
    expect(() => readRows('姓名,鞋码\n张伟,42\n', aliases)).toThrow(/unknown column 鞋码; known: 姓名\/name, 手机\/phone/)
  })
})
