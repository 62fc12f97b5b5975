/**
 * Lint the OpenAPI document with Redocly's recommended rules: written to a
 * temporary file, then `redocly lint --extends recommended`. Fails on any
 * error or warning.
 *
 * @example
 * pnpm --filter @timebank/api lint:openapi
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { openApiDocument } from './openapi-document.js'

interface Report {
  totals: { errors: number; warnings: number }
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[]
}

const cli = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js')
const dir = await mkdtemp(join(tmpdir(), 'timebank-openapi-'))
try {
  const file = join(dir, 'openapi.json')
  await writeFile(file, JSON.stringify(await openApiDocument(), null, 2))
  const run = spawnSync(process.execPath, [cli, 'lint', '--extends', 'recommended', '--format', 'json', file], {
    encoding: 'utf8',
    // No usage report and no update check: CI runs offline from them.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  })
  let report: Report
  try {
    report = JSON.parse(run.stdout) as Report
  } catch {
    throw new Error(`redocly lint gave no report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`)
  }
  for (const p of report.problems) process.stdout.write(`${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}\n`)
  const { errors, warnings } = report.totals
  process.stdout.write(`redocly lint --extends recommended: ${errors} errors, ${warnings} warnings\n`)
  if (errors + warnings > 0 || run.status !== 0) process.exitCode = 1
} finally {
  await rm(dir, { recursive: true, force: true })
}
