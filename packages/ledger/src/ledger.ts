/**
 * `createLedger({ db })`: the ledger's use cases over a drizzle database
 * (PGlite or postgres.js). Every input is validated with the exported zod
 * schemas; every refusal is a LedgerError with a stable code and changes nothing.
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite'
 * import { drizzle } from 'drizzle-orm/pglite'
 * import { createLedger, migrate } from '@timebank/ledger'
 *
 * const db = drizzle(new PGlite())
 * await migrate(db)
 * const ledger = createLedger({ db })
 * await ledger.createTenant({ id: 'maple', name: 'Maple Street Community' })
 * await ledger.openAccount({ tenantId: 'maple', id: 'ana:hours', asset: 'HOUR', owner: { type: 'member', id: 'ana' } })
 * await ledger.earn({ tenantId: 'maple', id: 'visit-1', to: 'ana:hours', amount: '1.5',
 *   evidence: { activity: 'elder visit', reviewer: 'staff:li' } })
 */
import type { z } from 'zod'
import {
  type Account,
  type AccountStatus,
  type Asset,
  type AssetTotals,
  type Balance,
  BalanceInput,
  BatchInput,
  type BatchResult,
  ChangeLimitsInput,
  type ChangeLimitsResult,
  GetAccountInput,
  type LimitChange,
  ListLimitChangesInput,
  type CreateTenantResult,
  type DefineAssetResult,
  CreateTenantInput,
  DefineAssetInput,
  EarnInput,
  ErrorCode,
  HistoryInput,
  type HistoryPage,
  LedgerError,
  ListAccountsInput,
  OpenAccountInput,
  type OpenAccountResult,
  type Operation,
  type OperationResult,
  PostInput,
  RedeemInput,
  ReverseInput,
  SetAccountStatusInput,
  type Tenant,
  TenantRef,
  type Transfer,
  TransferInput,
  TransferRef,
  VoidInput,
  defaultFloor,
  describeIssues,
  isReservedAccountId,
  parseBound,
  requestHash as fingerprint,
  SYSTEM_PREFIX,
  Id,
  type SealedMoveBodies,
  isSealed,
} from './domain/index.js'
import { privateKeyOf, publicKeyOf } from './domain/checkpoint.js'
import { type Checkpoint, CheckpointInput, type JournalVerdict, VerifyJournalInput } from './domain/journal.js'
import type { LedgerDatabase } from './storage/driver.js'
import { createSqlStore } from './storage/sql-store.js'

export interface LedgerOptions {
  /** A drizzle PostgreSQL database: `drizzle(new PGlite(dir))` or `drizzle(postgres(url))`, migrated with `migrate(db)`. */
  db: LedgerDatabase
  /** Source of "now" (timestamps, hold timeouts); injectable for tests. */
  clock?: () => Date
  /**
   * On postgres.js, run statements as prepared statements (default true). Set false
   * behind a connection pooler in transaction mode, which cannot keep them.
   */
  prepare?: boolean
  /**
   * How many single earns/transfers/redeems go to storage at once (default 4;
   * 1 on PGlite, which runs one transaction at a time). While that many are in
   * flight, further concurrent ones (of any tenant) wait and then go together
   * in one statement and one commit; each still succeeds or fails on its own.
   * A lone call never waits.
   */
  writeConcurrency?: number
}

/** Default assets of a new tenant: hours to 2 decimals, whole points. */
export const DEFAULT_ASSETS = [
  { code: 'HOUR', scale: 2, name: 'Volunteer hours' },
  { code: 'POINT', scale: 0, name: 'Points' },
] as const

