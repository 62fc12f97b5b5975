/**
 * The member's rules, free of storage: the state machine of a member's status
 * (the one place that says which action may follow which state), the personal
 * fields' formats (phone, ID-like number, birth date), the pseudonym that
 * stands for an erased member and how a member is named (masked in public,
 * the pseudonym once erased), age bands, and family relations with their
 * inverses.
 *
 *   applied ──approve──▶ active ──deactivate──▶ inactive ──reactivate──▶ active
 *   applied ──reject──▶ rejected
 *   any state but erased ──erase──▶ erased (final)
 *
 * @example
 * transition('applied', 'approve')   // 'active'
 * pseudonym(secret, 'maple', 'ana')  // 'V-' + 8 base32 characters, the same every time
 * publicName({ name: '张小明', status: 'active', pseudonym: 'V-3F2A…' })   // '张*明'
 * inverseRelation('child')           // 'parent'
 */
import { createHmac } from 'node:crypto'
import { z } from 'zod'
import { CommunityError, CommunityErrorCode } from './errors.js'
import { maskName } from './mask.js'

export const MemberStatus = z.enum(['applied', 'active', 'rejected', 'inactive', 'erased'])
export type MemberStatus = z.infer<typeof MemberStatus>

export type MemberAction = 'approve' | 'reject' | 'deactivate' | 'reactivate' | 'erase'
export const MEMBER_ACTIONS: readonly MemberAction[] = ['approve', 'reject', 'deactivate', 'reactivate', 'erase']

const NEXT: Record<MemberStatus, Partial<Record<MemberAction, MemberStatus>>> = {
  applied: { approve: 'active', reject: 'rejected', erase: 'erased' },
  active: { deactivate: 'inactive', erase: 'erased' },
  inactive: { reactivate: 'active', erase: 'erased' },
  rejected: { erase: 'erased' },
  erased: {},
}

/** The state `action` leads to from `status`, or null when it may not follow it. */
export function nextMemberStatus(status: MemberStatus, action: MemberAction): MemberStatus | null {
  return NEXT[status][action] ?? null
}

/** The state `action` leads to; INVALID_TRANSITION when it may not follow `status`. */
export function memberTransition(status: MemberStatus, action: MemberAction, memberId?: string): MemberStatus {
  const next = nextMemberStatus(status, action)
  if (next === null) {
    throw new CommunityError(CommunityErrorCode.INVALID_TRANSITION, `a ${status} member cannot be ${PAST[action]}`, {
      ...(memberId === undefined ? {} : { memberId }),
      status,
      action,
    })
  }
  return next
}

const PAST: Record<MemberAction, string> = {
  approve: 'approved',
  reject: 'rejected',
  deactivate: 'deactivated',
  reactivate: 'reactivated',
  erase: 'erased',
}

/**
 * The state each action ends in wherever it is allowed: a member already there is answered as is
 * (a retried approval, a second erasure), never refused.
 */
