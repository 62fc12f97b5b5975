/**
 * The terminal report: one table of every figure (median, min, max, ratio to
 * its baseline, per-unit statements and CPU, peak RSS), then each target with
 * its value and PASS / MISS.
 *
 * @example
 * console.log(renderTable(figures, info))
 */
import type { Figure } from '../figures.js'
import { fmt, ratio } from './format.js'

interface Column {
  title: string
  right?: boolean
  cell(f: Figure): string
}

const COLUMNS: Column[] = [
  { title: 'figure', cell: (f) => f.id },
  { title: 'callers', right: true, cell: (f) => String(f.callers) },
  { title: 'median', right: true, cell: (f) => fmt(f.median) },
  { title: 'min', right: true, cell: (f) => fmt(f.min) },
  { title: 'max', right: true, cell: (f) => fmt(f.max) },
  { title: 'unit', cell: (f) => f.unit },
  { title: 'vs baseline', cell: (f) => f.baseline ?? '(baseline)' },
  { title: 'ratio', right: true, cell: (f) => ratio(f.ratio) },
  { title: 'stmts/unit', right: true, cell: (f) => fmt(f.statementsPerUnit) },
  { title: 'writes/unit', right: true, cell: (f) => fmt(f.writesPerUnit) },
  { title: 'node µs/unit', right: true, cell: (f) => fmt(f.nodeCpuUsPerUnit) },
  { title: 'pg µs/unit', right: true, cell: (f) => fmt(f.pgCpuUsPerUnit) },
  { title: 'peak RSS MiB', right: true, cell: (f) => fmt(f.peakRssMiB) },
  { title: 'errors', right: true, cell: (f) => String(f.errors) },
]

export function renderTable(figures: Figure[]): string {
  const rows = figures.map((f) => COLUMNS.map((c) => c.cell(f)))
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] as string).length)))
  const line = (cells: string[]) =>
    cells.map((s, i) => (COLUMNS[i]?.right ? s.padStart(widths[i] as number) : s.padEnd(widths[i] as number))).join('  ')
  const out: string[] = [line(COLUMNS.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  ')]
  let scenario = ''
  figures.forEach((f, i) => {
    if (f.scenario !== scenario) {
      scenario = f.scenario
      out.push(`[${scenario}]`)
    }
    out.push(line(rows[i] as string[]))
    if (f.note) out.push(`    note: ${f.note}`)
    if (f.firstError) out.push(`    first error: ${f.firstError}`)
  })
  return out.join('\n')
}

export function renderTargets(figures: Figure[]): string {
  const out: string[] = []
  for (const f of figures) {
    for (const t of f.targets) {
      const verdict = t.ok === null ? (t.value === null ? 'n/a' : 'info') : t.ok ? 'PASS' : t.aim ? 'below aim' : 'MISS'
      const value = t.value === null ? '-' : t.absolute ? fmt(t.value) : `${t.value.toFixed(3)}x`
      out.push(`${verdict.padEnd(9)} ${f.id.padEnd(26)} ${value.padStart(8)}  ${t.text}`)
    }
  }
  return out.join('\n')
}
