/**
 * `/staff/activities/:id/qr`: the check-in QR code full screen, for a projector or a tablet at the
 * door: the API's own SVG of the current check-in url (no user text in it, so it goes in as
 * markup), the six digits in big type for those who type them, and the activity's title. The page
 * reloads itself when the code changes (the previous code is still accepted for a step after, so
 * a phone scanning at that moment is not turned away).
 */
import { raw } from 'hono/html'
import { ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp } from '../../env.js'
import { Page } from '../../layout.js'
import { refusalOf } from '../form.js'
import type { C } from './kit.js'

async function currentCode(c: C, activityId: string) {
  return ok(c.var.api.v1.activities[':activityId']['checkin-code'].$get({ param: { activityId } }))
}

async function qrSvg(c: C, activityId: string): Promise<string> {
  const res = await c.var.api.v1.activities[':activityId']['checkin-qr.svg'].$get({ param: { activityId } })
  if (!res.ok) throw await refusalOf(res)
  return res.text()
}

/** Seconds from now until an instant, at least one. */
export const secondsUntil = (at: string, now = Date.now()): number => Math.max(1, Math.ceil((Date.parse(at) - now) / 1000))

export function activityQrPage(web: WebApp): void {
  web.get('/staff/activities/:id/qr', async (c) => {
    await requireStaff(c)
    const { t } = c.var.words
    const activityId = c.req.param('id')
    const activity = await ok(c.var.api.v1.activities[':activityId'].$get({ param: { activityId } }))
    // The code is read before and after the picture: when it changed in between, the picture is drawn again, so the
    // digits and the QR code always name the same code.
    let code = await currentCode(c, activityId)
    let svg = await qrSvg(c, activityId)
    const after = await currentCode(c, activityId)
    if (after.code !== code.code) {
      code = after
      svg = await qrSvg(c, activityId)
    }
    c.header('Cache-Control', 'no-store')
    return c.html(
      <Page
        c={c}
        bare
        title={activity.title}
        head={
          <meta
            http-equiv="refresh"
            content={`${secondsUntil(code.validUntil)}; url=/staff/activities/${encodeURIComponent(activityId)}/qr`}
          />
        }
      >
        <h1 class="qr-title">{activity.title}</h1>
        <div class="qr" role="img" aria-label={t('staff.qr.label')}>
          {raw(svg)}
        </div>
        <p class="qr-hint">{t('staff.qr.hint')}</p>
        <p class="code-big">{code.code}</p>
        <p class="no-print">
          <a href={`/staff/activities/${encodeURIComponent(activityId)}`}>{t('staff.qr.back')}</a>
        </p>
      </Page>,
    )
  })
}
