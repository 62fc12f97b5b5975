/**
 * A table as an XLSX workbook (exceljs): bold header row, frozen; columns
 * as wide as their longest cell; whole numbers as numbers.
 *
 * Amounts (hours, points, stock) are numeric cells when that is exact: the
 * API's decimal text (e.g. "12.50") is written as a number only if the
 * double read back and printed with the same decimals gives the same text,
 * with a number format of that many decimals, so Excel shows "12.50" and
 * can sum the column. Otherwise (more digits than a double holds) the cell
 * is the text itself: an amount is never rounded on its way to a sheet.
 *
 * @example
 * const bytes = await xlsxBytes(table)
 */
import ExcelJS from 'exceljs'
import { type Column, type Table, cellText } from './table.js'

/** The numeric cell for an amount's text and its number format, or undefined when a double would not keep it exactly. */
export function exactNumber(text: string): { value: number; numFmt: string } | undefined {
  const m = /^-?\d+(?:\.(\d+))?$/.exec(text)
  if (!m) return undefined
  const scale = m[1]?.length ?? 0
  const value = Number(text)
  if (!Number.isFinite(value) || value.toFixed(scale) !== text) return undefined
  return { value, numFmt: scale === 0 ? '0' : `0.${'0'.repeat(scale)}` }
}

function setCell(cell: ExcelJS.Cell, column: Column, v: string | number | boolean | null | undefined) {
  const text = cellText(v)
  const exact = column.kind !== 'text' && text !== '' ? exactNumber(text) : undefined
  if (exact) {
    cell.value = exact.value
    cell.numFmt = exact.numFmt
  } else cell.value = text
}

/** Display width of a text: CJK characters take two columns. */
const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uFFFF]/.test(ch) ? 2 : 1), 0)

export async function xlsxBytes(table: Table): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook()
  book.creator = 'timebank'
  // Sheet names are at most 31 characters and take none of : \ / ? * [ ].
  const sheet = book.addWorksheet(table.name.replace(/[:\\/?*[\]]/g, '-').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = table.columns.map((c) => ({
    header: c.label,
    key: c.key,
    width: Math.min(60, Math.max(width(c.label), ...table.rows.map((r) => width(cellText(r[c.key])))) + 2),
  }))
  sheet.getRow(1).font = { bold: true }
  for (const r of table.rows) {
    const row = sheet.addRow([])
    for (const [i, c] of table.columns.entries()) setCell(row.getCell(i + 1), c, r[c.key])
  }
  return new Uint8Array(await book.xlsx.writeBuffer())
}
