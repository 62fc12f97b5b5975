/**
 * Moving value. Each write's `id` (in the body or the `Idempotency-Key` header)
 * is its idempotency key: a retry returns the original transfer with
 * `replayed: true` and the `Idempotency-Replayed: true` header; the same id for
 * another request is 409 IDEMPOTENCY_CONFLICT.
 *
 * - `POST /v1/earnings` (admin, staff): credit verified hours/points.
 * - `POST /v1/transfers`, `POST /v1/redemptions` (members from their own accounts).
 * - `POST /v1/batches`: all-or-nothing; a refused batch is 422 with one result per item.
 * - `GET /v1/transfers/{id}`; `POST /v1/transfers/{id}/post|void|reverse` (admin, staff).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -H 'Idempotency-Key: gift-17' \
 *   -d '{"from":"ana:hours","to":"bo:hours","amount":"1.5"}' http://127.0.0.1:3000/v1/transfers
 */
import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { type BatchItemResult, type Operation, type OperationResult, type Transfer, isLedgerError, moveSealed } from '@timebank/ledger'
import { assertMayDebit, ledgerCaller, mayRead, visibleRefusal } from '../auth.js'
import type { AppEnv, Caller, Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { idempotencyHeader, markReplayed, writeId } from '../idempotency.js'
import {
  BatchBody,
  BatchResultSchema,
  EarnBody,
  OperationResultSchema,
  PostBody,
  RedeemBody,
  ReverseBody,
  TransferBody,
  TransferParams,
  TransferSchema,
  VoidBody,
  WRITE_ERRORS,
  errors,
  json,
} from '../schemas.js'
import { bearer, idempotent, jsonRequest, optionalJsonRequest, replayable, router } from './common.js'

const created = (description: string) => replayable(json(OperationResultSchema, description))

const earn = createRoute({
  method: 'post',
  path: '/earnings',
  operationId: 'createEarning',
  tags: ['Transfers'],
  summary: 'Credit earned hours or points (admin, staff)',
  description:
    "Moves `amount` from the tenant's issuance account of the asset into `to`, with evidence of what was done and who checked it.",
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(EarnBody, {
      earn: {
        summary: 'One and a half hours visiting an elderly neighbour',
        value: {
          id: 'earn-visit-2026-03-01-zhangwei',
          to: 'member:zhangwei:HOUR',
          amount: '1.50',
          evidence: { activity: '探访独居老人李秀英', reviewer: '网格员 李娜', note: '14:00-15:30，有探访记录' },
        },
      },
    }),
  },
  responses: { 201: created('The earn transfer'), ...errors(...WRITE_ERRORS) },
})

const transfer = createRoute({
  method: 'post',
  path: '/transfers',
  operationId: 'createTransfer',
  tags: ['Transfers'],
  summary: 'Move value between two accounts of the same asset',
  description:
    'Member keys may only send from their own accounts. With `pending: true` the amount is held until posted or voided (or `timeoutSeconds` pass).',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(TransferBody, {
      gift: {
        summary: 'Give hours to a neighbour',
        value: {
          id: 'gift-2026-03-01-zhangwei',
          from: 'member:zhangwei:HOUR',
          to: 'member:lixiuying:HOUR',
          amount: '1.50',
          memo: '陪李阿姨去医院复诊',
        },
      },
      hold: {
        summary: 'Hold hours for a day until the service is done (then post or void it)',
        value: {
          id: 'hold-2026-03-05-zhangwei',
          from: 'member:zhangwei:HOUR',
          to: 'member:wangfang:HOUR',
          amount: '2.00',
          pending: true,
          timeoutSeconds: 86400,
        },
      },
    }),
  },
  responses: { 201: created('The transfer'), ...errors(...WRITE_ERRORS) },
})

const redeem = createRoute({
  method: 'post',
  path: '/redemptions',
  operationId: 'createRedemption',
  tags: ['Transfers'],
  summary: 'Spend into a redemption account',
  description:
    'Member keys may only redeem from their own accounts. With `pending: true` the points are reserved until handed over (post) or cancelled (void).',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(RedeemBody, {
      rice: {
        summary: 'Spend points on a bag of rice',
        value: {
          id: 'redeem-2026-03-06-zhangwei',
          from: 'member:zhangwei:POINT',
          to: 'shop:supermarket:POINT',
          amount: '120',
          item: { ref: '东北大米 5kg', quantity: 1 },
        },
      },
    }),
  },
  responses: { 201: created('The redemption'), ...errors(...WRITE_ERRORS) },
})

