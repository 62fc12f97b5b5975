/**
 * `/me/gifts` (转赠): give hours or points to a relative, or donate them to the community pool. The
 * community's policy (who may receive, which of hours and points) is shown as it stands, the choice is
 * confirmed on a page of its own ("You are giving 2 hours to … Confirm?"), and only then posted; the
 * API's refusal (the policy, too little to give, the recipient's cap) is shown in plain words. The
 * gift's id is drawn with the form, so confirming twice gives once.
 */
import { ok } from '../../api.js'
import { requireMember } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import { type C, Shown, amountOf, doneNotice, newId, refused, seg, statusWord } from './kit.js'

const RELATION: Record<string, MessageKey> = {
  spouse: 'me.gifts.relation.spouse',
  child: 'me.gifts.relation.child',
  parent: 'me.gifts.relation.parent',
  sibling: 'me.gifts.relation.sibling',
  grandchild: 'me.gifts.relation.grandchild',
  grandparent: 'me.gifts.relation.grandparent',
  other: 'me.gifts.relation.other',
}

const RULE: Record<string, MessageKey> = {
  none: 'me.gifts.rule.none',
  anyone: 'me.gifts.rule.anyone',
  relatives: 'me.gifts.rule.relatives',
  'direct-relatives': 'me.gifts.rule.direct',
}

const DONE: Record<string, MessageKey> = { given: 'me.gifts.done.given', donated: 'me.gifts.done.donated' }

type Asset = 'HOUR' | 'POINT'
const ASSETS: Asset[] = ['HOUR', 'POINT']
const assetOf = (value: unknown): Asset => (value === 'POINT' ? 'POINT' : 'HOUR')

interface Choice {
  kind: 'gift' | 'donate'
  id: string
  to: string
  asset: Asset
  amount: string
}

/** The relatives of the member, as the API lists them: each named as a member may see another (masked). */
async function relativesOf(c: C, memberId: string) {
  return (await ok(c.var.api.v1.members[':memberId'].relatives.$get({ param: { memberId: seg(memberId) } }))).relatives
}

/** "子女 · 张*明 (m12)": the relation in words, the relative's name as the API shows it, and the member number. */
const relativeLabel = (c: C, r: { relativeId: string; relation: string; relativeName: string | null }) =>
  `${statusWord(c, RELATION, r.relation)} · ${r.relativeName === null ? r.relativeId : `${r.relativeName} (${r.relativeId})`}`

function AssetChoice({ c, assets, chosen }: { c: C; assets: readonly string[]; chosen: Asset }) {
  const { t } = c.var.words
  return (
    <fieldset>
      <legend>{t('me.gifts.what')}</legend>
      {ASSETS.filter((a) => assets.includes(a)).map((a) => (
        <label class="choice">
          <input type="radio" name="asset" value={a} checked={a === chosen} />
          {a === 'HOUR' ? t('me.gifts.asset.hours') : t('me.gifts.asset.points')}
        </label>
      ))}
    </fieldset>
  )
}

