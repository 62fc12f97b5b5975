/**
 * The suite: which scenarios run in which phase. Contenders compared with each
 * other run in one phase, rounds interleaved, so each ratio is taken under the
 * same conditions: the SQL ceiling, single operations and the hot account per
 * caller count; SQL and ledger batches per caller count; reads; the ledger
 * against pgledger pair by pair; HTTP; the community; the supermarket and
 * policy per caller count; PGlite.
 *
 * @example
 * const { figures, specs } = await runSuite({ config, server, log: console.log })
 */
import type { Config, Group } from './config.js'
import type { Server } from './env/server.js'
import type { Contender, Figure, TargetSpec } from './figures.js'
import { type Community, SPREAD_TENANTS, TENANT, checkTotals, createCommunity } from './fixtures/community.js'
import { measurePhase } from './runner/measure.js'
import { setupApi } from './scenarios/api.js'
import { batchContenders } from './scenarios/batches.js'
import { setupCommunityBench } from './scenarios/community.js'
import { ceilingContenders, prepareCeiling } from './scenarios/ceiling.js'
import { hotAccountContenders } from './scenarios/hot-account.js'
import { setupMarketBench } from './scenarios/market.js'
import { setupPgledgerBench } from './scenarios/pgledger.js'
import { setupPglite } from './scenarios/pglite.js'
import { setupReads } from './scenarios/reads.js'
import { type SoakMinute, runSoak } from './scenarios/soak.js'
import { singleOpContenders } from './scenarios/single-ops.js'
import { setupWebBench } from './scenarios/web.js'

export interface SuiteContext {
  config: Config
  /** Null when only PGlite runs. */
  server: Server | null
  log: (line: string) => void
}

export interface SuiteResult {
  figures: Figure[]
  specs: Map<string, TargetSpec[]>
  /** Groups that could not run, with why. */
  notRun: string[]
}

