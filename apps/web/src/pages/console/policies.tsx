/**
 * The community's policy: the version in force with each rule in words, every version (who, when,
 * why), what changed between two versions rule by rule (old → new), and for admins a new version
 * written as JSON with its reason. The API validates the policy; its issues are shown as it gives them.
 */
import type { Context } from 'hono'
import { type ApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { Me, WebApp, WebEnv } from '../../env.js'
import { Csrf, Notice, Page } from '../../layout.js'
import { text } from '../form.js'
import { describeRule, diffPolicies, rulesOf, ruleTitle } from './policy-words.js'
import { Done, Refused, afterForm, query } from './shared.js'

type Ctx = Context<WebEnv>

interface ChangeView {
  error?: ApiRefusal
  /** The form's own complaint: the text is not JSON. */
  notJson?: boolean
  policy?: string
  reason?: string
}

/** A version number asked for in the query, or undefined. */
const versionParam = (c: Ctx, name: string): string | undefined => {
  const value = query(c, name)
  return value && /^\d{1,9}$/.test(value) ? value : undefined
}

async function policiesPage(c: Ctx, me: Me, view: ChangeView = {}): Promise<Response> {
  const { t, dateTime } = c.var.words
  const [current, list] = await Promise.all([ok(c.var.api.v1.community.policy.$get()), ok(c.var.api.v1.community.policies.$get())])
  const versions = list.policies
  const toVersion = versionParam(c, 'to') ?? String(current.version)
  const fromVersion = versionParam(c, 'from') ?? (Number(toVersion) > 1 ? String(Number(toVersion) - 1) : undefined)
  const [from, to] =
    fromVersion === undefined
      ? [undefined, undefined]
      : await Promise.all([
          ok(c.var.api.v1.community.policies[':version'].$get({ param: { version: fromVersion } })),
          ok(c.var.api.v1.community.policies[':version'].$get({ param: { version: toVersion } })),
        ])
  const changes = from && to ? diffPolicies(from.policy, to.policy) : []
  const policy = current.policy as unknown as Record<string, unknown>

  return c.html(
    <Page c={c} title={t('console.policy.title')}>
      <Done c={c} notes={{ changed: 'console.policy.changed' }} />
      <Refused refusal={view.error} />
      {view.notJson ? <Notice kind="error">{t('console.policy.notJson')}</Notice> : null}

      <h2>{t('console.policy.inForce', { version: current.version })}</h2>
      <p class="muted">
        {t('console.policy.since', { at: dateTime(current.createdAt), by: current.createdBy ?? t('console.policy.system') })}
      </p>
      <table class="responsive">
        <thead>
          <tr>
            <th scope="col">{t('console.policy.rule')}</th>
            <th scope="col">{t('console.policy.meaning')}</th>
          </tr>
        </thead>
        <tbody>
          {rulesOf(policy).map((rule) => (
            <tr>
              <th scope="row" data-label={t('console.policy.rule')}>
                {ruleTitle(c.var.words, rule)}
              </th>
              <td data-label={t('console.policy.meaning')}>{describeRule(c.var.words, rule, policy[rule])}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('console.policy.versions')}</h2>
      <table class="responsive">
        <thead>
          <tr>
            <th scope="col" class="num">
              {t('console.policy.version')}
            </th>
            <th scope="col">{t('console.policy.author')}</th>
            <th scope="col">{t('console.policy.at')}</th>
            <th scope="col">{t('console.reason')}</th>
            <th scope="col">{t('console.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr>
              <th scope="row" data-label={t('console.policy.version')} class="num">
                {v.version}
              </th>
              <td data-label={t('console.policy.author')}>{v.createdBy ?? t('console.policy.system')}</td>
              <td data-label={t('console.policy.at')}>{dateTime(v.createdAt)}</td>
              <td data-label={t('console.reason')}>{v.reason ?? '—'}</td>
              <td data-label={t('console.actions')}>
                {v.version > 1 ? (
                  <a href={`/staff/policies?from=${v.version - 1}&to=${v.version}#diff`}>{t('console.policy.compareWithPrevious')}</a>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="diff">{t('console.policy.diff')}</h2>
      <form method="get" action="/staff/policies#diff" class="filters">
        <label>
          {t('console.policy.from')}
          <select name="from">
            {versions.map((v) => (
              <option value={String(v.version)} selected={String(v.version) === fromVersion}>
                {v.version}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('console.policy.to')}
          <select name="to">
            {versions.map((v) => (
              <option value={String(v.version)} selected={String(v.version) === toVersion}>
                {v.version}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('console.policy.compare')}</button>
      </form>
      {from && to ? (
        changes.length === 0 ? (
          <p>{t('console.policy.same', { from: from.version, to: to.version })}</p>
        ) : (
          <table class="responsive diff">
            <caption>{t('console.policy.diffCaption', { from: from.version, to: to.version })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('console.policy.rule')}</th>
                <th scope="col">{t('console.policy.change')}</th>
                <th scope="col">{t('console.policy.before', { version: from.version })}</th>
                <th scope="col">{t('console.policy.after', { version: to.version })}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((change) => (
                <tr>
                  <th scope="row" data-label={t('console.policy.rule')}>
                    {ruleTitle(c.var.words, change.rule)}
                  </th>
                  <td data-label={t('console.policy.change')}>
                    <span class={`badge ${change.kind}`}>{t(`console.policy.kind.${change.kind}`)}</span>
                    <ul class="leaves">
                      {change.leaves.map((leaf) => (
                        <li>
                          {leaf.path ? <code>{leaf.path}</code> : null} {leaf.from ?? '—'} → {leaf.to ?? '—'}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label={t('console.policy.before', { version: from.version })}>
                    {describeRule(c.var.words, change.rule, (from.policy as unknown as Record<string, unknown>)[change.rule])}
                  </td>
                  <td data-label={t('console.policy.after', { version: to.version })}>
                    {describeRule(c.var.words, change.rule, (to.policy as unknown as Record<string, unknown>)[change.rule])}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : (
        <p class="muted">{t('console.policy.onlyOne')}</p>
      )}

      {me.role === 'admin' ? (
        <>
          <h2>{t('console.policy.changeTitle')}</h2>
          <p class="muted">{t('console.policy.changeIntro')}</p>
          <form method="post" action="/staff/policies" class="stack wide">
            <Csrf c={c} />
            <label>
              {t('console.policy.json')}
              <textarea name="policy" rows={24} required spellcheck={false} class="code">
                {view.policy ?? JSON.stringify(current.policy, null, 2)}
              </textarea>
            </label>
            <label>
              {t('console.reason')}
              <input name="reason" required maxlength={500} value={view.reason ?? ''} />
            </label>
            <button type="submit">{t('console.policy.changeSubmit')}</button>
          </form>
        </>
      ) : null}
    </Page>,
  )
}

export function policyPages(web: WebApp): void {
  web.get('/staff/policies', async (c) => policiesPage(c, await requireStaff(c)))

  web.post('/staff/policies', async (c) => {
    const me = await requireStaff(c)
    const body = await c.req.parseBody()
    const written = typeof body.policy === 'string' ? body.policy : ''
    const reason = text(body.reason)
    let policy: unknown
    try {
      policy = JSON.parse(written)
    } catch {
      c.status(400)
      return policiesPage(c, me, { notJson: true, policy: written, reason })
    }
    const res = await c.var.api.v1.community.policies.$post({
      // The API validates the policy's shape; the text is only decoded here.
      json: { policy: policy as never, ...(reason ? { reason } : {}) },
    })
    return afterForm(
      c,
      res,
      (error) => policiesPage(c, me, { error, policy: written, reason }),
      () => c.redirect('/staff/policies?done=changed', 303),
    )
  })
}
