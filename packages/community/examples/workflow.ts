import { PGlite } from '@electric-sql/pglite'
import { createCommunity, migrate, verifyCertificate } from '@timebank/community'
import { createLedger } from '@timebank/ledger'
import { drizzle } from 'drizzle-orm/pglite'

const db = drizzle(new PGlite()) // in memory; new PGlite('./data/community') keeps it on disk
await migrate(db) // the ledger's tables and the community's
let now = new Date('2026-03-02T00:30:00Z') // a clock we move, for the example
const clock = () => now
const ledger = createLedger({ db, clock })
const community = createCommunity({ db, ledger, clock })
const tenantId = 'maple'
await community.setUp({ tenantId, name: '枫林社区', settings: { timeZone: 'Asia/Shanghai' } })

// Places and people: a grid, and a resident registered and approved by staff at once.
await community.createGrid({ tenantId, id: 'g1', name: '第一网格', level: 'grid', actor: 'staff-li' })
await community.registerMember({
  tenantId,
  id: 'ana',
  name: '张小明',
  phone: '13812341234',
  gridId: 'g1',
  approve: true,
  actor: 'staff-li',
})

// An activity; Ana signs up, scans the check-in code, and checks out 1 h 40 min later.
const startsAt = new Date('2026-03-02T01:00:00Z') // 09:00 in Shanghai
await community.createActivity({
  tenantId,
  id: 'clean-0302',
  title: '春季大扫除',
  kind: 'clean-up',
  place: '3号楼',
  gridId: 'g1',
  startsAt,
  endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
  capacity: 20,
  maxHours: '2',
  actor: 'staff-li',
})
await community.signUp({ tenantId, activityId: 'clean-0302', memberId: 'ana', actor: 'ana' })
now = new Date('2026-03-02T01:05:00Z')
const shown = await community.currentCode({ tenantId, activityId: 'clean-0302' }) // what the projector's QR encodes
await community.checkIn({ tenantId, activityId: 'clean-0302', memberId: 'ana', code: shown.code, actor: 'ana' })
now = new Date('2026-03-02T02:45:00Z')
const out = await community.currentCode({ tenantId, activityId: 'clean-0302' })
const { record } = await community.checkOut({ tenantId, activityId: 'clean-0302', memberId: 'ana', code: out.code, actor: 'ana' })
console.log(record.status, record.hours) // pending 1.50: rounded down to the quarter hour

// Staff approve: hours, points and lifetime hours posted in one ledger batch.
const [decision] = await community.approve({ tenantId, recordIds: [record.id], actor: 'staff-wang' })
console.log(decision?.ok, (await ledger.getBalance({ tenantId, accountId: 'member:ana:HOUR' })).posted) // true 1.50

// Recognition: the month's honour roll (names masked), and a signed certificate anyone can verify offline.
const roll = await community.honourRoll({ tenantId, period: '2026-03', by: 'hours' })
console.log(roll.entries.map((e) => `${e.rank}. ${e.name} ${e.hours} h`)) // [ '1. 张*明 1.50 h' ]
now = new Date('2026-04-02T02:00:00Z')
const { certificate } = await community.issueCertificate({
  tenantId,
  requestId: 'cert-ana-2026-03',
  memberId: 'ana',
  period: '2026-03',
  actor: 'staff-wang',
})
const { publicKey } = await community.getCommunity(tenantId)
console.log(certificate.serial, verifyCertificate(certificate.document, certificate.signature, publicKey)) // 1 true