export interface Ledger {
  /**
   * Create a community with its assets (HOUR and POINT unless given) and their issuance accounts;
   * the same id and definition again returns it with `replayed: true`. Codes: VALIDATION, TENANT_EXISTS.
   */
  createTenant(input: z.input<typeof CreateTenantInput>): Promise<CreateTenantResult>
  /** Codes: VALIDATION, TENANT_NOT_FOUND. */
  getTenant(input: TenantRef): Promise<Tenant & { assets: Asset[] }>
  /**
   * Add an asset with a fixed scale; the same code and definition again returns it with `replayed: true`.
   * Codes: VALIDATION, TENANT_NOT_FOUND, ASSET_EXISTS.
   */
  defineAsset(input: z.input<typeof DefineAssetInput>): Promise<DefineAssetResult>
  /**
   * Open an account; the same id and definition again returns it with `replayed: true`.
   * Codes: VALIDATION, INVALID_AMOUNT, TENANT_NOT_FOUND, ASSET_NOT_FOUND, ACCOUNT_EXISTS.
   */
  openAccount(input: OpenAccountInput): Promise<OpenAccountResult>
  /**
   * The account as it stands; with `at` (a past instant), its floor and ceiling as they were in
   * force then (see {@link Ledger.changeLimits}), the other fields as now. Codes: VALIDATION, ACCOUNT_NOT_FOUND.
   */
  getAccount(input: GetAccountInput): Promise<Account>
  /** Accounts of a tenant, optionally of one owner, ordered by id. Codes: VALIDATION. */
  listAccounts(input: z.input<typeof ListAccountsInput>): Promise<Account[]>
  /** Freeze, unfreeze or close (final; needs a zero balance and no holds). Codes: VALIDATION, ACCOUNT_NOT_FOUND, ACCOUNT_CLOSED, ACCOUNT_NOT_EMPTY. */
  setAccountStatus(input: SetAccountStatusInput): Promise<Account>
  /**
   * Change an account's floor and/or ceiling (a policy change reaching existing accounts), keeping
   * the change (limits before and after, actor, reason, time) in the account's limit history.
   * Each limit: a decimal string at the asset's scale, null for none, absent to keep it; at least
   * one is given. The next write, in any process, is checked against the new limits; nothing already
   * there moves: a balance above a lowered ceiling stays (only further credits are refused,
   * CEILING_EXCEEDED), one below a raised floor too (only further debits are refused,
   * INSUFFICIENT_FUNDS), and holds made before keep what they reserved. The same id and change again
   * returns the original with `replayed: true`. Codes: VALIDATION (no limit given, a system account,
   * floor above ceiling), INVALID_AMOUNT (more decimals than the asset), ACCOUNT_NOT_FOUND,
   * ACCOUNT_CLOSED, ACCOUNT_UNBOUNDED (opened with neither limit, so kept in shards: it can take none),
   * IDEMPOTENCY_CONFLICT, CONTENTION.
   */
  changeLimits(input: ChangeLimitsInput): Promise<ChangeLimitsResult>
  /** An account's limit changes, newest first (at most `limit`, default 100). Codes: VALIDATION, ACCOUNT_NOT_FOUND. */
  listLimitChanges(input: ListLimitChangesInput): Promise<LimitChange[]>
  /** Credit verified hours/points from the issuance account. Codes: see {@link Ledger.batch}. */
  earn(input: z.input<typeof EarnInput>): Promise<OperationResult>
  /**
   * Move value between two member, organisation or escrow accounts of the same asset (never an issuance
   * account or a redemption sink: ACCOUNT_KIND_NOT_ALLOWED; see `movementRefusal`). Codes: see {@link Ledger.batch}.
   */
  transfer(input: z.input<typeof TransferInput>): Promise<OperationResult>
  /** Spend into a redemption account. Codes: see {@link Ledger.batch}. */
  redeem(input: z.input<typeof RedeemInput>): Promise<OperationResult>
  /** Undo all or part of a transfer with a new, linked one. Codes: see {@link Ledger.batch}. */
  reverse(input: z.input<typeof ReverseInput>): Promise<OperationResult>
  /** Post all or part of a hold; the rest is released. Codes: see {@link Ledger.batch}. */
  post(input: z.input<typeof PostInput>): Promise<OperationResult>
  /** Release a hold. Codes: see {@link Ledger.batch}. */
  void(input: z.input<typeof VoidInput>): Promise<OperationResult>
  /**
   * Apply operations all-or-nothing in one transaction, one result per item.
   * A refused batch returns `committed: false` with the failing item's error and
   * LINKED_EVENT_FAILED for the rest. Item codes: INVALID_AMOUNT, ACCOUNT_NOT_FOUND,
   * ASSET_MISMATCH, ACCOUNT_KIND_NOT_ALLOWED, INSUFFICIENT_FUNDS, CEILING_EXCEEDED,
   * BALANCE_OVERFLOW, ACCOUNT_FROZEN, ACCOUNT_CLOSED, IDEMPOTENCY_CONFLICT,
   * TRANSFER_NOT_FOUND, NOT_REVERSIBLE, REVERSAL_EXCEEDS_ORIGINAL, PENDING_NOT_FOUND,
   * PENDING_ALREADY_RESOLVED, PENDING_EXPIRED, PENDING_AMOUNT_EXCEEDED, VALIDATION.
   * Throws VALIDATION for a malformed batch and CONTENTION when storage stays busy.
   */
  batch(input: z.input<typeof BatchInput>): Promise<BatchResult>
  /** Posted, pending and available balance, now or as of `at`. Codes: VALIDATION, ACCOUNT_NOT_FOUND. */
  getBalance(input: BalanceInput): Promise<Balance>
  /** Entries newest first with the balance after each. Codes: VALIDATION, ACCOUNT_NOT_FOUND. */
  getHistory(input: HistoryInput): Promise<HistoryPage>
  /** Codes: VALIDATION, TRANSFER_NOT_FOUND. */
  getTransfer(input: TransferRef): Promise<Transfer>
  /** Per asset: the sum of all balances (always zero), by account kind, and open holds. Codes: VALIDATION, TENANT_NOT_FOUND. */
  totals(input: TenantRef): Promise<AssetTotals[]>
  /** Release holds whose timeout passed (reads already treat them as released). Returns how many. */
  expirePending(input?: { tenantId?: string; limit?: number }): Promise<number>
  /**
   * Recompute every entry chain of a tenant from the stored entries (each entry's hash over its
   * content and its predecessor's, per balance row) and check each ends at the head its balance
   * row records; names the first broken link. Reads in pages without locking; writes may go on.
   * With the tenant's public key, also checks the latest signed checkpoint (its leaves hash to
   * its signed root) and that every chain still passes through the head it recorded: a chain
   * rewritten whole, hashes and head included, fails there. Codes: VALIDATION, TENANT_NOT_FOUND.
   */
  verifyJournal(input: VerifyJournalInput): Promise<JournalVerdict>
  /**
   * Sign, with the tenant's Ed25519 private key, one Merkle root over every chain's head and
   * length as they stand, and keep it with its leaves. Run it periodically; each names the
   * previous root. Codes: VALIDATION (not an Ed25519 private key), TENANT_NOT_FOUND.
   */
  checkpoint(input: CheckpointInput): Promise<Checkpoint>
}

