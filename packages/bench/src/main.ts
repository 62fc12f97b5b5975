/**
 * `pnpm bench [--quick] [--out PATH]`: run the suite, print the table and the
 * targets, write the JSON. See README.md for how to read it.
 */
import { DEFAULT_OUT, parseArgs } from './config.js'
import { openServer } from './env/server.js'
import { evaluate } from './figures.js'
import { type Report, codeVersion, machine, summarise, writeJson } from './report/json.js'
import { renderTable, renderTargets } from './report/table.js'
import { renderSoak, soakVerdict } from './scenarios/soak.js'
import { runSoakSuite, runSuite } from './suite.js'

const config = parseArgs(process.argv.slice(2))
const started = new Date()
// Taken first: the ledger was built just before this process, from this tree.
const code = codeVersion()
const log = (line: string) => console.log(line)

log(
  config.soakMinutes !== null
    ? `timebank bench (soak): ${config.soakMinutes} minute(s) through the API`
    : `timebank bench (${config.quick ? 'quick' : 'full'}): ${config.rounds} rounds of ${config.roundMs} ms, groups ${config.only.join(', ')}`,
)
// PGlite alone needs no server.
const server = config.soakMinutes !== null || config.only.some((g) => g !== 'pglite' && g !== 'web') ? await openServer() : null
const serverSummary = server ? server.info.summary : 'none (PGlite only)'
log(`server: ${serverSummary}`)

let exitCode = 0
try {
  if (config.soakMinutes !== null) {
    if (!server) throw new Error('the soak runs through the API on PostgreSQL')
    const minutes = await runSoakSuite({ config, server, log })
    if ('skipped' in minutes) throw new Error(`the soak could not run: ${minutes.skipped}`)
    log('')
    log(renderSoak(minutes))
    const out = config.out === DEFAULT_OUT ? DEFAULT_OUT.replace(/latest\.json$/, 'soak.json') : config.out
    await writeJson(out, { startedAt: started.toISOString(), server: server.info, code, minutes, verdict: soakVerdict(minutes) })
    log(`JSON: ${out}`)
  } else {
    const { figures, specs, notRun } = await runSuite({ config, server, log })
    evaluate(figures, specs)
    const finished = new Date()
    const report: Report = {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationSeconds: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
      mode: config.quick ? 'quick' : 'full',
      settings: { ...config, out: undefined },
      machine: machine(),
      server: server?.info ?? null,
      code,
      figures,
      summary: summarise(figures, notRun),
    }
    log('')
    log(renderTable(figures))
    log('')
    log(config.quick ? 'Targets (--quick: short rounds, so verdicts near a bar can flip; quote a full run)' : 'Targets')
    log(renderTargets(figures))
    for (const n of notRun) log(`not run   ${n}`)
    const s = report.summary
    log('')
    log(`${s.pass} met, ${s.miss} missed, ${s.belowAim} below aim; ${report.durationSeconds} s; server: ${serverSummary}`)
    await writeJson(config.out, report)
    if (report.code.dirty.length > 0) log(`measured ${report.code.commit} with uncommitted changes in: ${report.code.dirty.join(', ')}`)
    log(`JSON: ${config.out}`)
  }
} catch (e) {
  console.error(e)
  exitCode = 1
} finally {
  await server?.stop()
}
process.exit(exitCode)
