/**
 * Gifting (转赠) and donation: a member gives hours or points to another member, or a member or an
 * organisation donates them to the community pool, as the policy allows. One ledger transfer each, with an
 * id derived from the client's id (`gift:<id>`, `donation:<id>`): a retry replays it, and a retry after the
 * policy changed still answers what was done (the ledger is asked first), never a refusal of a done gift.
 *
 * @example
 * await gift(ctx, { tenantId, id: 'g1', from: 'ana', to: 'ben', asset: 'HOUR', amount: '2.5', actor: 'key_ana' })
 */
import { Id, type OperationResult, formatAmount, isLedgerError, parseAmount } from '@timebank/ledger'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode } from '../domain/errors.js'
import { CommunityId, memberAccount, organisationAccount, poolAccount } from '../domain/ids.js'
import { POLICY_ASSETS, PolicyAsset } from '../domain/policy.js'
import { parse } from '../domain/validate.js'
import { enforce, enforceGift } from '../policy-check.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { requireOrganisation } from '../organisations/organisations.js'

const Common = {
  tenantId: Id,
  /** The client's id: the same gift sent again is the same gift. */
  id: CommunityId,
  asset: PolicyAsset,
  /** A positive amount at the asset's scale (hours: 2 decimals; points: whole). */
  amount: z.string().min(1).max(40),
  actor: z.string().min(1).max(200),
  note: z.string().max(500).optional(),
}

export const GiftInput = z.strictObject({ ...Common, from: CommunityId, to: CommunityId })
export const DonateInput = z.strictObject({
  ...Common,
  /** A member, or an organisation (a group's hours may be only donated, under that rule). */
  from: z.union([z.strictObject({ memberId: CommunityId }), z.strictObject({ organisationId: CommunityId })]),
})

export const giftTransferId = (id: string) => `gift:${id}`
export const donationTransferId = (id: string) => `donation:${id}`

/** The amount in minor units; more decimals than the asset has is INVALID_AMOUNT from the ledger's one parser. */
function amountOf(asset: PolicyAsset, text: string): bigint {
  const amount = parseAmount(text, POLICY_ASSETS[asset])
  if (amount <= 0n) throw new CommunityError(CommunityErrorCode.VALIDATION, 'the amount must be more than 0', { amount: text })
  return amount
}

/** The transfer already made under this id, or null. */
async function done(ctx: CommunityContext, tenantId: string, transferId: string) {
  try {
    return await ctx.ledger.getTransfer({ tenantId, transferId })
  } catch (e) {
    if (isLedgerError(e) && e.code === 'TRANSFER_NOT_FOUND') return null
    throw e
  }
}

export async function gift(ctx: CommunityContext, input: z.input<typeof GiftInput>): Promise<OperationResult> {
  const r = parse(GiftInput, input)
  if (r.from === r.to) throw new CommunityError(CommunityErrorCode.VALIDATION, 'a gift goes to someone else', { from: r.from })
  const amount = amountOf(r.asset, r.amount)
  const transfer = {
    tenantId: r.tenantId,
    id: giftTransferId(r.id),
    from: memberAccount(r.from, r.asset),
    to: memberAccount(r.to, r.asset),
    amount: formatAmount(amount, POLICY_ASSETS[r.asset]),
  }
  // Asked again after it was made: the ledger replays it (or refuses a different gift under the same id).
  const made = await replay(ctx, transfer)
  if (made) return made
  await requireActiveMember(ctx.db, r.tenantId, r.from)
  await requireActiveMember(ctx.db, r.tenantId, r.to)
  const policy = await enforceGift(ctx, r.tenantId, { from: { type: 'member', id: r.from }, to: r.to, asset: r.asset, amount })
  return ctx.ledger.transfer({ ...transfer, metadata: metadataOf(r, policy.version) })
}

export async function donate(ctx: CommunityContext, input: z.input<typeof DonateInput>): Promise<OperationResult> {
  const r = parse(DonateInput, input)
  const amount = amountOf(r.asset, r.amount)
  const payer = 'memberId' in r.from ? ('member' as const) : ('organisation' as const)
  const transfer = {
    tenantId: r.tenantId,
    id: donationTransferId(r.id),
    from: 'memberId' in r.from ? memberAccount(r.from.memberId, r.asset) : organisationAccount(r.from.organisationId, r.asset),
    to: poolAccount(r.asset),
    amount: formatAmount(amount, POLICY_ASSETS[r.asset]),
  }
  const made = await replay(ctx, transfer)
  if (made) return made
  if ('memberId' in r.from) await requireActiveMember(ctx.db, r.tenantId, r.from.memberId)
  else await requireOrganisation(ctx.db, r.tenantId, r.from.organisationId)
  const { policy } = await enforce(ctx, r.tenantId, { action: 'donate', asset: r.asset, from: payer })
  return ctx.ledger.transfer({ ...transfer, metadata: metadataOf(r, policy.version) })
}

/** What the transfer records of a gift: who asked, the note, and the policy version that allowed it. */
const metadataOf = (r: { actor: string; note?: string | undefined }, policyVersion: number) => ({
  actor: r.actor,
  ...(r.note ? { note: r.note } : {}),
  policyVersion,
})

/**
 * Asked again after it was made: the same gift answers as made (whatever the policy says now); a different one
 * under the same id is IDEMPOTENCY_CONFLICT.
 */
async function replay(
  ctx: CommunityContext,
  t: { tenantId: string; id: string; from: string; to: string; amount: string },
): Promise<OperationResult | null> {
  const made = await done(ctx, t.tenantId, t.id)
  if (!made) return null
  if (made.from !== t.from || made.to !== t.to || made.amount !== t.amount) {
    throw new CommunityError(CommunityErrorCode.IDEMPOTENCY_CONFLICT, `id ${t.id} was used for a different gift or donation`, { id: t.id })
  }
  return { transfer: made, replayed: true }
}