const batch = createRoute({
  method: 'post',
  path: '/batches',
  operationId: 'createBatch',
  tags: ['Transfers'],
  summary: 'Apply operations atomically',
  description:
    "Every operation or none. A refused batch answers 422 with the failing item's code, and `details.results` holds one result per item (LINKED_EVENT_FAILED for the others). Member keys may only send transfers and redemptions from their own accounts.",
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(BatchBody, {
      activity: {
        summary: 'Credit everyone who cleaned the stairwell, all or none',
        value: {
          operations: [
            {
              type: 'earn',
              id: 'earn-clean-2026-03-02-zhangwei',
              to: 'member:zhangwei:HOUR',
              amount: '1.50',
              evidence: { activity: '3号楼楼道清洁', reviewer: '网格员 李娜' },
            },
            {
              type: 'earn',
              id: 'earn-clean-2026-03-02-wangfang',
              to: 'member:wangfang:HOUR',
              amount: '2.00',
              evidence: { activity: '3号楼楼道清洁', reviewer: '网格员 李娜' },
            },
          ],
        },
      },
    }),
  },
  responses: { 201: replayable(json(BatchResultSchema, 'Every operation applied')), ...errors(...WRITE_ERRORS) },
})

const getTransfer = createRoute({
  method: 'get',
  path: '/transfers/{transferId}',
  operationId: 'getTransfer',
  tags: ['Transfers'],
  summary: 'Get a transfer of any kind',
  description: 'Member keys see transfers into or out of their own accounts.',
  security: bearer,
  request: { params: TransferParams },
  responses: { 200: json(TransferSchema, 'The transfer'), ...errors(400, 401, 403, 404) },
})

const post = createRoute({
  method: 'post',
  path: '/transfers/{transferId}/post',
  operationId: 'postPendingTransfer',
  tags: ['Transfers'],
  summary: 'Post a pending transfer, wholly or in part (admin, staff)',
  description: 'The rest of the hold is released.',
  security: bearer,
  ...idempotent,
  request: {
    params: TransferParams,
    body: optionalJsonRequest(PostBody, {
      part: {
        summary: 'Post one hour of a two-hour hold; the rest is released',
        value: { id: 'post-hold-2026-03-05-zhangwei', amount: '1.00' },
      },
      whole: { summary: 'Post the whole hold', value: { id: 'post-hold-2026-03-05-zhangwei' } },
    }),
  },
  responses: { 201: created('The post transfer'), ...errors(...WRITE_ERRORS) },
})

const voidHold = createRoute({
  method: 'post',
  path: '/transfers/{transferId}/void',
  operationId: 'voidPendingTransfer',
  tags: ['Transfers'],
  summary: 'Release a pending transfer (admin, staff)',
  security: bearer,
  ...idempotent,
  request: {
    params: TransferParams,
    body: optionalJsonRequest(VoidBody, {
      release: { summary: 'Release the hold: the service did not take place', value: { id: 'void-hold-2026-03-05-zhangwei' } },
    }),
  },
  responses: { 201: created('The void transfer'), ...errors(...WRITE_ERRORS) },
})

const reverse = createRoute({
  method: 'post',
  path: '/transfers/{transferId}/reverse',
  operationId: 'reverseTransfer',
  tags: ['Transfers'],
  summary: 'Undo all or part of a transfer with a new, linked one (admin, staff)',
  security: bearer,
  ...idempotent,
  request: {
    params: TransferParams,
    body: jsonRequest(ReverseBody, {
      part: {
        summary: 'Take back half an hour credited by mistake',
        value: { id: 'reverse-earn-clean-2026-03-02-zhangwei', amount: '0.50', reason: '签退时间登记有误，多记半小时' },
      },
    }),
  },
  responses: { 201: created('The reversal'), ...errors(...WRITE_ERRORS) },
})

/** 201 with the replay marker and the transfer's location. */
function respond(c: Context<AppEnv>, result: OperationResult) {
  markReplayed(c, result.replayed)
  c.header('Location', `/v1/transfers/${encodeURIComponent(result.transfer.id)}`)
  return result
}

