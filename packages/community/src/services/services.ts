/**
 * The service catalogue of a community (居民点单: what residents may order):
 * each service with its agreed hours per order, whether it takes orders, and
 * deadlines of its own for some order states. Staff manage it; made once by id.
 *
 * @example
 * await createService(ctx, { tenantId, id: 'haircut', name: '上门理发', description: '…', hours: '1.50', actor: 'key_1' })
 */
import { Id, formatAmount } from '@timebank/ledger'
import { requestHash } from '@timebank/ledger/kit'
import { type SQL, and, asc, eq, gt } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { HOURS_SCALE, RecordHours, recordHours } from '../domain/hours.js'
import { CommunityId } from '../domain/ids.js'
import { OrderDeadlines } from '../domain/order.js'
import { parse } from '../domain/validate.js'
import { createRow } from '../storage/create-row.js'
import { services } from '../storage/schema.js'

/** Agreed hours per order: more than 0, at most 24, two decimals at most (more is refused, never rounded). */
// Piped: the check below sees only hours RecordHours accepted.
export const ServiceHours = RecordHours.pipe(z.string().refine((s) => recordHours(s) > 0n, 'a service takes more than 0 hours'))
/** Deadlines a service sets for itself; the community's for the rest. */
export const ServiceDeadlines = OrderDeadlines.partial()

export const CreateServiceInput = z.strictObject({
  tenantId: Id,
  /** The client's id for the service: creating it again with the same content returns it. */
  id: CommunityId,
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).default(''),
  hours: ServiceHours,
  active: z.boolean().default(true),
  deadlineHours: ServiceDeadlines.default({}),
  actor: z.string().min(1).max(200),
})
export type CreateServiceInput = z.input<typeof CreateServiceInput>

/** The fields of a change; `UpdateServiceInput` adds that something must change. */
export const UpdateServiceFields = z.strictObject({
  tenantId: Id,
  serviceId: CommunityId,
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().max(2000).optional(),
  /** Orders placed before keep the hours they were placed with. */
  hours: ServiceHours.optional(),
  active: z.boolean().optional(),
  deadlineHours: ServiceDeadlines.optional(),
  actor: z.string().min(1).max(200),
})
export const UpdateServiceInput = UpdateServiceFields.refine(
  (u) =>
    u.name !== undefined || u.description !== undefined || u.hours !== undefined || u.active !== undefined || u.deadlineHours !== undefined,
  'change name, description, hours, active or deadlineHours',
)
export type UpdateServiceInput = z.input<typeof UpdateServiceInput>

export const GetServiceInput = z.strictObject({ tenantId: Id, serviceId: CommunityId })
export const ListServicesInput = z.strictObject({
  tenantId: Id,
  active: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextAfter` (a service id). */
  after: CommunityId.optional(),
})

export const ServiceOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  name: z.string(),
  description: z.string(),
  hours: z.string().describe('Agreed hours per order, e.g. "1.50".'),
  active: z.boolean(),
  deadlineHours: ServiceDeadlines,
  createdAt: z.date(),
  updatedAt: z.date(),
})
export type Service = z.output<typeof ServiceOutput>
export const ServicePageOutput = z.object({ services: z.array(ServiceOutput), nextAfter: z.string().nullable() })
export type ServicePage = z.output<typeof ServicePageOutput>

export type ServiceRow = typeof services.$inferSelect

export const serviceView = (r: ServiceRow): Service => ({
  tenantId: r.tenantId,
  id: r.id,
  name: r.name,
  description: r.description,
  hours: formatAmount(r.hours, HOURS_SCALE),
  active: r.active,
  deadlineHours: ServiceDeadlines.parse(r.deadlineHours),
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

type Reader = Pick<CommunityContext['db'], 'select'>

/** The service's row; SERVICE_NOT_FOUND when there is none. */
export async function requireService(db: Reader, tenantId: string, serviceId: string): Promise<ServiceRow> {
  const [row] = await db
    .select()
    .from(services)
    .where(and(eq(services.tenantId, tenantId), eq(services.id, serviceId)))
  if (!row) throw notFound(CommunityErrorCode.SERVICE_NOT_FOUND, 'service', serviceId, 'serviceId')
  return row
}

export async function createService(ctx: CommunityContext, input: CreateServiceInput): Promise<{ service: Service; replayed: boolean }> {
  const s = parse(CreateServiceInput, input)
  await ctx.community(s.tenantId)
  const fields = { name: s.name, description: s.description, hours: recordHours(s.hours), active: s.active, deadlineHours: s.deadlineHours }
  const hash = requestHash({ ...fields, hours: fields.hours.toString() })
  const now = ctx.now()
  const { row, replayed } = await createRow(
    ctx.db,
    services,
    { tenantId: s.tenantId, id: s.id, ...fields, createdBy: s.actor, requestHash: hash, createdAt: now, updatedAt: now },
    () => new CommunityError(CommunityErrorCode.SERVICE_EXISTS, `service ${s.id} exists with other content`, { serviceId: s.id }),
  )
  return { service: serviceView(row), replayed }
}

/** Change a service; the fields not given stay. Setting what is already there changes nothing. */
export async function updateService(ctx: CommunityContext, input: UpdateServiceInput): Promise<Service> {
  const u = parse(UpdateServiceInput, input)
  const current = await requireService(ctx.db, u.tenantId, u.serviceId)
  const [row] = await ctx.db
    .update(services)
    .set({
      ...(u.name === undefined ? {} : { name: u.name }),
      ...(u.description === undefined ? {} : { description: u.description }),
      ...(u.hours === undefined ? {} : { hours: recordHours(u.hours) }),
      ...(u.active === undefined ? {} : { active: u.active }),
      ...(u.deadlineHours === undefined ? {} : { deadlineHours: u.deadlineHours }),
      updatedAt: ctx.now(),
    })
    .where(and(eq(services.tenantId, u.tenantId), eq(services.id, current.id)))
    .returning()
  return serviceView(row as ServiceRow)
}

export async function getService(ctx: CommunityContext, input: z.input<typeof GetServiceInput>): Promise<Service> {
  const q = parse(GetServiceInput, input)
  return serviceView(await requireService(ctx.db, q.tenantId, q.serviceId))
}

/** A page of the catalogue by id, all or only the active (or inactive) services. */
export async function listServices(ctx: CommunityContext, input: z.input<typeof ListServicesInput>): Promise<ServicePage> {
  const q = parse(ListServicesInput, input)
  await ctx.community(q.tenantId)
  const where: SQL[] = [eq(services.tenantId, q.tenantId)]
  if (q.active !== undefined) where.push(eq(services.active, q.active))
  if (q.after) where.push(gt(services.id, q.after))
  const found = await ctx.db
    .select()
    .from(services)
    .where(and(...where))
    .orderBy(asc(services.id))
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit).map(serviceView)
  return { services: page, nextAfter: found.length > q.limit ? (page[page.length - 1]?.id ?? null) : null }
}
