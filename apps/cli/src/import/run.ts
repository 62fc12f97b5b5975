/**
 * One import, whatever it imports: read and decode the file, make every row a
 * request (refusing those that cannot be), then either check them against the
 * API without writing (`--dry-run`) or write them one by one. Every refused
 * row is reported with its line and the API's code and message; rows
 * the API had already (a second run) are counted as replayed.
 *
 * Exit status: 0 every row imported (or would be), 1 some rows rejected, 2 could not run.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { Stop } from '../api.js'
import type { CommandInput } from '../commands/command.js'
import { decodeCsv, encodingNamed } from '../csv/decode.js'
import { type Row, readRows } from '../csv/read.js'
import { csvText } from '../csv/write.js'
import { progress } from '../progress.js'
import type { ImportKind, Refusal } from './kind.js'

interface Rejected extends Refusal {
  line: number
  raw: Record<string, string>
}

export interface ImportSummary {
  file: string
  encoding: string
  dryRun: boolean
  rows: number
  /** Written now (or, in a dry run, that would be). */
  created: number
  /** There already: replayed by the API (or, in a dry run, found). */
  replayed: number
  /** Rows repeating an earlier row of the file word for word: sent once. */
  repeated: number
  rejected: Rejected[]
}

export async function runImport(kind: ImportKind, file: string, { client, values, io }: CommandInput): Promise<number> {
  const summary = await importFile(kind, file, { client, values, io } as CommandInput)
  if (values.report !== undefined) {
    const headers = [...new Set(summary.rejected.flatMap((r) => Object.keys(r.raw)))]
    const rows = summary.rejected.map((r) => [String(r.line), r.code, r.message, ...headers.map((h) => r.raw[h] ?? '')])
    writeFileSync(values.report, csvText(['line', 'code', 'message', ...headers], rows))
  }
  if (values.json) io.out.write(`${JSON.stringify(summary, null, 2)}\n`)
  else io.out.write(describe(kind, summary))
  return summary.rejected.length > 0 ? 1 : 0
}

function describe(kind: ImportKind, s: ImportSummary): string {
  const lines = s.rejected.map((r) => `line ${r.line}: ${r.code} ${r.message}\n`)
  const counts = s.dryRun
    ? `dry run, nothing written: ${s.created} would be created, ${s.replayed} there already`
    : `${s.created} created, ${s.replayed} there already (replayed)`
  const repeated = s.repeated > 0 ? `, ${s.repeated} repeated rows` : ''
  const none = !s.dryRun && s.created === 0 ? '; nothing changed' : ''
  return `${lines.join('')}${kind.noun} from ${s.file} (${s.encoding}), ${s.rows} rows: ${counts}${repeated}, ${s.rejected.length} rejected${none}\n`
}

async function importFile(kind: ImportKind, file: string, { client, values, io }: CommandInput): Promise<ImportSummary> {
  const forced = values.encoding === undefined ? undefined : encodingNamed(values.encoding)
  if (values.encoding !== undefined && forced === undefined) throw new Stop(`--encoding ${values.encoding}: use utf-8 or gbk`)
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (e) {
    throw new Stop(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`)
  }
  const { text, encoding } = decodeCsv(bytes, forced)
  let rows: Row[]
  try {
    rows = readRows(text, kind.aliases).rows
  } catch (e) {
    throw new Stop(`${file}: ${e instanceof Error ? e.message : String(e)}`)
  }
  const summary: ImportSummary = {
    file,
    encoding,
    dryRun: values['dry-run'] === true,
    rows: rows.length,
    created: 0,
    replayed: 0,
    repeated: 0,
    rejected: [],
  }
  const reject = (row: Row, r: Refusal) => summary.rejected.push({ line: row.line, code: r.code, message: r.message, raw: row.raw })

  // Every row made a request first, so a dry run and a real run refuse the same rows for the same reasons.
  const seen = new Map<string, { line: number; body: string }>()
  const todo: { row: Row; id: string; body: Record<string, unknown> }[] = []
  for (const row of rows) {
    const built = kind.build(row.fields, values)
    if ('refusal' in built) {
      reject(row, built.refusal)
      continue
    }
    const same = seen.get(built.id)
    const body = JSON.stringify(built.body)
    if (same === undefined) {
      seen.set(built.id, { line: row.line, body })
      todo.push({ row, ...built })
    } else if (same.body === body) summary.repeated++
    else
      reject(row, {
        code: 'DUPLICATE_ROW',
        message: `the same ${kind.noun === 'members' ? 'member' : 'service'} as line ${same.line}, with other content`,
      })
  }

  const bar = progress(io.err, todo.length, summary.dryRun ? 'checking' : 'importing')
  try {
    for (const { row, id, body } of todo) {
      if (summary.dryRun) {
        const found = await kind.check(client, id, body)
        if (found === 'new') summary.created++
        else if (found === 'exists') summary.replayed++
        else reject(row, found)
      } else {
        const sent = await kind.send(client, body)
        if (!sent.ok) reject(row, sent)
        else if (sent.replayed) summary.replayed++
        else summary.created++
      }
      bar.tick()
    }
  } finally {
    bar.stop()
  }
  summary.rejected.sort((a, b) => a.line - b.line)
  return summary
}
