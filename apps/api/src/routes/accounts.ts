/**
 * Accounts: open (admin, staff), read, list by owner, freeze / unfreeze / close
 * (admin), change limits (admin; staff where they could open such an account), balance (optionally as of a past instant) and history (newest
 * first, cursor pages, optional time window). Member keys see only their
 * owner's accounts; any other answers 404.
 *
 * @example
 * curl -H "Authorization: Bearer $KEY" 'http://127.0.0.1:3000/v1/accounts/ana:hours/history?limit=20'
 */
import { createRoute } from '@hono/zod-openapi'
import type { Account, AccountStatus } from '@timebank/ledger'
import { assertMayRead, ledgerCaller, openAccountRefusal, readableAccount } from '../auth.js'
import type { Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { markReplayed, writeId } from '../idempotency.js'
import {
  AccountPageSchema,
  AccountParams,
  AccountQuery,
  AccountSchema,
  BalanceQuery,
  BalanceSchema,
  ChangeLimitsBody,
  ChangeLimitsResultSchema,
  HistoryPageSchema,
  HistoryQuery,
  LimitChangeListSchema,
  LimitChangesQuery,
  ListAccountsQuery,
  OpenAccountBody,
  errors,
  json,
} from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

const openAccount = createRoute({
  method: 'post',
  path: '/accounts',
  operationId: 'openAccount',
  tags: ['Accounts'],
  summary: 'Open an account (admin, staff)',
  description:
    'Member and organisation wallets default to a floor of "0"; `ceiling` caps the balance (e.g. "1500"). Opening the same id with the same definition again answers 201 with `Idempotency-Replayed: true`; with another definition, 409 ACCOUNT_EXISTS.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(OpenAccountBody, {
      member: {
        summary: "A member's HOUR wallet, capped at 1500 hours",
        value: { id: 'member:zhangwei:HOUR', asset: 'HOUR', owner: { type: 'member', id: 'zhangwei' }, ceiling: '1500' },
      },
      redemption: {
        summary: 'Where points are spent: the community supermarket',
        value: { id: 'shop:supermarket:POINT', asset: 'POINT', owner: { type: 'system', id: 'supermarket' }, kind: 'redemption' },
      },
    }),
  },
  responses: { 201: replayable(json(AccountSchema, 'The account')), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
})

const listAccounts = createRoute({
  method: 'get',
  path: '/accounts',
  operationId: 'listAccounts',
  tags: ['Accounts'],
  summary: 'List accounts, optionally of one owner',
  description: "Ordered by id. Member keys list their own owner's accounts (asking for another owner is 403).",
  security: bearer,
  request: { query: ListAccountsQuery },
  responses: { 200: json(AccountPageSchema, 'A page of accounts'), ...errors(400, 401, 403) },
})

const getAccount = createRoute({
  method: 'get',
  path: '/accounts/{accountId}',
  operationId: 'getAccount',
  tags: ['Accounts'],
  summary: 'Get an account, with the limits in force now or at a past instant',
  security: bearer,
  request: { params: AccountParams, query: AccountQuery },
  responses: { 200: json(AccountSchema, 'The account'), ...errors(400, 401, 403, 404) },
})

const statusRoute = (action: 'freeze' | 'unfreeze' | 'close', description: string) =>
  createRoute({
    method: 'post',
    path: `/accounts/{accountId}/${action}`,
    operationId: `${action}Account`,
    tags: ['Accounts'],
    summary: `${action[0]?.toUpperCase()}${action.slice(1)} an account (admin)`,
    description,
    security: bearer,
    request: { params: AccountParams },
    responses: { 200: json(AccountSchema, 'The account'), ...errors(400, 401, 403, 404, 422) },
  })

const freeze = statusRoute(
  'freeze',
  'A frozen account neither sends nor receives; corrections (reversals) still apply. Freezing a frozen account is a no-op.',
)
const unfreeze = statusRoute('unfreeze', 'Reopen a frozen account. 422 ACCOUNT_CLOSED for a closed one.')
const close = statusRoute('close', 'Final. Needs a zero balance and no open holds (422 ACCOUNT_NOT_EMPTY otherwise).')

