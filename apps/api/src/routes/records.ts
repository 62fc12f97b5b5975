/**
 * Hour records: entered by hand or made at check-out, then approved (one or
 * hundreds at once: one ledger batch), rejected, adjusted or complained about.
 * Staff limited to a grid see and decide only the records of members in their
 * subtree; a member key sees only its own member's records.
 *
 * - `POST /v1/hour-records` (staff): enter hours by hand; someone else approves them.
 * - `GET /v1/hour-records`, `GET /v1/hour-records/{recordId}`, `…/history`.
 * - `POST /v1/hour-records/{recordId}/approve|reject|adjust|complaint`.
 * - `POST /v1/hour-records/approvals`, `POST /v1/hour-records/rejections`: many at once, one result each.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
 *   -d '{"recordIds":["att:clean-up-0301:ana","att:clean-up-0301:bo"]}' http://127.0.0.1:3000/v1/hour-records/approvals
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  isWithin,
  AdjustFields,
  ApproveInput,
  CreateRecordFields,
  type Decision,
  HourRecordOutput,
  ListRecordsInput,
  RecordId,
  RejectInput,
} from '@timebank/community'
import type { Context } from 'hono'
import type { AppEnv, Deps } from '../context.js'
import { type AnyErrorCode, ApiError } from '../errors.js'
import { markReplayed, writeId } from '../idempotency.js'
import { MemberNameField, memberNamesFor } from '../member-names.js'
import { authorize, scopeOf, selfOf } from '../permissions.js'
import { ErrorCodeSchema, ID_OR_HEADER, Instant, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

const HourRecordSchema = HourRecordOutput.extend({}).openapi('HourRecord')
const RecordParams = z.object({ recordId: RecordId.clone().openapi({ param: { name: 'recordId', in: 'path' }, example: 'visit-17' }) })

// The instants are the wire's text alone: the community's schema also takes a Date, which JSON never carries.
const CreateRecordBody = CreateRecordFields.omit({ tenantId: true, actor: true })
  .extend({
    id: CreateRecordFields.shape.id
      .optional()
      .openapi({ description: `Client-chosen id, also the idempotency key. ${ID_OR_HEADER}`, example: 'visit-2026-03-01-zhang' }),
    startedAt: Instant,
    endedAt: Instant,
  })
  .openapi('CreateHourRecordRequest')
const AdjustBody = AdjustFields.omit({ tenantId: true, recordId: true, actor: true }).openapi('AdjustHourRecordRequest')
const ReasonBody = z.strictObject({ reason: z.string().min(1).max(2000) }).openapi('ReasonRequest')
const BulkApproveBody = ApproveInput.omit({ tenantId: true, actor: true }).openapi('BulkApprovalRequest')
const BulkRejectBody = RejectInput.omit({ tenantId: true, actor: true }).openapi('BulkRejectionRequest')
const ListQuery = z.object({
  status: ListRecordsInput.shape.status,
  memberId: ListRecordsInput.shape.memberId,
  activityId: ListRecordsInput.shape.activityId,
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/)
    .optional()
    .openapi({ description: 'Page size, 1 to 1000.', example: '100' }),
  cursor: ListRecordsInput.shape.cursor.clone().openapi({ description: "The previous page's `nextCursor`." }),
})

const DecisionSchema = z
  .discriminatedUnion('ok', [
    z.object({ recordId: z.string(), ok: z.literal(true), record: HourRecordSchema }),
    z.object({
      recordId: z.string(),
      ok: z.literal(false),
      error: z.object({
        // Documented as the ErrorCode enum (the community's and ledger's codes are all it holds); typed as the
        // community's `Decision` types it, a string.
        code: ErrorCodeSchema as z.ZodType<string>,
        message: z.string(),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
    }),
  ])
  .openapi('RecordDecision')
const DecisionsSchema = z.object({ results: z.array(DecisionSchema) }).openapi('RecordDecisions')
const NamedHourRecordSchema = HourRecordSchema.extend({ memberName: MemberNameField }).openapi('NamedHourRecord')
const PageSchema = z.object({ records: z.array(NamedHourRecordSchema), nextCursor: z.string().nullable() }).openapi('HourRecordPage')
const HistorySchema = z
  .object({ events: z.array(z.object({ action: z.string(), actor: z.string(), at: z.date(), detail: z.record(z.string(), z.unknown()) })) })
  .openapi('HourRecordHistory')

const tags = ['Hour records']
const READ_ERRORS = [400, 401, 403, 404] as const
// Generic in the method and path, so the typed client keeps each route's own path.
const one = <M extends 'get' | 'post', P extends string, R extends object>(
  method: M,
  path: P,
  operationId: string,
  summary: string,
  request: R,
) =>
  createRoute({
    method,
    path,
    operationId,
    tags,
    summary,
    security: bearer,
    request,
    responses: { 200: json(HourRecordSchema, 'The record'), ...(method === 'get' ? errors(...READ_ERRORS) : errors(...WRITE_ERRORS)) },
  })

const create = createRoute({
  method: 'post',
  path: '/hour-records',
  operationId: 'createHourRecord',
  tags,
  summary: 'Enter hours by hand (admin, staff)',
  description:
    'A manual record: someone other than who entered it must approve it. Hours default to the time between start and end rounded by the community rule; give `hours` to set them. The id (body or Idempotency-Key) makes retries safe.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(CreateRecordBody, {
      visit: {
        summary: 'An hour and a half visiting an elderly neighbour',
        value: {
          id: 'visit-2026-03-01-zhangwei',
          memberId: 'zhangwei',
          kind: 'elder-visit',
          startedAt: '2026-03-01T14:00:00+08:00',
          endedAt: '2026-03-01T15:30:00+08:00',
          note: '探访独居老人李秀英',
        },
      },
      hours: {
        summary: 'Hours set by hand instead of from the times',
        value: {
          id: 'repair-2026-03-03-wangfang',
          memberId: 'wangfang',
          kind: 'repair',
          startedAt: '2026-03-03T08:00:00+08:00',
          endedAt: '2026-03-03T12:00:00+08:00',
          hours: '1.50',
        },
      },
    }),
  },
  responses: { 201: replayable(json(HourRecordSchema, 'The pending record')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/hour-records',
  operationId: 'listHourRecords',
  tags,
  summary: 'Hour records, newest first',
  description:
    "Staff limited to a grid see their subtree's members' records; a member key sees its own. Each carries the member's name as the caller may see it (`memberName`).",
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(PageSchema, 'A page'), ...errors(400, 401, 403, 404) },
})
const get = one('get', '/hour-records/{recordId}', 'getHourRecord', 'An hour record', { params: RecordParams })
const history = createRoute({
  method: 'get',
  path: '/hour-records/{recordId}/history',
  operationId: 'getHourRecordHistory',
  tags,
  summary: 'What happened to a record: created, adjusted (with reasons), decided, complained about',
  security: bearer,
  request: { params: RecordParams },
  responses: { 200: json(HistorySchema, 'Its events, oldest first'), ...errors(400, 401, 403, 404) },
})
const approve = one(
  'post',
  '/hour-records/{recordId}/approve',
  'approveHourRecord',
  'Approve: hours, points and lifetime hours posted in one ledger batch (admin, staff)',
  {
    params: RecordParams,
  },
)
const reject = one('post', '/hour-records/{recordId}/reject', 'rejectHourRecord', 'Reject with a reason (admin, staff)', {
  params: RecordParams,
  body: jsonRequest(ReasonBody, {
    cancelled: { summary: 'The activity did not take place', value: { reason: '当天活动已取消' } },
  }),
})
const adjust = one(
  'post',
  '/hour-records/{recordId}/adjust',
  'adjustHourRecord',
  "Change a pending record's hours, conduct or role, with a reason (admin, staff)",
  {
    params: RecordParams,
    body: jsonRequest(AdjustBody, {
      hours: { summary: 'Left half an hour early', value: { hours: '1.50', reason: '提前半小时离开' } },
    }),
  },
)
const complain = one(
  'post',
  '/hour-records/{recordId}/complaint',
  'upholdHourRecordComplaint',
  'Uphold a complaint: a pending record is rejected, an approved one reversed (admin, staff)',
  {
    params: RecordParams,
    body: jsonRequest(ReasonBody, {
      upheld: { summary: 'A neighbour reported the visit did not happen', value: { reason: '经核实当天未上门探访' } },
    }),
  },
)
const bulk = <P extends string, S extends z.ZodType>(
  path: P,
  operationId: string,
  summary: string,
  body: ReturnType<typeof jsonRequest<S>>,
) =>
  createRoute({
    method: 'post',
    path,
    operationId,
    tags,
    summary,
    description:
      'One result per record, in the order asked. Records outside what the key may see answer RECORD_NOT_FOUND and are not touched.',
    security: bearer,
    request: { body },
    responses: { 200: json(DecisionsSchema, 'One result per record'), ...errors(...WRITE_ERRORS) },
  })
const approveMany = bulk(
  '/hour-records/approvals',
  'approveHourRecords',
  'Approve many records at once: one ledger batch (admin, staff)',
  jsonRequest(BulkApproveBody, {
    activity: {
      summary: 'Everyone who cleaned the stairwell',
      value: { recordIds: ['att:clean-2026-03-02:zhangwei', 'att:clean-2026-03-02:wangfang'] },
    },
  }),
)
const rejectMany = bulk(
  '/hour-records/rejections',
  'rejectHourRecords',
  'Reject many records at once (admin, staff)',
  jsonRequest(BulkRejectBody, {
    activity: {
      summary: 'Records of a cancelled activity',
      value: { recordIds: ['att:clean-2026-03-09:zhangwei', 'att:clean-2026-03-09:wangfang'], reason: '活动因雨取消，签到无效' },
    },
  }),
)

const hidden = (recordId: string) => ({ code: 'RECORD_NOT_FOUND' as const, message: `record ${recordId} not found`, details: { recordId } })

/** The only answer a single-record decision gives: the record, or its error thrown as the community raised it. */
function single(d: Decision | undefined) {
  if (!d) throw new Error('no decision came back')
  if (d.ok) return d.record
  throw new ApiError(d.error.code as AnyErrorCode, d.error.message, d.error.details)
}

