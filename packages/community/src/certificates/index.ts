/**
 * The certificate use cases, bound to a community context (see community.ts):
 * issuing signed volunteer service certificates and checking them.
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { issueCertificate } from './issue.js'
import { getCertificate, listCertificates, verifyBySerial } from './queries.js'

export function certificateUseCases(ctx: CommunityContext) {
  return {
    /**
     * Certify a member's approved hours of a period or an activity, signed, under the next gap-free serial; the same
     * requestId again returns the same certificate. Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND,
     * ACTIVITY_NOT_FOUND, NOTHING_TO_CERTIFY, IDEMPOTENCY_CONFLICT.
     */
    issueCertificate: (input: Input<typeof issueCertificate>) => issueCertificate(ctx, input),
    /** Codes: VALIDATION, COMMUNITY_NOT_FOUND, CERTIFICATE_NOT_FOUND. */
    getCertificate: (input: Input<typeof getCertificate>) => getCertificate(ctx, input),
    /** A member's certificates, newest first. Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND. */
    listCertificates: (input: Input<typeof listCertificates>) => listCertificates(ctx, input),
    /**
     * The public check: signature valid, revoked (a certified record reversed since), the document with the name masked.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, CERTIFICATE_NOT_FOUND.
     */
    verifyBySerial: (input: Input<typeof verifyBySerial>) => verifyBySerial(ctx, input),
  }
}
