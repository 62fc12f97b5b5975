import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from '@timebank/community'
import { communityOn, runYear } from '@timebank/community/scenario'
const client = new PGlite()
const db = drizzle(client) as never
await migrate(db)
const t = await communityOn(db, { tenantId: 'year' })
await runYear(t, { members: 480, activities: 130 })
const c = t.community
async function time(name: string, f: () => Promise<unknown>, n = 20) {
  await f()
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await f()
  console.log(name, ((performance.now() - t0) / n).toFixed(2), 'ms')
}
await time('rollups 2026-06', () => c.gridRollups({ tenantId: 'year', period: '2026-06' }))
await time('rollups 2026', () => c.gridRollups({ tenantId: 'year', period: '2026' }))
await time('rollups 2026-Q1 (closed)', () => c.gridRollups({ tenantId: 'year', period: '2026-Q1' }))
await time('honour roll 2026', () => c.honourRoll({ tenantId: 'year', period: '2026', by: 'hours', limit: 20 }))
let t1 = performance.now(); await client.query('analyze'); console.log('analyze', (performance.now()-t1).toFixed(0), 'ms')
t1 = performance.now(); await client.query('vacuum (analyze)'); console.log('vacuum analyze', (performance.now()-t1).toFixed(0), 'ms')
t1 = performance.now(); await client.query('analyze'); console.log('analyze again', (performance.now()-t1).toFixed(0), 'ms')
await time('AFTER ANALYZE rollups 2026-06', () => c.gridRollups({ tenantId: 'year', period: '2026-06' }))
await time('rollups 2026', () => c.gridRollups({ tenantId: 'year', period: '2026' }))
await time('honour roll 2026', () => c.honourRoll({ tenantId: 'year', period: '2026', by: 'hours', limit: 20 }))
const r = await client.query(`explain analyze select count(*) from cm_member_totals where tenant_id='year'`)
console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'))
const n = await client.query(`select (select count(*) from cm_member_totals) mt, (select count(*) from cm_member_places) mp, (select count(*) from cm_grids) g, (select count(*) from cm_activities) a`)
console.log(n.rows)
await client.close()
