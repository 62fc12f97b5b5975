/**
 * A member as shown: the full record (for staff who may see it), or the
 * public view, masked (name 张*明, phone 138****1234, ID 1101…1234, an age
 * band instead of the birth date). An erased member shows only their
 * pseudonym either way: the personal fields are gone.
 *
 * @example
 * memberView(row)                         // staff
 * publicMemberView(row, '2026-03-02')     // anyone else; the day fixes the age band
 */
import { z } from 'zod'
import { maskIdNumber, maskPhone } from '../domain/mask.js'
import { AgeBand, MemberStatus, ageBand, publicName } from '../domain/member.js'
import type { members } from '../storage/schema.js'

export type MemberRow = typeof members.$inferSelect

export const MemberOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  status: MemberStatus,
  name: z.string().nullable().describe('Null once erased.'),
  phone: z.string().nullable(),
  idNumber: z.string().nullable(),
  birthDate: z.string().nullable().describe('YYYY-MM-DD.'),
  gridId: z.string().nullable().describe('Where the member lives now.'),
  pseudonym: z.string().describe('A stable, non-personal label (V-XXXXXXXX) that stands for the member once erased.'),
  metadata: z.record(z.string(), z.unknown()),
  appliedAt: z.date(),
  createdBy: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.date().nullable(),
  reviewNote: z.string().nullable(),
})
export type Member = z.output<typeof MemberOutput>

export const PublicMemberOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  status: MemberStatus,
  name: z.string().describe('Masked (张*明); the pseudonym once erased.'),
  phone: z.string().nullable().describe('Masked (138****1234).'),
  idNumber: z.string().nullable().describe('Masked: first and last four characters.'),
  ageBand: AgeBand.nullable().describe('All that is shown of the birth date.'),
  gridId: z.string().nullable(),
  pseudonym: z.string(),
})
export type PublicMember = z.output<typeof PublicMemberOutput>

export const memberView = (m: MemberRow): Member => ({
  tenantId: m.tenantId,
  id: m.id,
  status: m.status as MemberStatus,
  name: m.name,
  phone: m.phone,
  idNumber: m.idNumber,
  birthDate: m.birthDate,
  gridId: m.gridId,
  pseudonym: m.pseudonym,
  metadata: (m.metadata ?? {}) as Record<string, unknown>,
  appliedAt: m.appliedAt,
  createdBy: m.createdBy,
  reviewedBy: m.reviewedBy,
  reviewedAt: m.reviewedAt,
  reviewNote: m.reviewNote,
})

/** The masked view; `today` (YYYY-MM-DD in the community's time zone) gives the age band. */
export function publicMemberView(m: MemberRow, today: string): PublicMember {
  const erased = m.status === 'erased'
  return {
    tenantId: m.tenantId,
    id: m.id,
    status: m.status as MemberStatus,
    name: publicName(m),
    phone: erased || !m.phone ? null : maskPhone(m.phone),
    idNumber: erased || !m.idNumber ? null : maskIdNumber(m.idNumber),
    ageBand: erased || !m.birthDate ? null : ageBand(m.birthDate, today),
    gridId: m.gridId,
    pseudonym: m.pseudonym,
  }
}