export function recordRoutes(deps: Deps) {
  const { community } = deps

  /** The record, if the caller may `action` it; otherwise RECORD_NOT_FOUND, as for a missing one. */
  const guard = async (c: Context<AppEnv>, action: 'records.decide' | 'records.read', recordId: string) => {
    const tenantId = c.get('caller').tenantId
    const scope = (await community.recordScopes(tenantId, [recordId])).get(recordId)
    return authorize(
      c,
      deps,
      action,
      scope ? { memberId: scope.memberId, gridPath: scope.gridPath, hidden: hidden(recordId) } : { hidden: hidden(recordId) },
    )
  }

  /** Of many record ids, those the caller may decide; the others answer as missing. */
  const allowed = async (c: Context<AppEnv>, recordIds: string[]) => {
    const scope = await scopeOf(c, deps)
    // The request itself is within a limited key's own subtree; each record is checked below.
    const caller = await authorize(c, deps, 'records.decide', { gridPath: scope ?? null })
    if (scope === undefined) return { caller, ids: recordIds, refused: [] as Decision[] }
    const scopes = await community.recordScopes(caller.tenantId, recordIds)
    const ok = (id: string) => {
      const path = scopes.get(id)?.gridPath
      return typeof path === 'string' && isWithin(path, scope)
    }
    return {
      caller,
      ids: recordIds.filter(ok),
      refused: recordIds.filter((id) => !ok(id)).map((id): Decision => ({ recordId: id, ok: false, error: hidden(id) })),
    }
  }

  const inOrder = (ids: string[], decided: Decision[], refused: Decision[]) => {
    const by = new Map([...decided, ...refused].map((d) => [d.recordId, d]))
    return ids.map((id) => by.get(id) as Decision)
  }

  return router()
    .openapi(create, async (c) => {
      const body = c.req.valid('json')
      const caller = await authorize(c, deps, 'records.decide', {
        memberId: body.memberId,
        hidden: { code: 'MEMBER_NOT_FOUND', message: `member ${body.memberId} not found` },
      })
      const { record, replayed } = await community.createRecord({
        ...body,
        id: writeId(c, body.id),
        tenantId: caller.tenantId,
        actor: caller.keyId,
      })
      markReplayed(c, replayed)
      c.header('Location', `/v1/hour-records/${encodeURIComponent(record.id)}`)
      return c.json(record, 201)
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const caller = c.get('caller')
      const self = selfOf(caller)
      const scope = self === undefined ? await scopeOf(c, deps) : undefined
      const memberId = q.memberId ?? self
      await authorize(
        c,
        deps,
        'records.read',
        self === undefined
          ? { gridPath: scope ?? null }
          : { memberId, hidden: { code: 'MEMBER_NOT_FOUND', message: `member ${memberId} not found`, details: { memberId } } },
      )
      const page = await community.listRecords({
        tenantId: caller.tenantId,
        ...(q.status ? { status: q.status } : {}),
        ...(self ? { memberId: self } : q.memberId ? { memberId: q.memberId } : {}),
        ...(q.activityId ? { activityId: q.activityId } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.limit ? { limit: Number(q.limit) } : {}),
        ...(scope === undefined ? {} : { gridPath: scope }),
      })
      const nameOf = await memberNamesFor(
        c,
        deps,
        page.records.map((r) => r.memberId),
      )
      return c.json({ ...page, records: page.records.map((r) => ({ ...r, memberName: nameOf(r.memberId) })) }, 200)
    })
    .openapi(get, async (c) => {
      const { recordId } = c.req.valid('param')
      const caller = await guard(c, 'records.read', recordId)
      return c.json(await community.getRecord(caller.tenantId, recordId), 200)
    })
    .openapi(history, async (c) => {
      const { recordId } = c.req.valid('param')
      const caller = await guard(c, 'records.read', recordId)
      return c.json({ events: await community.recordHistory(caller.tenantId, recordId) }, 200)
    })
    .openapi(approve, async (c) => {
      const { recordId } = c.req.valid('param')
      const caller = await guard(c, 'records.decide', recordId)
      return c.json(single((await community.approve({ tenantId: caller.tenantId, recordIds: [recordId], actor: caller.keyId }))[0]), 200)
    })
    .openapi(reject, async (c) => {
      const { recordId } = c.req.valid('param')
      const caller = await guard(c, 'records.decide', recordId)
      const { reason } = c.req.valid('json')
      return c.json(
        single((await community.reject({ tenantId: caller.tenantId, recordIds: [recordId], reason, actor: caller.keyId }))[0]),
        200,
      )
    })
    .openapi(adjust, async (c) => {
      const { recordId } = c.req.valid('param')
      const caller = await guard(c, 'records.decide', recordId)
      return c.json(await community.adjust({ ...c.req.valid('json'), tenantId: caller.tenantId, recordId, actor: caller.keyId }), 200)
    })
    .openapi(complain, async (c) => {
      const { recordId } = c.req.valid('param')
      const caller = await guard(c, 'records.decide', recordId)
      const { reason } = c.req.valid('json')
      return c.json(await community.complain({ tenantId: caller.tenantId, recordId, reason, actor: caller.keyId }), 200)
    })
    .openapi(approveMany, async (c) => {
      const { recordIds } = c.req.valid('json')
      const { caller, ids, refused } = await allowed(c, recordIds)
      const decided = ids.length === 0 ? [] : await community.approve({ tenantId: caller.tenantId, recordIds: ids, actor: caller.keyId })
      return c.json({ results: inOrder(recordIds, decided, refused) }, 200)
    })
    .openapi(rejectMany, async (c) => {
      const { recordIds, reason } = c.req.valid('json')
      const { caller, ids, refused } = await allowed(c, recordIds)
      const decided =
        ids.length === 0 ? [] : await community.reject({ tenantId: caller.tenantId, recordIds: ids, reason, actor: caller.keyId })
      return c.json({ results: inOrder(recordIds, decided, refused) }, 200)
    })
}