/** An amount as a number, whatever zeros it was written with: "1.5", "1.50" and "1.500" are one amount. */
const sameAmount = (text: string): string => (text.includes('.') ? text.replace(/\.?0+$/, '') : text)

/** An operation's fingerprint, of the normalized request: an amount written with more trailing zeros is the same request. */
function operationFingerprint(op: Operation): string {
  return fingerprint('amount' in op && typeof op.amount === 'string' ? { ...op, amount: sameAmount(op.amount) } : op)
}

/** Validate with a schema, turning zod issues into a VALIDATION LedgerError. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const { message, issues } = describeIssues(result.error)
  throw new LedgerError(ErrorCode.VALIDATION, message, { issues })
}

/** An asset definition as stored: the name defaults to the code. */
const assetDefinition = (a: { code: string; scale: number; name?: string | undefined }) => ({
  code: a.code,
  scale: a.scale,
  name: a.name ?? a.code,
})

type SealedMove = <T extends keyof SealedMoveBodies>(
  type: T,
  body: SealedMoveBodies[T],
  ids: { id: string; tenantId: string },
) => Promise<OperationResult>

/** Each ledger's entry point for sealed bodies, kept off the `Ledger` interface. */
const sealedEntry = new WeakMap<Ledger, SealedMove>()

/**
 * Earn, transfer or redeem with a body an edge has already parsed with the ledger's sealed schema
 * (`sealedTransferBody` and its kin): not parsed again. The id and tenant are checked here; a body
 * that is not sealed, or a ledger not made by `createLedger`, takes the full path of `ledger[type]`.
 * Codes: as `ledger[type]`.
 */
