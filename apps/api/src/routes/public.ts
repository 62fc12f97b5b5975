/**
 * What anyone may see without a key: a community's disclosure list (公示:
 * approved hours of the last days, names masked, no ids), the check of a
 * certificate by its serial (the signature, whether it was revoked, the
 * signed document, which names the holder only by pseudonym and salted name
 * digest, and the name masked beside it) and the public key that verifies
 * certificates offline. Nothing here carries an id a client chose (member or
 * record ids) or anything to test a guessed name against. The
 * app lets `/v1/public/*` through without authentication; an unknown tenant
 * answers 404 COMMUNITY_NOT_FOUND.
 *
 * - `GET /v1/public/{tenantId}/disclosure?days=&limit=&cursor=`.
 * - `GET /v1/public/{tenantId}/certificates/{serial}/verify`.
 * - `GET /v1/public/{tenantId}/public-key`.
 *
 * @example
 * curl http://127.0.0.1:3000/v1/public/maple/certificates/12/verify
 */
import { createRoute, z } from '@hono/zod-openapi'
import { DisclosedRecordOutput, DisclosureOutput, VerificationOutput, PageCursor } from '@timebank/community'
import { Id } from '@timebank/ledger'
import type { Deps } from '../context.js'
import { errors, json } from '../schemas.js'
import { noKey, router } from './common.js'

const tags = ['Public']

const DisclosedRecordSchema = DisclosedRecordOutput.extend({}).openapi('DisclosedRecord')
const DisclosureSchema = DisclosureOutput.extend({ records: z.array(DisclosedRecordSchema) }).openapi('Disclosure')
const VerificationSchema = VerificationOutput.extend({}).openapi('CertificateVerification')
const PublicKeySchema = z
  .object({
    publicKey: z.string().openapi({ description: "The community's Ed25519 public key." }),
    algorithm: z.literal('Ed25519'),
    format: z.literal('spki-der-base64').openapi({ description: 'SubjectPublicKeyInfo, DER, base64.' }),
  })
  .openapi('CommunityPublicKey')

const TenantId = Id.clone().openapi({ param: { name: 'tenantId', in: 'path' }, example: 'maple' })
const TenantParams = z.object({ tenantId: TenantId })
const SerialParams = z.object({
  tenantId: TenantId,
  serial: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'a serial is a positive whole number')
    .openapi({ param: { name: 'serial', in: 'path' }, example: '12' }),
})
const DisclosureQuery = z.object({
  days: z
    .string()
    .regex(/^[1-9]\d{0,2}$/)
    .refine((s) => Number(s) <= 366, 'days is at most 366')
    .optional()
    .openapi({ description: "How many past days, 1 to 366; the community's setting by default.", example: '7' }),
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/)
    .refine((s) => Number(s) <= 1000, 'limit is at most 1000')
    .optional()
    .openapi({ description: 'Page size, 1 to 1000 (200 by default).', example: '200' }),
  cursor: PageCursor.clone().optional().openapi({ description: "The previous page's `nextCursor`." }),
})

const disclosure = createRoute({
  method: 'get',
  path: '/public/{tenantId}/disclosure',
  operationId: 'getDisclosure',
  tags,
  security: noKey,
  summary: 'The disclosure list (公示): hours approved in the last days, names masked (no key)',
  description:
    "Newest credit first. Only masked names (张*明; an erased member's pseudonym), the activity or task, the date, hours and points: no member or record ids. `nextCursor` is opaque.",
  request: { params: TenantParams, query: DisclosureQuery },
  responses: { 200: json(DisclosureSchema, 'The list'), ...errors(400, 404) },
})
const verify = createRoute({
  method: 'get',
  path: '/public/{tenantId}/certificates/{serial}/verify',
  operationId: 'verifyCertificate',
  tags,
  security: noKey,
  summary: 'Check a certificate by its serial (no key)',
  description:
    "`valid`: the signature is the community's over the document as issued. `revoked`: a record it certifies has been reversed since. `name`: the holder, masked (their pseudonym once erased). `document` is the signed document alone: the holder appears in it only as `member.pseudonym` and `member.nameDigest` (salted; the salt is the holder's), never by name or id.",
  request: { params: SerialParams },
  responses: { 200: json(VerificationSchema, 'The check'), ...errors(400, 404) },
})
const publicKey = createRoute({
  method: 'get',
  path: '/public/{tenantId}/public-key',
  operationId: 'getCommunityPublicKey',
  tags,
  security: noKey,
  summary: "The community's public key, to verify its certificates offline (no key)",
  request: { params: TenantParams },
  responses: { 200: json(PublicKeySchema, 'The key'), ...errors(400, 404) },
})

export function publicRoutes(deps: Deps) {
  const { community } = deps
  return router()
    .openapi(disclosure, async (c) => {
      const { tenantId } = c.req.valid('param')
      const q = c.req.valid('query')
      const found = await community.disclosure({
        tenantId,
        ...(q.days !== undefined ? { days: Number(q.days) } : {}),
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      })
      return c.json(found, 200)
    })
    .openapi(verify, async (c) => {
      const { tenantId, serial } = c.req.valid('param')
      c.header('Cache-Control', 'no-store')
      return c.json(await community.verifyBySerial({ tenantId, serial }), 200)
    })
    .openapi(publicKey, async (c) => {
      const { tenantId } = c.req.valid('param')
      const { publicKey } = await community.getCommunity(tenantId)
      c.header('Cache-Control', 'public, max-age=3600')
      return c.json({ publicKey, algorithm: 'Ed25519' as const, format: 'spki-der-base64' as const }, 200)
    })
}
