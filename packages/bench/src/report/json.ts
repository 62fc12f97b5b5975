/**
 * The JSON report: run metadata (server, settings, machine, mode) and every
 * figure, as printed.
 *
 * @example
 * await writeJson('bench/results/latest.json', report)
 */
import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { dirname } from 'node:path'
import { repoRoot } from '../config.js'
import type { ServerInfo } from '../env/server.js'
import type { Figure } from '../figures.js'

export interface Report {
  startedAt: string
  finishedAt: string
  durationSeconds: number
  mode: 'quick' | 'full'
  settings: Record<string, unknown>
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string }
  /** Null when only PGlite ran. */
  server: ServerInfo | null
  /** The code measured: HEAD and whether the ledger or API had uncommitted changes. */
  code: { commit: string; dirty: string[] }
  figures: Figure[]
  summary: { pass: number; miss: number; belowAim: number; notRun: string[] }
}

export function machine(): Report['machine'] {
  const list = cpus()
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? '?',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  }
}

/** HEAD of the repo and the uncommitted paths under packages/ledger and apps/api. */
export function codeVersion(): Report['code'] {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd()
    } catch {
      return ''
    }
  }
  const dirty = git(['status', '--porcelain', '--', 'packages/ledger', 'apps/api'])
  return {
    commit: git(['rev-parse', '--short', 'HEAD']).trim() || '?',
    dirty: dirty ? dirty.split('\n').map((l) => l.slice(3)) : [],
  }
}

export function summarise(figures: Figure[], notRun: string[]): Report['summary'] {
  let pass = 0
  let miss = 0
  let belowAim = 0
  for (const f of figures) {
    for (const t of f.targets) {
      if (t.ok === true) pass++
      else if (t.ok === false && t.aim) belowAim++
      else if (t.ok === false) miss++
    }
  }
  return { pass, miss, belowAim, notRun }
}

/** Write a report (the suite's, or the soak's) as JSON, making its folder. */
export async function writeJson(path: string, report: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`)
}
