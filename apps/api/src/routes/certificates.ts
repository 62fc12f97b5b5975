/**
 * Volunteer service certificates (志愿服务证明): issued for a member's
 * approved hours of a period or of one activity, signed with the community's
 * Ed25519 key under a gap-free serial, read as JSON (the holder's copy of the
 * document, its signature and the public key: verifiable offline) or as a
 * printable page. The signed fields name the member by pseudonym and salted
 * name digest; the holder's copy adds `holder` (full name and salt) until the
 * member is erased.
 * Staff issue and read those of members in their scope; a member key reads
 * its own. Anyone may check one at `/v1/public/{tenantId}/certificates/{serial}/verify`.
 *
 * - `POST /v1/certificates` (admin, staff): `{ requestId?, memberId, period? | activityId?, content? }`.
 * - `GET /v1/certificates?memberId=&year=&limit=&cursor=`: staff every certificate in their scope, or a member's;
 *   a member key its own. `GET /v1/certificates/{serial}`, `GET /v1/certificates/{serial}/print` (HTML).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' -H 'Idempotency-Key: cert-ana-2026' \
 *   -d '{"memberId":"ana","period":"2026"}' http://127.0.0.1:3000/v1/certificates
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  type Certificate,
  CertificateOutput,
  CertificatePageOutput,
  CommunityId,
  IssueCertificateInput,
  IssueCertificateOutput,
  ListCertificatesInput,
} from '@timebank/community'
import type { Context } from 'hono'
import { CERTIFICATE_PAGE_CSP, certificatePage } from '../certificate-page.js'
import type { AppEnv, Deps } from '../context.js'
import { markReplayed, writeId } from '../idempotency.js'
import { authorize, scopeOf, selfOf } from '../permissions.js'
import { qrSvg } from '../qr.js'
import { ID_OR_HEADER, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

const tags = ['Certificates']

const CertificateSchema = CertificateOutput.extend({}).openapi('Certificate')
const IssuedSchema = IssueCertificateOutput.extend({ certificate: CertificateSchema }).openapi('IssuedCertificate')
const CertificateListSchema = CertificatePageOutput.extend({ certificates: z.array(CertificateSchema) }).openapi('CertificateList')

// IssueCertificateInput is refined (period or activityId): the body takes its fields, the community's parse the rule.
const { tenantId: _tenant, actor: _actor, ...issueFields } = IssueCertificateInput.shape
const IssueBody = z
  .strictObject({
    ...issueFields,
    requestId: issueFields.requestId
      .clone()
      .optional()
      .openapi({
        description: `Client-chosen id of this request, also the idempotency key. ${ID_OR_HEADER}`,
        example: 'cert-ana-2026',
      }),
    period: issueFields.period.clone().openapi({ description: 'Certify the approved hours counted in this month, quarter or year…' }),
    activityId: issueFields.activityId.clone().openapi({ description: '…or those of this activity (give one of the two).' }),
  })
  .openapi('IssueCertificateRequest')

const SerialParams = z.object({
  serial: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'a serial is a positive whole number')
    .openapi({ param: { name: 'serial', in: 'path' }, example: '12' }),
})
const ListQuery = z.object({
  memberId: CommunityId.optional().openapi({
    description: 'Whose certificates; a member key: its own (the default). Staff without it: every certificate in their scope.',
  }),
  year: ListCertificatesInput.shape.year
    .clone()
    .openapi({ description: "Only those issued in this year (the community's time zone).", example: '2026' }),
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/)
    .refine((s) => Number(s) <= 1000, 'limit is at most 1000')
    .optional()
    .openapi({ description: 'Page size, 1 to 1000 (100 by default).', example: '50' }),
  cursor: ListCertificatesInput.shape.cursor.clone().openapi({ description: "The previous page's `nextCursor`." }),
})

const READ_ERRORS = [400, 401, 403, 404] as const

const issue = createRoute({
  method: 'post',
  path: '/certificates',
  operationId: 'issueCertificate',
  tags,
  summary: "Issue a certificate of a member's approved hours of a period or an activity (admin, staff)",
  description:
    'Signed under the next serial of the community. The requestId (body or Idempotency-Key) makes retries safe: the same request again answers the same certificate with `replayed: true`. NOTHING_TO_CERTIFY when there are no approved hours.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(IssueBody, {
      year: {
        summary: "Zhang Wei's approved hours of 2026",
        value: { requestId: 'cert-zhangwei-2026', memberId: 'zhangwei', period: '2026' },
      },
      activity: {
        summary: 'The hours of one activity',
        value: { requestId: 'cert-zhangwei-clean-2026-03-02', memberId: 'zhangwei', activityId: 'clean-2026-03-02' },
      },
    }),
  },
  responses: { 201: replayable(json(IssuedSchema, 'The certificate')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/certificates',
  operationId: 'listCertificates',
  tags,
  summary: "Certificates, newest first: every one in scope (admin, staff), or a member's",
  description:
    "Staff without `memberId` get every certificate; a key limited to a grid, those of members living in its subtree now. With `memberId`, that member's (in scope). A member key reads its own only. Filter by the year issued; paged by `nextCursor`.",
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(CertificateListSchema, 'The certificates'), ...errors(...READ_ERRORS) },
})
const get = createRoute({
  method: 'get',
  path: '/certificates/{serial}',
  operationId: 'getCertificate',
  tags,
  summary: 'A certificate: the signed document, its signature and the public key that verifies it',
  description:
    'Verify offline (`verifyCertificate`): Ed25519 over the canonical JSON (sorted keys, no spaces) of `document` without `holder`, signature base64url, key SPKI DER base64; and SHA-256 of the canonical JSON of `holder` (`{ name, salt }`) is `document.member.nameDigest`. `holder` is gone once the member is erased.',
  security: bearer,
  request: { params: SerialParams },
  responses: { 200: json(CertificateSchema, 'The certificate'), ...errors(...READ_ERRORS) },
})
const print = createRoute({
  method: 'get',
  path: '/certificates/{serial}/print',
  operationId: 'printCertificate',
  tags,
  summary: 'The certificate as a printable page (A4, Chinese and English, with the QR code of its verify URL)',
  description: "A self-contained HTML page with the member's full name: for the member and staff in scope. Never cached.",
  security: bearer,
  request: { params: SerialParams },
  responses: {
    200: { description: 'An HTML page', content: { 'text/html': { schema: z.string().openapi({ example: '<!doctype html>…' }) } } },
    ...errors(...READ_ERRORS),
  },
})

const hiddenCertificate = (serial: string) =>
  ({ code: 'CERTIFICATE_NOT_FOUND', message: `certificate ${serial} not found`, details: { serial } }) as const

export function certificateRoutes(deps: Deps) {
  const { community } = deps

  /** The certificate, if the caller may read it; otherwise CERTIFICATE_NOT_FOUND, as for a missing one. */
  const readable = async (c: Context<AppEnv>, serial: string): Promise<Certificate> => {
    const tenantId = c.get('caller').tenantId
    const found = await community.getCertificate({ tenantId, serial })
    await authorize(c, deps, 'certificates.read', { memberId: found.memberId, hidden: hiddenCertificate(serial) })
    return found
  }

  return router()
    .openapi(issue, async (c) => {
      const body = c.req.valid('json')
      const caller = await authorize(c, deps, 'certificates.issue', {
        memberId: body.memberId,
        hidden: { code: 'MEMBER_NOT_FOUND', message: `member ${body.memberId} not found`, details: { memberId: body.memberId } },
      })
      const { certificate, replayed } = await community.issueCertificate({
        ...body,
        requestId: writeId(c, body.requestId),
        tenantId: caller.tenantId,
        actor: caller.keyId,
      })
      markReplayed(c, replayed)
      c.header('Location', `/v1/certificates/${certificate.serial}`)
      return c.json({ certificate, replayed }, 201)
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const caller = c.get('caller')
      const memberId = q.memberId ?? selfOf(caller)
      const filters = {
        ...(q.year !== undefined ? { year: q.year } : {}),
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      }
      if (memberId === undefined) {
        // Every certificate: a key limited to a grid sees those of its subtree's members.
        const gridPath = await scopeOf(c, deps)
        await authorize(c, deps, 'certificates.list', gridPath === undefined ? undefined : { gridPath })
        return c.json(
          await community.listCertificates({ tenantId: caller.tenantId, ...(gridPath !== undefined ? { gridPath } : {}), ...filters }),
          200,
        )
      }
      await authorize(c, deps, 'certificates.read', {
        memberId,
        hidden: { code: 'MEMBER_NOT_FOUND', message: `member ${memberId} not found`, details: { memberId } },
      })
      return c.json(await community.listCertificates({ tenantId: caller.tenantId, memberId, ...filters }), 200)
    })
    .openapi(get, async (c) => c.json(await readable(c, c.req.valid('param').serial), 200))
    .openapi(print, async (c) => {
      const { serial } = c.req.valid('param')
      const certificate = await readable(c, serial)
      const tenantId = c.get('caller').tenantId
      const [{ settings }, { revoked }, qr] = await Promise.all([
        community.getCommunity(tenantId),
        community.verifyBySerial({ tenantId, serial }),
        qrSvg(certificate.document.verifyUrl),
      ])
      const page = certificatePage({ certificate, timeZone: settings.timeZone, qrSvg: qr, revoked })
      return c.body(page, 200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': CERTIFICATE_PAGE_CSP,
        'X-Content-Type-Options': 'nosniff',
      })
    })
}
