/**
 * The journal's public schemas: what `verifyJournal` and `checkpoint` take and
 * answer (see chain.ts for the chain itself, checkpoint.ts for checkpoints). Kept apart from the operations' schemas:
 * verification is an audit task, not a write. The storage's verdict is checked
 * against these types, so the two cannot drift.
 *
 * @example
 * const verdict = JournalVerdictOutput.parse(await ledger.verifyJournal({ tenantId: 'maple' }))
 */
import { KeyObject } from 'node:crypto'
import { z } from 'zod'
import { Id } from './schemas.js'

/** A key as the community keeps it (DER, base64) or a KeyObject; checked to be Ed25519 when used. */
const Key = (format: string) =>
  z
    .union([z.string().min(1).max(10_000), z.custom<KeyObject>((v) => v instanceof KeyObject, 'expected a KeyObject')])
    .describe(`The tenant's Ed25519 key: ${format}, base64, or a KeyObject.`)

export const VerifyJournalInput = z.strictObject({
  tenantId: Id,
  /** With the public key, the chains are also checked against the tenant's latest signed checkpoint. */
  publicKey: Key('SPKI DER').optional(),
})
export type VerifyJournalInput = z.input<typeof VerifyJournalInput>

export const CheckpointInput = z.strictObject({ tenantId: Id, privateKey: Key('PKCS#8 DER') })
export type CheckpointInput = z.input<typeof CheckpointInput>

export const CheckpointOutput = z.object({
  tenantId: z.string(),
  number: z.string().describe('1, 2, … per tenant.'),
  at: z.date(),
  root: z
    .string()
    .describe('Merkle root over every chain (account, shard, head, length), sorted by account id (UTF-8 bytes) then shard; hex.'),
  previousRoot: z.string().nullable().describe("The root of the tenant's checkpoint before this one; null for the first."),
  chains: z.number().int(),
  entries: z.string().describe('Entries under all chains.'),
  signature: z.string().describe('Ed25519 signature of the canonical checkpoint text, base64url.'),
})
export type Checkpoint = z.output<typeof CheckpointOutput>

export const ChainBreakOutput = z.object({
  accountId: z.string(),
  shard: z.number().int().describe('Balance row of the account (0, or a shard of a hot account): each has its own chain.'),
  seq: z.string().nullable().describe('The entry where the chain first fails; null when it fails at its end.'),
  reason: z
    .enum(['unchained', 'hash', 'head', 'checkpoint'])
    .describe(
      'unchained: the entry has no hash; hash: it is not the hash of its content after its predecessor (this entry or one before it was edited, removed or moved); head: the chain does not end where its balance row says; checkpoint: it does not pass through the head a signed checkpoint recorded.',
    ),
})

export const JournalVerdictOutput = z.object({
  ok: z
    .boolean()
    .describe('True when every chain recomputes, ends at its recorded head and (with a key) passes through an authentic checkpoint.'),
  checked: z.number().int().describe('Entries recomputed and found sound.'),
  chains: z.number().int().describe('Chains (balance rows) walked.'),
  firstBroken: ChainBreakOutput.optional().describe('The first broken link, in account order, then entry order.'),
  checkpoint: z
    .object({
      number: z.string(),
      at: z.date(),
      root: z.string(),
      authentic: z
        .boolean()
        .describe('Its leaves hash to its root and its signature verifies under the key: else it is ignored and `ok` is false.'),
    })
    .nullable()
    .optional()
    .describe('Given a public key: the latest checkpoint the chains were checked against, null when the tenant has none.'),
})
export type JournalVerdict = z.output<typeof JournalVerdictOutput>
