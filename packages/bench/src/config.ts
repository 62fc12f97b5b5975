/**
 * Command-line flags and the two run modes. `--quick` is a smoke run (< 60 s):
 * short rounds, three of them, and a shallower "deep" account.
 *
 * @example
 * const config = parseArgs(['--quick', '--out', 'bench.json'])
 */
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const GROUPS = ['writes', 'batches', 'reads', 'pgledger', 'api', 'community', 'market', 'pglite', 'web'] as const
export type Group = (typeof GROUPS)[number]

export interface Config {
  quick: boolean
  /** Where the JSON goes. */
  out: string
  /** Scenario groups to run, in order. */
  only: Group[]
  /** Measured rounds per figure (the median is reported). */
  rounds: number
  /** Length of one round of single-operation writes (ms); other groups scale from it. */
  roundMs: number
  /** Unmeasured warm-up per figure (ms). */
  warmupMs: number
  /** Concurrent callers for single operations and the hot account. */
  callers: number[]
  /** Concurrent callers for atomic batches. */
  batchCallers: number[]
  /** Member accounts in the main tenant (plus as many again spread over 64 tenants). */
  members: number
  /** Entries on the deep account for the read scenario. */
  deepEntries: number
  /** Length of one HTTP round (ms); autocannon counts whole seconds. */
  httpRoundMs: number
  /** `--soak`: minutes of load through the API instead of the suite; null for the suite. */
  soakMinutes: number | null
}

export const repoRoot = resolve(fileURLToPath(new URL('../../../', import.meta.url)))
export const DEFAULT_OUT = resolve(repoRoot, 'bench/results/latest.json')

const HELP = `Usage: pnpm bench [--quick] [--out PATH] [--only writes,batches,reads,pgledger,api,community,market,pglite,web]
                  [--rounds N] [--round-ms MS]
       pnpm bench --soak [--soak-minutes N] [--out PATH]

  --quick       smoke run in under a minute: 3 rounds of 150 ms (HTTP 1 s, no warm-up), batches
                at 1 caller only, a 50k-entry (not 1M) deep account, no
                http.sql-transfer reference
  --out PATH    JSON results (default: bench/results/latest.json at the repo root)
  --only LIST   run only these scenario groups
  --rounds N    measured rounds per figure (default 5, quick 3)
  --round-ms MS length of one write round (default 1500, quick 150)
  --soak        instead of the suite: POST /v1/transfers through the API at 32
                connections for 10 minutes, throughput and server memory per minute
  --soak-minutes N  minutes of the soak (implies --soak)

DATABASE_URL  use this server (a throwaway database: the suite creates and drops
              its own schemas); unset: an embedded PostgreSQL with fsync off.`

/** Parse argv (without node and script). A bare `--` (from `pnpm bench -- --quick`) is ignored. */
export function parseArgs(argv: string[]): Config {
  const args = argv.filter((a) => a !== '--')
  const flag = (name: string) => args.includes(name)
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name)
    if (i >= 0) return args[i + 1]
    const eq = args.find((a) => a.startsWith(`${name}=`))
    return eq?.slice(name.length + 1)
  }
  if (flag('--help') || flag('-h')) {
    console.log(HELP)
    process.exit(0)
  }
  const known = new Set(['--quick', '--out', '--only', '--rounds', '--round-ms', '--soak', '--soak-minutes'])
  const flags = new Set(['--quick', '--soak'])
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    const name = a.split('=')[0] as string
    if (!known.has(name)) throw new Error(`unknown argument ${a}\n\n${HELP}`)
    if (!a.includes('=') && !flags.has(name)) i++
  }
  const quick = flag('--quick')
  const base = process.env.INIT_CWD ?? process.cwd()
  const outArg = value('--out')
  const only = (value('--only')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [...GROUPS]) as Group[]
  for (const g of only) if (!GROUPS.includes(g)) throw new Error(`unknown group ${g}; one of ${GROUPS.join(', ')}`)
  const num = (name: string, fallback: number) => {
    const v = value(name)
    if (v === undefined) return fallback
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number`)
    return n
  }
  const roundMs = num('--round-ms', quick ? 150 : 1500)
  const soakMinutes = flag('--soak') || value('--soak-minutes') !== undefined ? Math.round(num('--soak-minutes', 10)) : null
  return {
    quick,
    out: outArg ? (isAbsolute(outArg) ? outArg : resolve(base, outArg)) : DEFAULT_OUT,
    only: GROUPS.filter((g) => only.includes(g)),
    rounds: Math.round(num('--rounds', quick ? 3 : 5)),
    roundMs,
    warmupMs: Math.max(80, Math.round(roundMs / 3)),
    callers: [1, 8, 32],
    batchCallers: quick ? [1] : [1, 4],
    members: 10_240,
    deepEntries: quick ? 50_000 : 1_000_000,
    httpRoundMs: quick ? 1000 : 3000,
    soakMinutes,
  }
}
