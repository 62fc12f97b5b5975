import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memberIdOf } from '../import/fields.js'
import { type CliHarness, startCli } from '../testing/cli-harness.js'

let h: CliHarness
let period: string
const zhang = memberIdOf({ idNumber: '110105195804120011' }) as string

beforeAll(async () => {
  h = await startCli()
  const people = h.file('m.csv', '姓名,身份证号,网格\n张伟,110105195804120011,g1\n王芳,110105196003150022,g2\n')
  expect((await h.run(['import', 'members', people, '--approve'])).status).toBe(0)
  const sheet = h.file(
    's.csv',
    'idNumber,date,start,end,hours\n110105195804120011,2025-03-01,14:00,15:30,\n110105196003150022,2025-03-01,14:00,16:00,2.25\n',
  )
  expect((await h.run(['import', 'sign-ins', sheet, '--kind', 'clean-up'])).status).toBe(0)
  const pending = (await h.api.request('GET', '/v1/hour-records?status=pending', { key: h.admin })).body.records
  // Entered by the staff key: the admin is the second pair of eyes a manual record needs.
  const approved = await h.api.request('POST', '/v1/hour-records/approvals', {
    key: h.admin,
    json: { recordIds: pending.map((r: { id: string }) => r.id) },
  })
  expect(approved.body.results.every((r: { ok: boolean }) => r.ok)).toBe(true)
  period = approved.body.results[0].record.postedPeriod
  await h.api.request('POST', '/v1/rewards', { key: h.admin, json: { id: 'rice', name: '东北大米 5kg', price: '120' } })
  await h.api.request('POST', '/v1/rewards/rice/restocks', { key: h.admin, json: { id: 'd1', quantity: '5', reason: '捐赠' } })
})
afterAll(() => h?.close())

/** The first worksheet of an XLSX file: its header labels, and its rows as cell values. */
async function sheetOf(path: string) {
  const book = new ExcelJS.Workbook()
  await book.xlsx.readFile(path)
  const sheet = book.worksheets[0] as ExcelJS.Worksheet
  const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1)
  const rows = []
  for (let n = 2; n <= sheet.rowCount; n++) rows.push(values(n))
  return { sheet, headers: values(1), rows }
}

/** A CSV file Excel reads as UTF-8: its BOM, then rows by header. */
function csvOf(path: string) {
  const bytes = readFileSync(path)
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  return parse(bytes.toString('utf8'), { bom: true, columns: true }) as Record<string, string>[]
}

describe('timebank export', () => {
  it('writes the honour roll as XLSX: bold headers, the figures exactly the API’s, as numbers', async () => {
    const out = `${h.dir}/roll.xlsx`
    const res = await h.run(['export', 'honour-roll', '--period', period, '--by', 'hours', '--format', 'xlsx', '--out', out])
    expect(res).toMatchObject({ status: 0, out: `honour-roll: 2 rows written to ${out}\n` })
    const api = (await h.api.request('GET', `/v1/honour-roll?period=${period}&by=hours`, { key: h.staff })).body.entries
    const { sheet, headers, rows } = await sheetOf(out)
    expect(headers).toEqual(['名次 rank', '编号 memberId', '姓名 name', '网格 gridId', '时长 hours', '积分 points', '记录数 records'])
    expect(sheet.getRow(1).font?.bold).toBe(true)
    expect(rows).toHaveLength(api.length)
    for (const [i, e] of api.entries()) {
      const [rank, memberId, name, gridId, hours, points, records] = rows[i] as [number, string, string, string, number, number, number]
      expect({ rank, memberId, name, gridId, records }).toEqual({
        rank: e.rank,
        memberId: e.memberId,
        name: e.name,
        gridId: e.gridId,
        records: e.records,
      })
      const hoursCell = sheet.getRow(i + 2).getCell(5)
      expect(hours.toFixed(hoursCell.numFmt === '0' ? 0 : hoursCell.numFmt.length - 2)).toBe(e.hours)
      expect(typeof points).toBe('number')
    }
    expect(api[0]).toMatchObject({ hours: '2.25' })
  })

  it("writes a member's statement as CSV with a BOM: opening, every entry, closing", async () => {
    const out = `${h.dir}/statement.csv`
    expect((await h.run(['export', 'statement', '--member', zhang, '--period', period, '--out', out])).status).toBe(0)
    const api = (await h.api.request('GET', `/v1/members/${zhang}/statement?period=${period}`, { key: h.staff })).body
    const rows = csvOf(out)
    expect(rows.map((r) => r['类型 type'])).toEqual(['opening', ...api.entries.map((e: { type: string }) => e.type), 'closing'])
    expect(rows.map((r) => r['金额 amount'])).toEqual(['', ...api.entries.map((e: { amount: string }) => e.amount), ''])
    expect([rows[0]?.['余额 balance'], rows.at(-1)?.['余额 balance']]).toEqual([api.opening, api.closing])
    expect(api.closing).toBe('1.50')
  })

  it('writes the grid roll-ups, the reward stock and the disclosure list as the API reports them', async () => {
    const rollups = `${h.dir}/rollups.csv`
    expect((await h.run(['export', 'rollups', '--period', period, '--out', rollups])).status).toBe(0)
    const grids = (await h.api.request('GET', `/v1/rollups?period=${period}`, { key: h.staff })).body.grids
    expect(csvOf(rollups).map((r) => [r['网格 gridId'], r['时长 hours'], r['积分 points'], r['活跃志愿者 activeVolunteers']])).toEqual(
      grids.map((g: Record<string, unknown>) => [g.gridId, g.hours, g.points, String(g.activeVolunteers)]),
    )

    const stock = `${h.dir}/stock.xlsx`
    expect((await h.run(['export', 'reward-stock', '--out', stock])).status).toBe(0)
    const report = (await h.api.request('GET', '/v1/reward-stock', { key: h.staff })).body.rewards
    const { rows } = await sheetOf(stock)
    expect(rows.map((r) => [r[0], r[1], String(r[3]), r[10]])).toEqual(
      report.map((r: Record<string, unknown>) => [r.rewardId, r.name, r.onShelf, String(r.matches)]),
    )

    const listed = await h.run(['export', 'disclosure'])
    expect(listed.status).toBe(0)
    const disclosed = (await h.api.request('GET', `/v1/public/${h.tenantId}/disclosure`)).body.records
    expect(disclosed.length).toBeGreaterThan(0)
    const listedRows = parse(listed.out, { bom: true, columns: true }) as Record<string, string>[]
    expect(listedRows.map((r) => [r['姓名 name'], r['时长 hours']])).toEqual(
      disclosed.map((r: Record<string, string>) => [r.name, r.hours]),
    )
  })

  it('refuses a report it does not know or one missing what it needs (exit 2)', async () => {
    expect(await h.run(['export', 'gossip'])).toMatchObject({ status: 2, err: expect.stringContaining('usage: timebank export') })
    expect(await h.run(['export', 'statement', '--period', period])).toMatchObject({ status: 2, err: 'export statement needs --member\n' })
    expect(await h.run(['export', 'honour-roll', '--period', period, '--format', 'xlsx'])).toMatchObject({ status: 2 })
    expect(await h.run(['export', 'honour-roll', '--period', 'last-year'])).toMatchObject({
      status: 2,
      err: expect.stringMatching(/^the API answered 400 /),
    })
  })
})
