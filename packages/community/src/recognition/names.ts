/**
 * How a member is named in public (honour rolls, disclosure, a certificate's
 * public check) and on their own certificate: the rules live with the
 * member's (domain/member.ts); recognition and certificates read them here.
 *
 * @example
 * publicName({ name: '张小明', status: 'active', pseudonym: 'V-3f2a' })  // '张*明'
 * publicName({ name: null, status: 'erased', pseudonym: 'V-3f2a' })     // 'V-3f2a'
 */
export { type NamedMember, ownName, publicName } from '../domain/member.js'