export async function runSuite(ctx: SuiteContext): Promise<SuiteResult> {
  const { config, server, log } = ctx
  const figures: Figure[] = []
  const specs = new Map<string, TargetSpec[]>()
  const notRun: string[] = []
  const phase = async (name: string, contenders: Contender[], serverCpu = server?.serverCpu ?? null) => {
    const t0 = performance.now()
    log(`▶ ${name}: ${contenders.length} figures × ${config.rounds} rounds`)
    for (const c of contenders) if (c.targets) specs.set(c.id, c.targets)
    figures.push(...(await measurePhase(contenders, { ...config, serverCpu, log })))
    log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  const wants = (g: Group) => config.only.includes(g)

  let community: Community | null = null
  try {
    if (server && (wants('writes') || wants('batches') || wants('pgledger') || wants('api'))) {
      const t0 = performance.now()
      log(`▶ setup: ${config.members.toLocaleString('en')} + ${config.members.toLocaleString('en')} funded members, 65 tenants`)
      const max = Math.max(...config.callers, ...config.batchCallers)
      community = await createCommunity(server.url, { members: config.members, max })
      await prepareCeiling(community)
      log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s (schema ${community.bench.schema})`)
    }
    if (wants('writes') && community) {
      for (const callers of config.callers) {
        await phase(`writes at ${callers} caller(s)`, [
          ...ceilingContenders(community, callers),
          ...singleOpContenders(community, callers),
          ...hotAccountContenders(community, callers),
        ])
      }
    }
    if (wants('batches') && community) {
      for (const callers of config.batchCallers) await phase(`batches at ${callers} caller(s)`, batchContenders(community, callers))
    }
    if (server && wants('reads')) {
      log(`▶ setup: reads (${config.deepEntries.toLocaleString('en')}-entry account)`)
      const reads = await setupReads(server.url, config.deepEntries, log)
      try {
        await phase(
          'reads',
          reads.contenders.map((c) => ({ ...c, roundScale: config.quick ? 0.75 : 0.5 })),
        )
      } finally {
        await reads.close()
      }
    }
    if (server && wants('pgledger') && community) {
      log(`▶ setup: pgledger in its own schema, ${config.members.toLocaleString('en')} funded accounts`)
      const t0 = performance.now()
      const pgl = await setupPgledgerBench(community, { url: server.url, callers: config.callers, batchCallers: config.batchCallers })
      log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s`)
      try {
        for (const p of pgl.phases) {
          // Reads get shorter rounds, as in the reads group.
          const scale = config.quick ? 0.75 : 0.5
          await phase(
            p.name,
            p.contenders.map((c) => (c.kind === 'latency' ? { ...c, roundScale: scale } : c)),
          )
        }
        await pgl.check()
        log('✓ pgledger still sums to zero')
      } finally {
        await pgl.close()
      }
    }
    if (wants('api') && community) {
      const api = await setupApi(community, log, { reference: !config.quick })
      if ('skipped' in api) {
        notRun.push(`api: ${api.skipped}`)
        log(`  skipped: ${api.skipped}`)
      } else {
        try {
          await phase(
            'api',
            api.contenders.map((c) => ({ ...c, roundScale: config.httpRoundMs / config.roundMs, skipWarmup: config.quick })),
          )
        } finally {
          await api.close()
        }
      }
    }
    if (community) {
      await checkTotals(community.ledger, [
        TENANT,
        ...Array.from({ length: SPREAD_TENANTS }, (_, t) => `spread-${String(t).padStart(2, '0')}`),
      ])
      log('✓ every tenant still sums to zero')
    }
  } finally {
    await community?.close()
  }
  if (server && wants('community')) {
    log('▶ setup: community (300 members, 1,000- and 10,000-record rolls, 48 activities)')
    const c = await setupCommunityBench(server.url, log)
    try {
      await phase('community', c.contenders)
    } finally {
      await c.close()
    }
  }
  if (server && wants('market')) {
    log('▶ setup: points supermarket and policy (2 communities of 1,000 members, a reward of 100,000,000 units)')
    const m = await setupMarketBench(server.url, log)
    try {
      for (const p of m.phases) await phase(p.name, p.contenders)
    } finally {
      await m.close()
    }
  }
  if (wants('pglite')) {
    const p = await setupPglite()
    try {
      await phase('PGlite', p.contenders, null)
    } finally {
      await p.close()
    }
  }
  if (wants('web')) {
    log('▶ setup: the product on embedded PGlite with the two scenario years (issues #8 and #9)')
    const t0 = performance.now()
    const w = await setupWebBench(log)
    log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    try {
      // Pages are read one at a time on PGlite, in process: no server CPU to sample.
      await phase('pages', w.contenders, null)
    } finally {
      await w.close()
    }
  }
  return { figures: byScenario(figures), specs, notRun }
}

/** Figures grouped by scenario in number order (10 after 9), phase order kept inside each. */
export function byScenario<T extends { scenario: string }>(figures: readonly T[]): T[] {
  const order = figures.map((f, i) => [f, i] as const)
  const num = (scenario: string) => Number.parseInt(scenario, 10)
  order.sort(([a, i], [b, j]) => num(a.scenario) - num(b.scenario) || (a.scenario < b.scenario ? -1 : a.scenario > b.scenario ? 1 : i - j))
  return order.map(([f]) => f)
}

/** The soak instead of the suite: the funded members, then `config.soakMinutes` minutes of load through the API. */
export async function runSoakSuite(ctx: SuiteContext & { server: Server }): Promise<SoakMinute[] | { skipped: string }> {
  const { config, server, log } = ctx
  log(`▶ setup: ${config.members.toLocaleString('en')} + ${config.members.toLocaleString('en')} funded members`)
  const community = await createCommunity(server.url, { members: config.members, max: 8 })
  try {
    const minutes = await runSoak(community, { minutes: config.soakMinutes ?? 10, log })
    await checkTotals(community.ledger, [TENANT])
    log('✓ every tenant still sums to zero')
    return minutes
  } finally {
    await community.close()
  }
}