const changeLimits = createRoute({
  method: 'post',
  path: '/accounts/{accountId}/limits',
  operationId: 'changeAccountLimits',
  tags: ['Accounts'],
  summary: "Change an account's floor and/or ceiling (admin; staff for limits they could open an account with)",
  description:
    "Each limit: a decimal string at the asset's scale, `null` for none, absent to keep it. Nothing already there moves: a balance above a lowered ceiling stays, and only further credits are refused (CEILING_EXCEEDED); likewise a raised floor refuses only further debits. The change is kept in the account's limit history. The same id and change again answers 201 with `Idempotency-Replayed: true`; another change under that id, 409 IDEMPOTENCY_CONFLICT. Staff keys may set only limits they could open an account with (no credit line); members never.",
  security: bearer,
  ...idempotent,
  request: {
    params: AccountParams,
    body: jsonRequest(ChangeLimitsBody, {
      cap: {
        summary: 'The storage cap on HOUR lowered from 1,500 to 1,000 hours',
        value: { id: 'policy-2031-cap:zhangwei', ceiling: '1000', actor: 'staff:li', reason: 'community cap lowered to 1,000 h' },
      },
    }),
  },
  responses: {
    201: replayable(json(ChangeLimitsResultSchema, 'The change and the account as it now stands')),
    ...errors(400, 401, 403, 404, 409, 413, 415, 422),
  },
})

const limitChanges = createRoute({
  method: 'get',
  path: '/accounts/{accountId}/limits',
  operationId: 'listAccountLimitChanges',
  tags: ['Accounts'],
  summary: "An account's limit changes, newest first",
  description: 'Each with the floor and ceiling before and after, who made it, why and when. Member keys see their own accounts only.',
  security: bearer,
  request: { params: AccountParams, query: LimitChangesQuery },
  responses: { 200: json(LimitChangeListSchema, 'The changes'), ...errors(400, 401, 403, 404) },
})

const balance = createRoute({
  method: 'get',
  path: '/accounts/{accountId}/balance',
  operationId: 'getAccountBalance',
  tags: ['Accounts'],
  summary: 'Posted, pending and available balance, now or at a past instant',
  security: bearer,
  request: { params: AccountParams, query: BalanceQuery },
  responses: { 200: json(BalanceSchema, 'The balance'), ...errors(400, 401, 403, 404) },
})

const history = createRoute({
  method: 'get',
  path: '/accounts/{accountId}/history',
  operationId: 'getAccountHistory',
  tags: ['Accounts'],
  summary: 'Entries, newest first, with the balance after each',
  description: 'Pass `nextCursor` as `cursor` for the next (older) page; it is null on the last page.',
  security: bearer,
  request: { params: AccountParams, query: HistoryQuery },
  responses: { 200: json(HistoryPageSchema, 'A page of entries'), ...errors(400, 401, 403, 404) },
})

