/**
 * CSV rows keyed by our field names, each with the line it starts on, so a
 * rejected row is reported where staff find it in the sheet. Headers are
 * matched through a table of aliases (Chinese and English, case and spaces
 * ignored); unknown headers are refused, so a typo is not silently dropped.
 *
 * @example
 * const { rows } = readRows(text, { name: ['姓名', 'name'] })
 */
import { parse } from 'csv-parse/sync'

/** Our field name -> the headers that mean it. */
export type Aliases = Record<string, readonly string[]>

export interface Row {
  /** The line of the file the row starts on (the header is line 1). */
  line: number
  /** Non-empty cells by field name, trimmed. */
  fields: Record<string, string>
  /** The cells as in the file, by the file's own headers (for the rejected-rows report). */
  raw: Record<string, string>
}

const fold = (s: string) => s.toLowerCase().replace(/[\s_\-()（）]/g, '')

/** The rows of a CSV text. Throws (a message for the user) when the header names a column we do not know. */
export function readRows(text: string, aliases: Aliases): { headers: string[]; rows: Row[] } {
  const byHeader = new Map<string, string>()
  for (const [field, names] of Object.entries(aliases)) for (const n of [field, ...names]) byHeader.set(fold(n), field)
  const records = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as {
    record: string[]
    info: { lines: number; raw?: string }
  }[]
  const [head, ...body] = records
  if (!head) return { headers: [], rows: [] }
  const headers = head.record.map((h) => h.trim())
  const fields = headers.map((h) => byHeader.get(fold(h)))
  const unknown = headers.filter((h, i) => h !== '' && fields[i] === undefined)
  if (unknown.length > 0) {
    const known = Object.entries(aliases).map(([f, n]) => `${n[0]}/${f}`)
    throw new Error(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${known.join(', ')}`)
  }
  const rows: Row[] = []
  for (const { record, info } of body) {
    // csv-parse counts the line a record ends on; a quoted cell may span lines.
    const spanned = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0)
    const row: Row = { line: info.lines - spanned, fields: {}, raw: {} }
    record.forEach((cell, i) => {
      const field = fields[i]
      const header = headers[i] ?? `column ${i + 1}`
      row.raw[header] = cell
      if (field !== undefined && cell.trim() !== '') row.fields[field] = cell.trim()
    })
    // A line of empty cells (Excel leaves these after the data) is no row.
    if (record.some((c) => c.trim() !== '')) rows.push(row)
  }
  return { headers, rows }
}