export function moveSealed<T extends keyof SealedMoveBodies>(
  ledger: Ledger,
  type: T,
  body: SealedMoveBodies[T],
  ids: { id: string; tenantId: string },
): Promise<OperationResult> {
  const entry = sealedEntry.get(ledger)
  if (entry) return entry(type, body, ids)
  const input = { ...body, id: ids.id, tenantId: ids.tenantId }
  if (type === 'earn') return ledger.earn(input as Parameters<Ledger['earn']>[0])
  if (type === 'redeem') return ledger.redeem(input as Parameters<Ledger['redeem']>[0])
  return ledger.transfer(input as Parameters<Ledger['transfer']>[0])
}

const MOVE_INPUTS = { earn: EarnInput, transfer: TransferInput, redeem: RedeemInput } as const

export function createLedger(options: LedgerOptions): Ledger {
  const store = createSqlStore(options.db, {
    prepare: options.prepare ?? true,
    ...(options.writeConcurrency !== undefined ? { writeConcurrency: options.writeConcurrency } : {}),
  })
  const now = options.clock ?? (() => new Date())

  const notFound = (code: ErrorCode, what: string, details: Record<string, unknown>) => new LedgerError(code, `${what} not found`, details)

  async function tenantWithAssets(tenantId: string) {
    const tenant = await store.getTenant(tenantId)
    if (!tenant) throw notFound(ErrorCode.TENANT_NOT_FOUND, `tenant ${tenantId}`, { tenantId })
    return { ...tenant, assets: await store.listAssets(tenantId) }
  }

  async function run(tenantId: string, ops: Operation[]): Promise<BatchResult> {
    return store.commit(tenantId, ops, ops.map(operationFingerprint), now())
  }

  async function single(tenantId: string, op: Operation): Promise<OperationResult> {
    const { results } = await run(tenantId, [op])
    const r = results[0]
    if (!r) throw new Error('ledger returned no result')
    if (!r.ok) throw new LedgerError(r.error.code, r.error.message, r.error.details)
    return { transfer: r.transfer, replayed: r.replayed }
  }

  const op = async <T extends Operation['type']>(type: T, schema: z.ZodType, input: unknown) => {
    const { tenantId, ...rest } = parseInput(schema, input) as { tenantId: string } & Record<string, unknown>
    return single(tenantId, { type, ...rest } as Operation)
  }

  const sealedMove: SealedMove = (type, body, ids) => {
    if (isSealed(body) && Id.safeParse(ids.id).success && Id.safeParse(ids.tenantId).success) {
      return single(ids.tenantId, { ...body, type, id: ids.id } as Operation)
    }
    return op(type, MOVE_INPUTS[type], { ...body, id: ids.id, tenantId: ids.tenantId })
  }

  const ledger: Ledger = {
    async createTenant(input) {
      const parsed = parseInput(CreateTenantInput, input)
      const assets = (parsed.assets ?? DEFAULT_ASSETS).map(assetDefinition).sort((x, y) => (x.code < y.code ? -1 : 1))
      if (new Set(assets.map((a) => a.code)).size !== assets.length) {
        throw new LedgerError(ErrorCode.VALIDATION, 'asset codes must be unique')
      }
      const requestHash = fingerprint({ name: parsed.name, assets })
      const { replayed } = await store.createTenant(
        { id: parsed.id, name: parsed.name, requestHash },
        assets.map((a) => ({ ...a, requestHash: fingerprint(a) })),
        now(),
      )
      return { tenant: await tenantWithAssets(parsed.id), replayed }
    },

    getTenant: async (input) => tenantWithAssets(parseInput(TenantRef, input).tenantId),

    async defineAsset(input) {
      const { tenantId, ...definition } = parseInput(DefineAssetInput, input)
      const asset = assetDefinition(definition)
      return store.defineAsset(tenantId, { ...asset, requestHash: fingerprint(asset) }, now())
    },

    async openAccount(input) {
      const a = parseInput(OpenAccountInput, input)
      if (isReservedAccountId(a.id)) {
        throw new LedgerError(ErrorCode.VALIDATION, `ids starting with "${SYSTEM_PREFIX}" are reserved for system accounts`)
      }
      const scale = await store.assetScale(a.tenantId, a.asset)
      if (scale === null) {
        await tenantWithAssets(a.tenantId)
        throw notFound(ErrorCode.ASSET_NOT_FOUND, `asset ${a.asset}`, { asset: a.asset })
      }
      const floorText = a.floor === undefined ? defaultFloor(a.kind) : a.floor
      const ceilingText = a.ceiling ?? null
      const floor = floorText === null ? null : parseBound(floorText, scale)
      const ceiling = ceilingText === null ? null : parseBound(ceilingText, scale)
      if (floor !== null && ceiling !== null && floor > ceiling) {
        throw new LedgerError(ErrorCode.VALIDATION, 'floor must not be above ceiling', { floor: floorText, ceiling: ceilingText })
      }
      const metadata = a.metadata ?? {}
      const account = { tenantId: a.tenantId, id: a.id, asset: a.asset, ownerType: a.owner.type, ownerId: a.owner.id, kind: a.kind }
      // Bounds in minor units, so "1500" and "1500.00" are the same request.
      const bounds = { floor: floor?.toString() ?? null, ceiling: ceiling?.toString() ?? null }
      const requestHash = fingerprint({ asset: a.asset, owner: a.owner, kind: a.kind, ...bounds, metadata })
      return store.openAccount({ ...account, floor, ceiling, metadata, requestHash }, now())
    },

    async getAccount(input) {
      const q = parseInput(GetAccountInput, input)
      const at = q.at !== undefined && q.at.getTime() < now().getTime() ? q.at : null
      const account = await store.getAccount(q.tenantId, q.accountId, at)
      if (!account) throw notFound(ErrorCode.ACCOUNT_NOT_FOUND, `account ${q.accountId}`, { accountId: q.accountId })
      return account
    },

    async listAccounts(input) {
      const q = parseInput(ListAccountsInput, input)
      return store.listAccounts(q.tenantId, q.owner ?? null, q.after ?? null, q.limit)
    },

    async setAccountStatus(input) {
      const { tenantId, accountId, status } = parseInput(SetAccountStatusInput, input)
      return store.setAccountStatus(tenantId, accountId, status as AccountStatus, now())
    },

    async changeLimits(input) {
      const c = parseInput(ChangeLimitsInput, input)
      if (c.floor === undefined && c.ceiling === undefined) {
        throw new LedgerError(ErrorCode.VALIDATION, 'give a floor, a ceiling or both (null removes one)')
      }
      if (isReservedAccountId(c.accountId)) {
        throw new LedgerError(ErrorCode.VALIDATION, 'the limits of system accounts are fixed', { accountId: c.accountId })
      }
      const account = await store.getAccount(c.tenantId, c.accountId)
      if (!account) throw notFound(ErrorCode.ACCOUNT_NOT_FOUND, `account ${c.accountId}`, { accountId: c.accountId })
      const scale = await store.assetScale(c.tenantId, account.asset)
      const bound = (v: string | null | undefined) => (v === undefined || v === null ? v : parseBound(v, scale ?? 0))
      const floor = bound(c.floor)
      const ceiling = bound(c.ceiling)
      // Limits in minor units, so "1000" and "1000.00" are the same change; an absent limit stays absent.
      const minor = (v: bigint | null | undefined) => (v === undefined ? undefined : (v?.toString() ?? null))
      const requestHash = fingerprint({
        accountId: c.accountId,
        floor: minor(floor),
        ceiling: minor(ceiling),
        actor: c.actor,
        reason: c.reason,
      })
      return store.changeLimits(
        {
          tenantId: c.tenantId,
          id: c.id,
          accountId: c.accountId,
          floor,
          ceiling,
          actor: c.actor ?? null,
          reason: c.reason ?? null,
          requestHash,
        },
        now(),
      )
    },

    async listLimitChanges(input) {
      const q = parseInput(ListLimitChangesInput, input)
      const changes = await store.listLimitChanges(q.tenantId, q.accountId, q.limit)
      if (!changes) throw notFound(ErrorCode.ACCOUNT_NOT_FOUND, `account ${q.accountId}`, { accountId: q.accountId })
      return changes
    },

    earn: (input) => op('earn', EarnInput, input),
    transfer: (input) => op('transfer', TransferInput, input),
    redeem: (input) => op('redeem', RedeemInput, input),
    reverse: (input) => op('reverse', ReverseInput, input),
    post: (input) => op('post', PostInput, input),
    void: (input) => op('void', VoidInput, input),

    async batch(input) {
      const { tenantId, operations } = parseInput(BatchInput, input)
      return run(tenantId, operations)
    },

    async getBalance(input) {
      const q = parseInput(BalanceInput, input)
      const current = now()
      const at = q.at !== undefined && q.at.getTime() < current.getTime() ? q.at : null
      const balance = await store.balance(q.tenantId, q.accountId, current, at)
      if (!balance) throw notFound(ErrorCode.ACCOUNT_NOT_FOUND, `account ${q.accountId}`, { accountId: q.accountId })
      return balance
    },

    async getHistory(input) {
      const q = parseInput(HistoryInput, input)
      const beforeSeq = q.cursor === undefined ? null : BigInt(q.cursor)
      const page = await store.history({
        tenantId: q.tenantId,
        accountId: q.accountId,
        limit: q.limit,
        beforeSeq,
        from: q.from ?? null,
        to: q.to ?? null,
      })
      if (!page) throw notFound(ErrorCode.ACCOUNT_NOT_FOUND, `account ${q.accountId}`, { accountId: q.accountId })
      return page
    },

    async getTransfer(input) {
      const { tenantId, transferId } = parseInput(TransferRef, input)
      const transfer = await store.getTransfer(tenantId, transferId, now())
      if (!transfer) throw notFound(ErrorCode.TRANSFER_NOT_FOUND, `transfer ${transferId}`, { transferId })
      return transfer
    },

    async totals(input) {
      const { tenantId } = parseInput(TenantRef, input)
      if (!(await store.getTenant(tenantId))) throw notFound(ErrorCode.TENANT_NOT_FOUND, `tenant ${tenantId}`, { tenantId })
      return store.totals(tenantId, now())
    },

    async expirePending(input = {}) {
      return store.expireHolds(input.tenantId ?? null, now(), input.limit ?? 10_000)
    },

    async verifyJournal(input) {
      const { tenantId, publicKey } = parseInput(VerifyJournalInput, input)
      const key = publicKey === undefined ? null : publicKeyOf(publicKey)
      if (!(await store.getTenant(tenantId))) throw notFound(ErrorCode.TENANT_NOT_FOUND, `tenant ${tenantId}`, { tenantId })
      return store.verifyJournal(tenantId, key)
    },

    async checkpoint(input) {
      const { tenantId, privateKey } = parseInput(CheckpointInput, input)
      const key = privateKeyOf(privateKey)
      if (!(await store.getTenant(tenantId))) throw notFound(ErrorCode.TENANT_NOT_FOUND, `tenant ${tenantId}`, { tenantId })
      return store.checkpoint(tenantId, key, now())
    },
  }
  sealedEntry.set(ledger, sealedMove)
  return ledger
}
