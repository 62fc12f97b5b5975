import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memberIdOf } from '../import/fields.js'
import { type CliHarness, startCli } from '../testing/cli-harness.js'

let h: CliHarness
beforeAll(async () => {
  h = await startCli()
})
afterAll(() => h?.close())

const ZHANG = '110105195804120011'
const WANG = '110105196003150022'

// Good rows and bad: a bad phone (line 4), a row keyed by nothing with a quoted comma in the name (line 5),
// a grid that does not exist (line 6, refused by the API), and a row spanning two lines (7-8) that is fine.
const MEMBERS = `姓名,手机,身份证号,出生日期,网格
张伟,138 1234 1234,${ZHANG},1958/4/12,g1
王芳,139-8765-4321,${WANG},1960-03-15,g2
李娜,12345,110105199001010055,1990-01-01,g1
"赵,敏",,,1985-01-01,g1
陈静,136 0000 2222,110105198001010044,1980-01-01,nogrid
"刘
强",137 0000 1111,110105197001010066,1970-01-01,g1
`

const SIGN_INS = `姓名,身份证号,日期,签到时间,签退时间,时长,备注
张伟,${ZHANG},2025/3/1,14:00,15:30,,探访独居老人
王芳,${WANG},2025-03-01,14:00,16:00,1.5,
张伟,${ZHANG},2025/3/1,14:00,15:30,,探访独居老人
李四,110105200001010099,2025-03-01,14:00,15:00,,
王芳,${WANG},2025-03-02,16:00,14:00,,
王芳,${WANG},2025-03-03,09:00,10:00,1.255,
`

const members = async () => (await h.api.request('GET', '/v1/members?view=full&limit=1000', { key: h.admin })).body.members
const records = async () => (await h.api.request('GET', '/v1/hour-records?limit=1000', { key: h.admin })).body.records

describe('timebank import members', () => {
  it('checks every row in a dry run, writes nothing, and reports the rejected ones by line', async () => {
    const before = await members()
    const path = h.file('members.csv', `\uFEFF${MEMBERS}`)
    const report = `${h.dir}/dry-rejected.csv`
    const dry = await h.run(['import', 'members', path, '--dry-run', '--approve', '--report', report])
    expect(dry.status).toBe(1)
    expect(dry.out).toContain('line 4: VALIDATION phone: ')
    expect(dry.out).toContain('line 5: VALIDATION memberId: ')
    expect(dry.out).toContain('line 6: GRID_NOT_FOUND ')
    expect(dry.out).toMatch(
      /members from .* \(utf-8\), 6 rows: dry run, nothing written: 3 would be created, 0 there already, 3 rejected\n$/,
    )
    expect(await members()).toEqual(before)
    const rejected = parse(readFileSync(report, 'utf8'), { bom: true, columns: true }) as Record<string, string>[]
    expect(rejected.map((r) => [r.line, r.code, r.姓名])).toEqual([
      ['4', 'VALIDATION', '李娜'],
      ['5', 'VALIDATION', '赵,敏'],
      ['6', 'GRID_NOT_FOUND', '陈静'],
    ])
  })

  it('imports the good rows, and a second run (in UTF-8 or GBK) changes nothing and says so', async () => {
    const path = h.file('members.csv', `\uFEFF${MEMBERS}`)
    const first = await h.run(['import', 'members', path, '--approve'])
    expect(first.status).toBe(1)
    expect(first.out).toMatch(/6 rows: 3 created, 0 there already \(replayed\), 3 rejected\n$/)
    const zhang = memberIdOf({ idNumber: ZHANG }) as string
    const made = (await h.api.request('GET', `/v1/members/${zhang}`, { key: h.admin })).body
    expect(made).toMatchObject({ name: '张伟', phone: '13812341234', birthDate: '1958-04-12', gridId: 'g1', status: 'active' })
    const after = await members()
    expect(after.map((m: { name: string }) => m.name)).toContain('刘\n强')

    const again = await h.run(['import', 'members', path, '--approve'])
    expect(again.status).toBe(1)
    expect(again.out).toMatch(/6 rows: 0 created, 3 there already \(replayed\), 3 rejected; nothing changed\n$/)
    const gbk = await h.run(['import', 'members', h.file('members-gbk.csv', iconv.encode(MEMBERS, 'gbk')), '--approve'])
    expect(gbk.out).toMatch(/\(gbk\), 6 rows: 0 created, 3 there already/)
    expect(await members()).toEqual(after)
  })

  it('refuses to run on a file it cannot read or a column it does not know (exit 2)', async () => {
    expect(await h.run(['import', 'members', `${h.dir}/missing.csv`])).toMatchObject({
      status: 2,
      err: expect.stringContaining('cannot read'),
    })
    const odd = h.file('odd.csv', '姓名,鞋码\n张伟,42\n')
    expect(await h.run(['import', 'members', odd])).toMatchObject({ status: 2, err: expect.stringContaining('unknown column 鞋码') })
    expect(await h.run(['import', 'members', odd, '--encoding', 'latin1'])).toMatchObject({ status: 2 })
    expect(await h.run(['import', 'pets', odd])).toMatchObject({ status: 2, err: expect.stringContaining('usage: timebank import') })
  })
})