export const MEMBER_ACTION_TARGET: Record<MemberAction, MemberStatus> = {
  approve: 'active',
  reject: 'rejected',
  deactivate: 'inactive',
  reactivate: 'active',
  erase: 'erased',
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/**
 * What stands for a member once erased (and wherever a name must not show): `V-` and the first 8 base32
 * characters (RFC 4648 alphabet, 40 bits) of HMAC-SHA-256, keyed by the community's pseudonym secret
 * (domain/secrets.ts), of `tenantId/memberId`. Keyed, because member ids are chosen by clients and may be
 * phone numbers: an unkeyed hash of a few billion candidates is minutes of work. Stable for a community;
 * 40 bits keep two members of a 25,000-person community apart with odds of about 1 in 3,500 for any
 * collision at all.
 */
export function pseudonym(secret: string, tenantId: string, memberId: string): string {
  const digest = createHmac('sha256', secret).update(`${tenantId}/${memberId}`).digest()
  // 5 bytes = 40 bits = exactly 8 base32 characters; 40 bits fit a double exactly.
  let bits = 0
  for (let i = 0; i < 5; i++) bits = bits * 256 + (digest[i] as number)
  let out = ''
  for (let i = 7; i >= 0; i--) out += BASE32[Math.floor(bits / 2 ** (5 * i)) % 32]
  return `V-${out}`
}

/** What naming a member needs: the name (null once erased), the status, the pseudonym. */
export interface NamedMember {
  name: string | null
  status: string
  pseudonym: string
}

/** Whether a member has a name to show: not erased, and a name kept. Otherwise the pseudonym stands for them. */
const named = (m: NamedMember): m is NamedMember & { name: string } => m.status !== 'erased' && !!m.name

/**
 * How a member is named in public (honour rolls, disclosure, masked lists, a certificate's public check): the name
 * masked (张*明), or the pseudonym once erased, so nothing personal shows and an erased member stays unnamed.
 */
export const publicName = (m: NamedMember): string => (named(m) ? maskName(m.name) : m.pseudonym)

/** The member's own name, as on their certificate: the pseudonym once erased. */
export const ownName = (m: NamedMember): string => (named(m) ? m.name : m.pseudonym)

/** A Chinese mobile number: 11 digits, 13x to 19x. */
const CN_MOBILE = /^1[3-9]\d{9}$/

/**
 * A phone number as stored: spaces, dashes and dots removed; a Chinese mobile with +86 (or 0086)
 * kept as its 11 digits. Null when it is no phone: 6 to 20 digits with an optional leading +, and an
 * 11-digit number starting with 1 must be a real mobile prefix (13x-19x).
 */
export function normalizePhone(raw: string): string | null {
  let p = raw.trim().replace(/[\s.-]/g, '')
  const cn = /^(?:\+86|0086)(1\d{10})$/.exec(p)
  if (cn) p = cn[1] as string
  if (!/^\+?\d{6,20}$/.test(p)) return null
  if (/^1\d{10}$/.test(p) && !CN_MOBILE.test(p)) return null
  return p
}

export const Phone = z
  .string()
  .max(40)
  .transform((raw, c) => {
    const phone = normalizePhone(raw)
    if (phone === null) {
      c.addIssue({ code: 'custom', message: 'phones are 6-20 digits with an optional +; Chinese mobiles 11 digits from 13x to 19x' })
      return z.NEVER
    }
    return phone
  })

/**
 * An ID-like number (identity card, residence permit, passport): 6 to 32 letters and digits, kept
 * upper-case and without spaces, so `11010119900307123x` and `11010119900307123X` are one number.
 */
export const IdNumber = z
  .string()
  .max(64)
  .transform((s) => s.replace(/\s/g, '').toUpperCase())
  .pipe(z.string().regex(/^[0-9A-Z]{6,32}$/, 'ID numbers are 6-32 letters and digits'))

/** True for a YYYY-MM-DD that names a day of the calendar (no 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const at = new Date(Date.UTC(y, mo - 1, d))
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d
}

/** A birth date: a real calendar day from 1900 on (whether it is past is checked against the community's today). */
export const BirthDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD')
  .refine((s) => isCalendarDate(s) && s >= '1900-01-01', 'a real date, from 1900-01-01')

/** Full years between a birth date and a day (both YYYY-MM-DD): the age on that day. */
export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4))
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years
}

export const AgeBand = z.enum(['under-18', '18-29', '30-39', '40-49', '50-59', '60-64', '65-69', '70-79', '80+'])
export type AgeBand = z.infer<typeof AgeBand>

/**
 * The band an age falls in: all a public view shows of a birth date. 60 and 65 split their decade
 * because published redemption rules start there.
 */
export function ageBand(birthDate: string, today: string): AgeBand {
  const age = ageOn(birthDate, today)
  if (age < 18) return 'under-18'
  if (age < 30) return '18-29'
  if (age < 40) return '30-39'
  if (age < 50) return '40-49'
  if (age < 60) return '50-59'
  if (age < 65) return '60-64'
  if (age < 70) return '65-69'
  if (age < 80) return '70-79'
  return '80+'
}

/** What the relative is to the member. */
export const Relation = z.enum(['spouse', 'child', 'parent', 'sibling', 'grandchild', 'grandparent', 'other'])
export type Relation = z.infer<typeof Relation>

const INVERSE: Record<Relation, Relation> = {
  spouse: 'spouse',
  child: 'parent',
  parent: 'child',
  sibling: 'sibling',
  grandchild: 'grandparent',
  grandparent: 'grandchild',
  other: 'other',
}

/** What the member is to the relative, when the relative is `relation` to the member. */
export const inverseRelation = (relation: Relation): Relation => INVERSE[relation]

/** Direct relatives (直系亲属) and the spouse: the relations published gifting rules allow. */
export const DIRECT_RELATIONS: readonly Relation[] = ['spouse', 'parent', 'child', 'grandparent', 'grandchild']
export const isDirectRelation = (relation: Relation): boolean => DIRECT_RELATIONS.includes(relation)
