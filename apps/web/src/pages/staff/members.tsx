/**
 * `/staff/members`: the members this user may see (a grid leader: their subtree, as the API
 * lists it), searched and filtered by status and grid, names and phones masked as the API masks
 * them; and `/staff/members/new`, registering a member (an application, or approved at once).
 */
import type { ApiRefusal } from '../../api.js'
import { ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import { type C, type GridChoice, GridOptions, NextPage, RefusalNotice, formRefusal, formStatus, gridChoices, newId, oneOf } from './kit.js'

export const MEMBER_STATUSES = ['applied', 'active', 'rejected', 'inactive', 'erased'] as const
export type MemberStatus = (typeof MEMBER_STATUSES)[number]
export const memberStatusKey = (s: MemberStatus): MessageKey => `staff.memberStatus.${s}`

const PAGE = 50

interface RegisterView {
  id: string
  name?: string
  phone?: string
  birthDate?: string
  gridId?: string
  approve?: boolean
  refusal?: ApiRefusal
}

function RegisterForm({ c, grids, view }: { c: C; grids: GridChoice[]; view: RegisterView }) {
  const { t } = c.var.words
  return (
    <Page c={c} title={t('staff.members.new.title')}>
      <RefusalNotice c={c} refusal={view.refusal} />
      <form method="post" action="/staff/members/new" class="stack">
        <Csrf c={c} />
        <input type="hidden" name="id" value={view.id} />
        <label>
          {t('staff.member.name')}
          <input name="name" required maxlength={100} autocomplete="off" value={view.name ?? ''} />
        </label>
        <label>
          {`${t('staff.member.phone')} (${t('form.optional')})`}
          <input name="phone" type="tel" inputmode="tel" autocomplete="off" value={view.phone ?? ''} />
        </label>
        <label>
          {`${t('staff.member.birthDate')} (${t('form.optional')})`}
          <input name="birthDate" type="date" value={view.birthDate ?? ''} />
        </label>
        <label>
          {t('staff.member.grid')}
          <select name="gridId">
            <GridOptions grids={grids} selected={view.gridId} blank={t('staff.member.noGrid')} />
          </select>
        </label>
        <label class="check">
          <input type="checkbox" name="approve" value="1" checked={view.approve ?? true} />
          {t('staff.members.new.approve')}
        </label>
        <button type="submit">{t('staff.members.new.submit')}</button>
      </form>
    </Page>
  )
}

export function memberListPages(web: WebApp): void {
  web.get('/staff/members', async (c) => {
    const me = await requireStaff(c)
    const { t } = c.var.words
    const search = c.req.query('q')?.trim() || undefined
    const status = oneOf(c.req.query('status'), MEMBER_STATUSES)
    const gridId = c.req.query('grid') || undefined
    const after = c.req.query('after') || undefined
    const [grids, page] = await Promise.all([
      gridChoices(c, me),
      ok(
        c.var.api.v1.members.$get({
          query: {
            limit: String(PAGE),
            ...(search ? { search } : {}),
            ...(status ? { status } : {}),
            ...(gridId ? { gridId } : {}),
            ...(after ? { after } : {}),
          },
        }),
      ),
    ])
    return c.html(
      <Page c={c} title={t('staff.members.title')}>
        <p>
          <a class="button" href="/staff/members/new">
            {t('staff.members.new.title')}
          </a>
        </p>
        <form method="get" action="/staff/members" class="filters">
          <label>
            {t('staff.members.search')}
            <input name="q" type="search" value={search ?? ''} />
          </label>
          <label>
            {t('staff.members.status')}
            <select name="status">
              <option value="">{t('staff.all')}</option>
              {MEMBER_STATUSES.map((s) => (
                <option value={s} selected={s === status}>
                  {t(memberStatusKey(s))}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('staff.member.grid')}
            <select name="grid">
              <GridOptions grids={grids} selected={gridId} blank={t('staff.all')} />
            </select>
          </label>
          <button type="submit">{t('staff.filter')}</button>
        </form>
        {page.members.length === 0 ? (
          <p class="muted">{t('list.empty')}</p>
        ) : (
          <table class="responsive">
            <caption class="muted">{t('staff.members.masked')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.member.name')}</th>
                <th scope="col">{t('staff.member.id')}</th>
                <th scope="col">{t('staff.member.phone')}</th>
                <th scope="col">{t('staff.members.status')}</th>
                <th scope="col">{t('staff.member.grid')}</th>
              </tr>
            </thead>
            <tbody>
              {page.members.map((m) => (
                <tr>
                  <td data-label={t('staff.member.name')}>
                    <a href={`/staff/members/${encodeURIComponent(m.id)}`}>{m.name}</a>
                  </td>
                  <td data-label={t('staff.member.id')}>{m.id}</td>
                  <td data-label={t('staff.member.phone')}>{m.phone ?? ''}</td>
                  <td data-label={t('staff.members.status')}>{t(memberStatusKey(m.status))}</td>
                  <td data-label={t('staff.member.grid')}>{m.gridId ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <NextPage c={c} param="after" value={page.nextAfter} />
      </Page>,
    )
  })

  web.get('/staff/members/new', async (c) => {
    const me = await requireStaff(c)
    return c.html(<RegisterForm c={c} grids={await gridChoices(c, me)} view={{ id: newId(), gridId: me.gridId ?? '' }} />)
  })

  web.post('/staff/members/new', async (c) => {
    const me = await requireStaff(c)
    const form = await c.req.parseBody()
    const view: RegisterView = {
      id: text(form.id) || newId(),
      name: text(form.name),
      phone: text(form.phone),
      birthDate: text(form.birthDate),
      gridId: text(form.gridId),
      approve: text(form.approve) === '1',
    }
    const res = await c.var.api.v1.members.$post({
      json: {
        id: view.id,
        name: view.name ?? '',
        approve: view.approve ?? false,
        ...(view.phone ? { phone: view.phone } : {}),
        ...(view.birthDate ? { birthDate: view.birthDate } : {}),
        ...(view.gridId ? { gridId: view.gridId } : {}),
      },
    })
    if (!res.ok) {
      const refusal = await formRefusal(res)
      c.status(formStatus(refusal))
      return c.html(<RegisterForm c={c} grids={await gridChoices(c, me)} view={{ ...view, refusal }} />)
    }
    const made = await res.json()
    return c.redirect(`/staff/members/${encodeURIComponent(made.id)}?done=registered`, 303)
  })
}