describe('timebank import sign-ins', () => {
  it('enters a GBK sheet as manual records to approve, once, however often it is run', async () => {
    const path = h.file('sign-ins.csv', iconv.encode(SIGN_INS, 'gbk'))
    const before = await records()
    const dry = await h.run(['import', 'sign-ins', path, '--kind', 'elder-visit', '--dry-run'])
    expect(dry.status).toBe(1)
    expect(dry.out).toMatch(
      /\(gbk\), 6 rows: dry run, nothing written: 2 would be created, 0 there already, 1 repeated rows, 3 rejected\n$/,
    )
    expect(await records()).toEqual(before)

    const first = await h.run(['import', 'sign-ins', path, '--kind', 'elder-visit'])
    expect(first.status).toBe(1)
    expect(first.out.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^line 5: MEMBER_NOT_FOUND /),
      'line 6: VALIDATION endedAt: endedAt is before startedAt',
      expect.stringMatching(/^line 7: VALIDATION hours: .*decimal places/),
    ])
    expect(first.out).toMatch(/6 rows: 2 created, 0 there already \(replayed\), 1 repeated rows, 3 rejected\n$/)
    const made = (await records()).filter((r: { id: string }) => !before.some((b: { id: string }) => b.id === r.id))
    expect(made).toHaveLength(2)
    const zhang = made.find((r: { memberId: string }) => r.memberId === memberIdOf({ idNumber: ZHANG }))
    expect(zhang).toMatchObject({
      kind: 'elder-visit',
      status: 'pending',
      manual: true,
      hours: '1.50',
      note: '探访独居老人',
      startedAt: '2025-03-01T06:00:00.000Z',
    })

    const again = await h.run(['import', 'sign-ins', path, '--kind', 'elder-visit', '--json'])
    expect(again.status).toBe(1)
    expect(JSON.parse(again.out)).toMatchObject({ created: 0, replayed: 2, repeated: 1, rejected: [{ line: 5 }, { line: 6 }, { line: 7 }] })
    expect(await records()).toHaveLength(before.length + 2)
  })

  it('refuses the same service with other hours instead of crediting it twice', async () => {
    const changed = SIGN_INS.replace('14:00,16:00,1.5,', '14:00,16:00,2,')
    const res = await h.run(['import', 'sign-ins', h.file('changed.csv', changed), '--kind', 'elder-visit'])
    expect(res.out).toContain('line 3: RECORD_EXISTS ')
    expect(res.out).toMatch(/1 there already \(replayed\)/)
  })
})
