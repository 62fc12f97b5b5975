/**
 * The journal's public schemas: what `verifyJournal` takes and answers (see
 * chain.ts for the chain itself). Kept apart from the operations' schemas:
 * verification is an audit task, not a write. The storage's verdict is checked
 * against these types, so the two cannot drift.
 *
 * @example
 * const verdict = JournalVerdictOutput.parse(await ledger.verifyJournal({ tenantId: 'maple' }))
 */
import { z } from 'zod'
import { Id } from './schemas.js'

export const VerifyJournalInput = z.strictObject({ tenantId: Id })
export type VerifyJournalInput = z.input<typeof VerifyJournalInput>

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
  ok: z.boolean().describe('True when every chain recomputes and ends at its recorded head.'),
  checked: z.number().int().describe('Entries recomputed and found sound.'),
  chains: z.number().int().describe('Chains (balance rows) walked.'),
  firstBroken: ChainBreakOutput.optional().describe('The first broken link, in account order, then entry order.'),
})
export type JournalVerdict = z.output<typeof JournalVerdictOutput>
