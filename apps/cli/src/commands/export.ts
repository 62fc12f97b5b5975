/**
 * `timebank export <what> --format csv|xlsx --out <file>`: a report as a
 * spreadsheet. CSV is UTF-8 with a BOM and every cell the API's text; XLSX
 * is described in export/xlsx.ts. Without --out the CSV goes to stdout.
 *
 * @example
 * timebank export honour-roll --period 2026-Q1 --by points --format xlsx --out roll.xlsx
 */
import { writeFileSync } from 'node:fs'
import { Stop } from '../api.js'
import { csvText } from '../csv/write.js'
import { REPORTS } from '../export/reports.js'
import { cellText } from '../export/table.js'
import { xlsxBytes } from '../export/xlsx.js'
import type { Command } from './command.js'

export const exportCommand: Command = async ({ client, args, values, io }) => {
  const [what, ...extra] = args
  const report = what === undefined ? undefined : REPORTS[what]
  if (!report || extra.length > 0) throw new Stop(`usage: timebank export ${Object.keys(REPORTS).join('|')} --format csv|xlsx --out <file>`)
  const format = values.format ?? (values.out?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv')
  if (format !== 'csv' && format !== 'xlsx') throw new Stop('--format is csv or xlsx')
  if (format === 'xlsx' && values.out === undefined) throw new Stop('--format xlsx needs --out <file>')
  const table = await report(client, values)
  const bytes =
    format === 'xlsx'
      ? await xlsxBytes(table)
      : csvText(
          table.columns.map((c) => c.label),
          table.rows.map((r) => table.columns.map((c) => cellText(r[c.key]))),
        )
  if (values.out === undefined) {
    io.out.write(bytes as string)
    return 0
  }
  writeFileSync(values.out, bytes)
  io.out.write(`${what}: ${table.rows.length} rows written to ${values.out}\n`)
  return 0
}
