/**
 * A one-time sign-in link for a member's first sign-in (or a forgotten password): the member's user
 * is made first when they have none (`POST /v1/users`, role member, the id the form carried, so a
 * double submission replays), then the API makes the link. The page shows it once, as text and as
 * a QR code to print or scan, and is never cached. The form carries a nonce; the link is asked for
 * under an Idempotency-Key derived from it and this session's CSRF token, so a double submission
 * answers the same link instead of making a second valid one. The QR code is drawn by the `qrcode` package
 * from our own URL: no user text goes into its markup.
 */
import { createHash } from 'node:crypto'
import { raw } from 'hono/html'
import QRCode from 'qrcode'
import { ApiRefusal, ok } from '../../api.js'
import type { Me } from '../../env.js'
import { Page } from '../../layout.js'
import { type C, formRefusal, newId } from './kit.js'

/** The member's own sign-in users (enabled ones first). */
export async function usersOf(c: C, memberId: string) {
  const page = await ok(c.var.api.v1.users.$get({ query: { memberId, role: 'member', limit: '10' } }))
  return page.users.filter((u) => u.memberId === memberId).sort((a, b) => Number(a.disabledAt !== null) - Number(b.disabledAt !== null))
}

export type MemberUser = Awaited<ReturnType<typeof usersOf>>[number]

/** The member's first enabled user, if any. */
export async function enabledUserOf(c: C, memberId: string): Promise<MemberUser | undefined> {
  return (await usersOf(c, memberId)).find((u) => u.disabledAt === null)
}

export type Issued = { page: Response } | { refusal: ApiRefusal }

/** The address a link token signs in at, on this site. */
export function signInUrl(c: C, tenantId: string, token: string): string {
  const origin = new URL(c.req.url).origin
  return `${origin}/signin/link?tenant=${encodeURIComponent(tenantId)}&token=${encodeURIComponent(token)}`
}

/**
 * The Idempotency-Key of one link form: its nonce bound to this session's CSRF token (which only this
 * session's forms carry), so two submissions of one form share it and no other form can name it.
 */
export function linkKey(c: C, nonce: string): string {
  const digest = createHash('sha256')
    .update(`sign-in-link\u0000${c.var.csrf}\u0000${nonce || newId()}`)
    .digest('base64url')
  return `link-${digest.slice(0, 32)}`
}

export async function issueSignInLink(
  c: C,
  me: Me,
  memberId: string,
  form: { userId: string; login: string; nonce: string },
): Promise<Issued> {
  const { t, dateTime } = c.var.words
  const member = await ok(c.var.api.v1.members[':memberId'].$get({ param: { memberId } }))
  let user = await enabledUserOf(c, memberId)
  if (!user) {
    const res = await c.var.api.v1.users.$post({
      json: { id: form.userId || newId(), login: form.login, name: member.name ?? member.pseudonym, role: 'member', memberId },
    })
    if (!res.ok) return { refusal: await formRefusal(res) }
    user = await res.json()
  }
  const res = await c.var.api.v1.users[':userId']['sign-in-links'].$post(
    { param: { userId: user.id } },
    { headers: { 'Idempotency-Key': linkKey(c, form.nonce) } },
  )
  if (!res.ok) return { refusal: await formRefusal(res) }
  const link = await res.json()
  // Replayed for another session than the one that made it: its token is that session's alone.
  if (link.token === null)
    return { refusal: new ApiRefusal(409, 'SIGN_IN_LINK_SHOWN', t('staff.link.shownElsewhere'), undefined, undefined) }
  const url = signInUrl(c, me.tenantId, link.token)
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  c.header('Cache-Control', 'no-store')
  return {
    page: await c.html(
      <Page c={c} title={t('staff.link.title')}>
        <div class="sign-in-sheet">
          <p class="lead">{t('staff.link.for', { name: member.name ?? member.pseudonym })}</p>
          <div class="qr">{raw(svg)}</div>
          <dl class="facts">
            <dt>{t('staff.link.login')}</dt>
            <dd>{user.login}</dd>
            <dt>{t('staff.link.url')}</dt>
            <dd>
              <code class="link-text">{url}</code>
            </dd>
            <dt>{t('staff.link.expires')}</dt>
            <dd>{dateTime(link.expiresAt)}</dd>
          </dl>
          <p>{t('staff.link.howTo')}</p>
        </div>
        <p class="no-print muted">{t('staff.link.once')}</p>
        <p class="no-print">
          <a href={`/staff/members/${encodeURIComponent(memberId)}`}>{t('staff.link.back')}</a>
        </p>
      </Page>,
    ),
  }
}
