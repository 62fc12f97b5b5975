/**
 * How a member is named in public (honour rolls, disclosure, a certificate's
 * public check): the name masked (张*明), or the pseudonym once the member is
 * erased, so nothing personal is shown and an erased member stays unnamed.
 *
 * @example
 * publicName({ name: '张小明', status: 'active', pseudonym: 'V-3f2a' })  // '张*明'
 * publicName({ name: null, status: 'erased', pseudonym: 'V-3f2a' })     // 'V-3f2a'
 */
import { maskName } from '../domain/mask.js'

export interface NamedMember {
  name: string | null
  status: string
  pseudonym: string
}

export function publicName(m: NamedMember): string {
  return m.status === 'erased' || m.name === null ? m.pseudonym : maskName(m.name)
}

/** The member's own name, as on their certificate: the pseudonym once erased. */
export function ownName(m: NamedMember): string {
  return m.status === 'erased' || m.name === null ? m.pseudonym : m.name
}
