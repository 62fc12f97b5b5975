/**
 * The tamper-evident books (admin): every ledger entry is chained to the one
 * before it on its account; checkpoints signed with the community's key commit
 * to every chain's head.
 *
 * - `GET /v1/journal/verification`: recompute every chain (and check them
 *   against the latest checkpoint when a community is set up); names the first
 *   broken link.
 * - `POST /v1/journal/checkpoints`: sign a checkpoint now (the server also
 *   makes one every `CHECKPOINT_INTERVAL_MS`).
 *
 * @example
 * curl -H "Authorization: Bearer $ADMIN" http://127.0.0.1:3000/v1/journal/verification
 */
import { createRoute } from '@hono/zod-openapi'
import { CheckpointOutput, JournalVerdictOutput } from '@timebank/ledger'
import type { Deps } from '../context.js'
import { authorize } from '../permissions.js'
import { errors, json } from '../schemas.js'
import { bearer, router } from './common.js'

const tags = ['Journal']

const VerdictSchema = JournalVerdictOutput.extend({}).openapi('JournalVerdict')
const CheckpointSchema = CheckpointOutput.extend({}).openapi('JournalCheckpoint')

const verify = createRoute({
  method: 'get',
  path: '/journal/verification',
  operationId: 'verifyJournal',
  tags,
  summary: 'Recompute every entry chain of the books and name the first broken link (admin)',
  description:
    'Walks every account’s chain of entries (each entry’s SHA-256 covers its content and the entry before it), checks each ends at the head its balance row records, and, when the community is set up, that every chain passes through the heads of the latest checkpoint signed with the community’s key (which finds a whole chain rewritten). Reads in pages without locks; the cost grows with the number of entries.',
  security: bearer,
  responses: { 200: json(VerdictSchema, 'The verdict: `ok`, and the first broken link when not'), ...errors(401, 403, 404) },
})

const checkpoint = createRoute({
  method: 'post',
  path: '/journal/checkpoints',
  operationId: 'createJournalCheckpoint',
  tags,
  summary: 'Sign a checkpoint of the books now (admin)',
  description:
    'A Merkle root over every chain’s head and length, signed with the community’s Ed25519 key (the one that signs certificates; its public key is in `GET /v1/community`).',
  security: bearer,
  responses: { 201: json(CheckpointSchema, 'The checkpoint'), ...errors(401, 403, 404) },
})

export function journalRoutes(deps: Deps) {
  const { community } = deps
  return router()
    .openapi(verify, async (c) => {
      const caller = await authorize(c, deps, 'journal.verify')
      return c.json(await community.verifyJournal({ tenantId: caller.tenantId }), 200)
    })
    .openapi(checkpoint, async (c) => {
      const caller = await authorize(c, deps, 'journal.checkpoint')
      return c.json(await community.checkpointJournal({ tenantId: caller.tenantId }), 201)
    })
}