export function transferRoutes(deps: Deps) {
  const { ledger } = deps

  /** A member may see a transfer that touches one of its accounts. */
  const visible = async (tenantId: string, t: Transfer, caller: AppEnv['Variables']['caller']) => {
    if (caller.role !== 'member') return true
    for (const accountId of [t.from, t.to]) {
      const owner = await deps.owners.of(tenantId, accountId).catch(() => null)
      if (owner && mayRead(caller, { owner })) return true
    }
    return false
  }

  /**
   * A member key's moves judged by the community's policy, as the community's own routes judge gifts, donations
   * and redemptions: no plain ledger route lets a member do what the policy refuses.
   */
  const checkPolicy = async (caller: Caller, moves: { from: string; to: string; amount: string }[]) => {
    if (caller.role !== 'member') return
    for (const move of moves) await deps.community.checkMovement({ tenantId: caller.tenantId, ...move })
  }

  /** Run a member's write, its refusal shown as the member may see it (no other member's figures). */
  const shielded = async <T>(caller: Caller, write: () => Promise<T>): Promise<T> => {
    try {
      return await write()
    } catch (e) {
      throw isLedgerError(e) ? await visibleRefusal(deps, caller, e) : e
    }
  }

  return router()
    .openapi(earn, async (c) => {
      const caller = ledgerCaller(c, 'admin', 'staff')
      const body = c.req.valid('json')
      const result = await moveSealed(ledger, 'earn', body, { id: writeId(c, body.id), tenantId: caller.tenantId })
      return c.json(respond(c, result), 201)
    })
    .openapi(transfer, async (c) => {
      const caller = ledgerCaller(c)
      const body = c.req.valid('json')
      const id = writeId(c, body.id)
      await assertMayDebit(deps, caller, [body.from])
      await checkPolicy(caller, [body])
      const result = await shielded(caller, () => moveSealed(ledger, 'transfer', body, { id, tenantId: caller.tenantId }))
      return c.json(respond(c, result), 201)
    })
    .openapi(redeem, async (c) => {
      const caller = ledgerCaller(c)
      const body = c.req.valid('json')
      const id = writeId(c, body.id)
      await assertMayDebit(deps, caller, [body.from])
      await checkPolicy(caller, [body])
      const result = await shielded(caller, () => moveSealed(ledger, 'redeem', body, { id, tenantId: caller.tenantId }))
      return c.json(respond(c, result), 201)
    })
    .openapi(batch, async (c) => {
      const caller = ledgerCaller(c)
      const { operations } = c.req.valid('json')
      const header = idempotencyHeader(c)
      const ops = operations.map((op, index) => {
        const id = op.id ?? (header === undefined ? undefined : `${header}:${index}`)
        if (id === undefined) {
          throw new ApiError('IDEMPOTENCY_KEY_REQUIRED', `operation ${index} has no id: give it one, or send an Idempotency-Key header`, {
            index,
          })
        }
        return { ...op, id } as Operation
      })
      if (caller.role === 'member') {
        const other = ops.findIndex((op) => op.type !== 'transfer' && op.type !== 'redeem')
        if (other !== -1) {
          throw new ApiError('FORBIDDEN', `member keys may only transfer and redeem; operation ${other} is ${ops[other]?.type}`, {
            index: other,
          })
        }
        await assertMayDebit(
          deps,
          caller,
          ops.map((op) => (op.type === 'transfer' || op.type === 'redeem' ? op.from : '')),
        )
        await checkPolicy(
          caller,
          ops.flatMap((op) => (op.type === 'transfer' || op.type === 'redeem' ? [op] : [])),
        )
      }
      const result = await shielded(caller, () => ledger.batch({ tenantId: caller.tenantId, operations: ops }))
      if (!result.committed) {
        const results: BatchItemResult[] = await Promise.all(
          result.results.map(async (r) => (r.ok ? r : { ...r, error: await visibleRefusal(deps, caller, r.error) })),
        )
        const failedIndex = results.findIndex((r) => !r.ok && r.error.code !== 'LINKED_EVENT_FAILED')
        const failed = results[failedIndex]
        const error = failed && !failed.ok ? failed.error : { code: 'LINKED_EVENT_FAILED' as const, message: 'the batch was refused' }
        throw new ApiError(error.code, `operation ${failedIndex} was refused: ${error.message}`, { failedIndex, results }, { status: 422 })
      }
      const results = result.results.flatMap((r) => (r.ok ? [{ ok: true as const, transfer: r.transfer, replayed: r.replayed }] : []))
      const replayed = results.every((r) => r.replayed)
      markReplayed(c, replayed)
      return c.json({ committed: true as const, results, replayed }, 201)
    })
    .openapi(getTransfer, async (c) => {
      const caller = ledgerCaller(c)
      const { transferId } = c.req.valid('param')
      const t = await ledger.getTransfer({ tenantId: caller.tenantId, transferId })
      if (!(await visible(caller.tenantId, t, caller))) {
        throw new ApiError('TRANSFER_NOT_FOUND', `transfer ${transferId} not found`, { transferId })
      }
      return c.json(t, 200)
    })
    .openapi(post, async (c) => {
      const caller = ledgerCaller(c, 'admin', 'staff')
      const body = c.req.valid('json')
      const pendingId = c.req.valid('param').transferId
      const result = await ledger.post({ ...body, id: writeId(c, body.id), pendingId, tenantId: caller.tenantId })
      return c.json(respond(c, result), 201)
    })
    .openapi(voidHold, async (c) => {
      const caller = ledgerCaller(c, 'admin', 'staff')
      const body = c.req.valid('json')
      const pendingId = c.req.valid('param').transferId
      const result = await ledger.void({ ...body, id: writeId(c, body.id), pendingId, tenantId: caller.tenantId })
      return c.json(respond(c, result), 201)
    })
    .openapi(reverse, async (c) => {
      const caller = ledgerCaller(c, 'admin', 'staff')
      const body = c.req.valid('json')
      const transferId = c.req.valid('param').transferId
      const result = await ledger.reverse({ ...body, id: writeId(c, body.id), transferId, tenantId: caller.tenantId })
      return c.json(respond(c, result), 201)
    })
}