export function accountRoutes(deps: Deps) {
  const { ledger } = deps

  const setStatus = async (tenantId: string, accountId: string, status: AccountStatus) =>
    ledger.setAccountStatus({ tenantId, accountId, status })

  return router()
    .openapi(openAccount, async (c) => {
      const caller = ledgerCaller(c, 'admin', 'staff')
      const body = c.req.valid('json')
      const id = writeId(c, body.id)
      const refusal = openAccountRefusal(caller, body)
      if (refusal) throw refusal
      const { account, replayed } = await ledger.openAccount({ ...body, id, tenantId: caller.tenantId })
      markReplayed(c, replayed)
      c.header('Location', `/v1/accounts/${encodeURIComponent(account.id)}`)
      return c.json(account, 201)
    })
    .openapi(listAccounts, async (c) => {
      const caller = ledgerCaller(c)
      const q = c.req.valid('query')
      if ((q.ownerType === undefined) !== (q.ownerId === undefined)) {
        throw new ApiError('VALIDATION', 'ownerType and ownerId go together', {
          issues: [{ path: q.ownerType === undefined ? 'ownerType' : 'ownerId', message: 'required with the other' }],
        })
      }
      let owner = q.ownerType !== undefined && q.ownerId !== undefined ? { type: q.ownerType, id: q.ownerId } : undefined
      if (caller.role === 'member') {
        if (owner && (owner.type !== caller.owner?.type || owner.id !== caller.owner?.id)) {
          throw new ApiError('FORBIDDEN', 'member keys may only list their own accounts')
        }
        owner = caller.owner ?? undefined
      }
      const limit = q.limit === undefined ? 100 : Number(q.limit)
      const accounts: Account[] = await ledger.listAccounts({ tenantId: caller.tenantId, owner, after: q.after, limit })
      const last = accounts[accounts.length - 1]
      return c.json({ accounts, nextAfter: accounts.length === limit && last ? last.id : null }, 200)
    })
    .openapi(getAccount, async (c) => {
      const caller = ledgerCaller(c)
      const { accountId } = c.req.valid('param')
      const { at } = c.req.valid('query')
      const account = await readableAccount(deps, caller, accountId)
      if (at === undefined) return c.json(account, 200)
      return c.json(await ledger.getAccount({ tenantId: caller.tenantId, accountId, at }), 200)
    })
    .openapi(limitChanges, async (c) => {
      const caller = ledgerCaller(c)
      const { accountId } = c.req.valid('param')
      const q = c.req.valid('query')
      await assertMayRead(deps, caller, accountId)
      const limit = q.limit === undefined ? 100 : Number(q.limit)
      return c.json({ changes: await ledger.listLimitChanges({ tenantId: caller.tenantId, accountId, limit }) }, 200)
    })
    .openapi(freeze, async (c) => {
      const caller = ledgerCaller(c, 'admin')
      return c.json(await setStatus(caller.tenantId, c.req.valid('param').accountId, 'frozen'), 200)
    })
    .openapi(unfreeze, async (c) => {
      const caller = ledgerCaller(c, 'admin')
      return c.json(await setStatus(caller.tenantId, c.req.valid('param').accountId, 'open'), 200)
    })
    .openapi(close, async (c) => {
      const caller = ledgerCaller(c, 'admin')
      return c.json(await setStatus(caller.tenantId, c.req.valid('param').accountId, 'closed'), 200)
    })
    .openapi(changeLimits, async (c) => {
      const caller = ledgerCaller(c, 'admin', 'staff')
      const { accountId } = c.req.valid('param')
      const body = c.req.valid('json')
      const id = writeId(c, body.id)
      if (caller.role !== 'admin') {
        // Staff may set what they could open an account with: the same rule, on the account's floor after the change.
        const account = await ledger.getAccount({ tenantId: caller.tenantId, accountId })
        const floor = body.floor === undefined ? account.floor : body.floor
        // (An issuance account is nobody's to change: the ledger refuses it for every key.)
        const refusal = account.kind === 'issuance' ? null : openAccountRefusal(caller, { owner: account.owner, kind: account.kind, floor })
        if (refusal) throw refusal
      }
      const { change, account, replayed } = await ledger.changeLimits({ ...body, id, accountId, tenantId: caller.tenantId })
      markReplayed(c, replayed)
      return c.json({ change, account }, 201)
    })
    .openapi(balance, async (c) => {
      const caller = ledgerCaller(c)
      const { accountId } = c.req.valid('param')
      const { at } = c.req.valid('query')
      await assertMayRead(deps, caller, accountId)
      return c.json(await ledger.getBalance({ tenantId: caller.tenantId, accountId, at }), 200)
    })
    .openapi(history, async (c) => {
      const caller = ledgerCaller(c)
      const { accountId } = c.req.valid('param')
      const q = c.req.valid('query')
      await assertMayRead(deps, caller, accountId)
      const page = await ledger.getHistory({
        tenantId: caller.tenantId,
        accountId,
        limit: q.limit === undefined ? 50 : Number(q.limit),
        cursor: q.cursor,
        from: q.from,
        to: q.to,
      })
      return c.json(page, 200)
    })
}