async function giftsPage(c: C, notice?: Shown, draft?: Choice) {
  const me = await requireMember(c)
  const { t } = c.var.words
  const [{ policy }, relatives] = await Promise.all([ok(c.var.api.v1.community.policy.$get()), relativesOf(c, me.memberId)])
  const rule = policy.gifting.recipients
  const giftable = policy.gifting.assets
  const gift = draft?.kind === 'gift' ? draft : undefined
  const donation = draft?.kind === 'donate' ? draft : undefined
  return c.html(
    <Page c={c} title={t('me.gifts.title')}>
      <Shown notice={notice ?? doneNotice(c, DONE)} />
      <h2>{t('me.gifts.give')}</h2>
      <p>{statusWord(c, RULE, rule)}</p>
      {rule === 'none' || giftable.length === 0 ? null : (
        <form method="post" action="/me/gifts/confirm" class="stack">
          <Csrf c={c} />
          <input type="hidden" name="kind" value="gift" />
          <input type="hidden" name="id" value={gift?.id ?? newId('gift')} />
          {relatives.length > 0 ? (
            <label>
              {t('me.gifts.to')}
              <select name="to" required={rule !== 'anyone'}>
                {rule === 'anyone' ? <option value="">{t('me.gifts.pick')}</option> : null}
                {relatives.map((r) => (
                  <option value={r.relativeId} selected={gift?.to === r.relativeId}>
                    {relativeLabel(c, r)}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <p class="muted">{t('me.gifts.noRelatives')}</p>
          )}
          {rule === 'anyone' ? (
            <label>
              {t('me.gifts.toNumber')}
              <input
                name="toNumber"
                autocapitalize="none"
                value={gift && !relatives.some((r) => r.relativeId === gift.to) ? gift.to : ''}
              />
            </label>
          ) : null}
          <AssetChoice c={c} assets={giftable} chosen={gift?.asset ?? assetOf(giftable[0])} />
          <label>
            {t('me.gifts.amount')}
            <input name="amount" required inputmode="decimal" value={gift?.amount ?? ''} />
          </label>
          {rule !== 'anyone' && relatives.length === 0 ? null : (
            <button type="submit" class="big">
              {t('me.gifts.next')}
            </button>
          )}
        </form>
      )}
      <h2>{t('me.gifts.donate')}</h2>
      {policy.donations ? (
        <form method="post" action="/me/gifts/confirm" class="stack">
          <Csrf c={c} />
          <input type="hidden" name="kind" value="donate" />
          <input type="hidden" name="id" value={donation?.id ?? newId('don')} />
          <p>{t('me.gifts.donateWhat')}</p>
          <AssetChoice c={c} assets={ASSETS} chosen={donation?.asset ?? 'HOUR'} />
          <label>
            {t('me.gifts.amount')}
            <input name="amount" required inputmode="decimal" value={donation?.amount ?? ''} />
          </label>
          <button type="submit" class="big">
            {t('me.gifts.next')}
          </button>
        </form>
      ) : (
        <p>{t('me.policy.donations')}</p>
      )}
    </Page>,
  )
}

/** The choice as posted: a relative picked from the list, or a member number typed in. */
async function choiceOf(c: C): Promise<Choice> {
  const form = await c.req.parseBody()
  return {
    kind: form.kind === 'donate' ? 'donate' : 'gift',
    id: text(form.id),
    to: text(form.toNumber) || text(form.to),
    asset: assetOf(form.asset),
    amount: text(form.amount),
  }
}

export function giftPages(web: WebApp): void {
  web.get('/me/gifts', (c) => giftsPage(c))

  // Nothing is given here: the page asks to confirm what was chosen.
  web.post('/me/gifts/confirm', async (c) => {
    const me = await requireMember(c)
    const { t } = c.var.words
    const choice = await choiceOf(c)
    const what = amountOf(c, choice.asset, choice.amount)
    let question: string
    if (choice.kind === 'donate') question = t('me.gifts.confirmDonate', { what })
    else {
      const relative = (await relativesOf(c, me.memberId)).find((r) => r.relativeId === choice.to)
      question = t('me.gifts.confirmGift', { what, who: relative ? relativeLabel(c, relative) : choice.to })
    }
    return c.html(
      <Page c={c} title={t('me.gifts.confirmTitle')}>
        <p class="lead">{question}</p>
        <form method="post" action={choice.kind === 'donate' ? '/me/gifts/donate' : '/me/gifts/give'} class="stack">
          <Csrf c={c} />
          {Object.entries({ id: choice.id, to: choice.to, asset: choice.asset, amount: choice.amount }).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <button type="submit" class="big">
            {choice.kind === 'donate' ? t('me.gifts.confirmDonateButton') : t('me.gifts.confirmGiftButton')}
          </button>
        </form>
        <p>
          <a class="button secondary" href="/me/gifts">
            {t('me.gifts.back')}
          </a>
        </p>
      </Page>,
    )
  })

  web.post('/me/gifts/give', async (c) => {
    await requireMember(c)
    const choice = await choiceOf(c)
    const res = await c.var.api.v1.gifts.$post({ json: { id: choice.id, to: choice.to, asset: choice.asset, amount: choice.amount } })
    if (!res.ok) return refused(c, res, (notice) => giftsPage(c, notice, choice))
    return c.redirect('/me/gifts?done=given', 303)
  })

  web.post('/me/gifts/donate', async (c) => {
    await requireMember(c)
    const choice = { ...(await choiceOf(c)), kind: 'donate' as const }
    const res = await c.var.api.v1.donations.$post({ json: { id: choice.id, asset: choice.asset, amount: choice.amount } })
    if (!res.ok) return refused(c, res, (notice) => giftsPage(c, notice, choice))
    return c.redirect('/me/gifts?done=donated', 303)
  })
}
