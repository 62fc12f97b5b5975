/**
 * What the wish tests start from: a community (tenant) on a migrated database
 * with grids `g1` and `g2` under `root`, active members placed in them, an
 * organisation `acme` and the community pool each funded with points, and
 * helpers reading the ledger's side of a wish.
 *
 * @example
 * const t = await wishSettingOn(db)
 * await t.community.postWish({ tenantId: t.tenantId, id: 'w1', posterId: 'lili', title: '书包', description: '', actor: 'k' })
 */
import type { LedgerDatabase } from '@timebank/ledger'
import { ASSETS, memberAccount, organisationAccount, poolAccount, wishEscrowAccount, wishStep, type WishStep } from '../domain/ids.js'
import { activeMembers } from '../testing/members.js'
import { type TestCommunity, communityOn } from '../testing/pglite.js'

export const RESIDENTS = ['lili', 'mei'] as const
export const VOLUNTEERS = ['bo', 'chen', 'dai'] as const

export interface WishSetting extends Omit<TestCommunity, 'close'> {
  /** Available points of a member, the organisation (`org:acme`), the pool (`pool`) or the escrow (`escrow`). */
  available(who: string): Promise<bigint>
  posted(who: string): Promise<bigint>
  /** The ledger's transfer under a wish step, or null. */
  step(wishId: string, step: WishStep): Promise<{ status: string; amount: string } | null>
}

const accountOf = (who: string) =>
  who === 'pool'
    ? poolAccount(ASSETS.points)
    : who === 'escrow'
      ? wishEscrowAccount(ASSETS.points)
      : who.startsWith('org:')
        ? organisationAccount(who.slice(4), ASSETS.points)
        : memberAccount(who, ASSETS.points)

export async function wishSettingOn(db: LedgerDatabase, funds: { pool?: string; acme?: string } = {}): Promise<WishSetting> {
  const t = await communityOn(db)
  const { community, tenantId, ledger } = t
  await community.createGrid({ tenantId, id: 'root', name: 'Maple', level: 'community', actor: 'setup' })
  await community.createGrid({ tenantId, id: 'g1', parentId: 'root', name: 'Grid 1', level: 'grid', actor: 'setup' })
  await community.createGrid({ tenantId, id: 'g2', parentId: 'root', name: 'Grid 2', level: 'grid', actor: 'setup' })
  await activeMembers(t, [...RESIDENTS], 'g1')
  await activeMembers(t, [...VOLUNTEERS], 'g2')
  await community.createOrganisation({ tenantId, id: 'acme', kind: 'partner', name: 'Acme', actor: 'setup' })
  const evidence = { activity: 'funding', reviewer: 'setup' }
  await ledger.earn({ tenantId, id: 'fund-pool', to: poolAccount(ASSETS.points), amount: funds.pool ?? '1000', evidence })
  await ledger.earn({ tenantId, id: 'fund-acme', to: organisationAccount('acme', ASSETS.points), amount: funds.acme ?? '500', evidence })
  // The escrow is opened by the first wish with a reward: before it, it holds nothing.
  const balance = (who: string) =>
    ledger.getBalance({ tenantId, accountId: accountOf(who) }).catch((e: { code?: string }) => {
      if (who === 'escrow' && e.code === 'ACCOUNT_NOT_FOUND') return { posted: '0', available: '0' }
      throw e
    })
  return {
    ...t,
    available: async (who) => BigInt((await balance(who)).available),
    posted: async (who) => BigInt((await balance(who)).posted),
    async step(wishId, step) {
      try {
        const tr = await ledger.getTransfer({ tenantId, transferId: wishStep(wishId, step) })
        return { status: tr.status, amount: tr.amount }
      } catch (e) {
        if ((e as { code?: string }).code === 'TRANSFER_NOT_FOUND') return null
        throw e
      }
    },
  }
}
