/**
 * The reports `timebank export` writes, each read through the typed client
 * and laid out as a table: a member's statement, the honour roll, the grid
 * roll-ups, the reward stock report and the disclosure list (公示).
 */
import type { Client } from '@timebank/api/client'
import { Stop, answer } from '../api.js'
import type { Values } from '../commands/command.js'
import { type Table, col } from './table.js'

type Report = (client: Client, values: Values) => Promise<Table>

const need = (value: string | undefined, option: string, what: string): string => {
  if (value === undefined) throw new Stop(`export ${what} needs --${option}`)
  return value
}

const statement: Report = async (client, v) => {
  const memberId = need(v.member, 'member', 'statement')
  const period = need(v.period, 'period', 'statement')
  const s = await answer<{
    accountId: string
    asset: string
    from: string
    closingAt: string
    opening: string
    closing: string
    entries: {
      seq: string
      createdAt: string
      type: string
      transferId: string
      counterparty: string
      amount: string
      balanceAfter: string | null
    }[]
  }>(
    client.v1.members[':memberId'].statement.$get({
      param: { memberId },
      query: { period, ...(v.asset ? { asset: v.asset as 'HOUR' } : {}) },
    }),
  )
  // Opening and closing as rows of their own, so the sheet reads as the statement does: balance, entries, balance.
  return {
    name: `${memberId} ${period}`,
    columns: [
      col('at', '时间'),
      col('type', '类型'),
      col('transferId', '流水号'),
      col('counterparty', '对方账户'),
      col('amount', '金额', 'amount'),
      col('balance', '余额', 'amount'),
    ],
    rows: [
      { at: s.from, type: 'opening', transferId: '', counterparty: '', amount: null, balance: s.opening },
      ...s.entries.map((e) => ({
        at: e.createdAt,
        type: e.type,
        transferId: e.transferId,
        counterparty: e.counterparty,
        amount: e.amount,
        balance: e.balanceAfter,
      })),
      { at: s.closingAt, type: 'closing', transferId: '', counterparty: '', amount: null, balance: s.closing },
    ],
  }
}

const honourRoll: Report = async (client, v) => {
  const period = need(v.period, 'period', 'honour-roll')
  if (v.by !== undefined && v.by !== 'hours' && v.by !== 'points') throw new Stop('--by is hours or points')
  const roll = await answer<{ entries: Record<string, string | number | null>[] }>(
    client.v1['honour-roll'].$get({
      query: {
        period,
        ...(v.by ? { by: v.by as 'hours' } : {}),
        ...(v.grid ? { gridId: v.grid } : {}),
        ...(v.limit ? { limit: v.limit } : {}),
      },
    }),
  )
  return {
    name: `honour roll ${period}`,
    columns: [
      col('rank', '名次', 'int'),
      col('memberId', '编号'),
      col('name', '姓名'),
      col('gridId', '网格'),
      col('hours', '时长', 'amount'),
      col('points', '积分', 'amount'),
      col('records', '记录数', 'int'),
    ],
    rows: roll.entries,
  }
}

const rollups: Report = async (client, v) => {
  const period = need(v.period, 'period', 'rollups')
  const r = await answer<{ grids: Record<string, string | number>[] }>(
    client.v1.rollups.$get({ query: { period, ...(v.grid ? { under: v.grid } : {}) } }),
  )
  return {
    name: `rollups ${period}`,
    columns: [
      col('gridId', '网格'),
      col('name', '名称'),
      col('path', '路径'),
      col('members', '成员', 'int'),
      col('activeVolunteers', '活跃志愿者', 'int'),
      col('hours', '时长', 'amount'),
      col('points', '积分', 'amount'),
      col('activities', '活动数', 'int'),
    ],
    rows: r.grids,
  }
}

const rewardStock: Report = async (client) => {
  const r = await answer<{ rewards: (Record<string, string | boolean> & { rows: Record<string, string> })[] }>(
    client.v1['reward-stock'].$get({ query: {} }),
  )
  return {
    name: 'reward stock',
    columns: [
      col('rewardId', '编号'),
      col('name', '名称'),
      col('price', '单价', 'amount'),
      col('onShelf', '在架', 'amount'),
      col('reserved', '预留', 'amount'),
      col('handedOut', '已兑出', 'amount'),
      col('writtenOff', '报损', 'amount'),
      col('restocked', '入库', 'amount'),
      col('pointsReceived', '收到积分', 'amount'),
      col('pointsReserved', '冻结积分', 'amount'),
      col('matches', '账物相符'),
    ],
    rows: r.rewards.map(({ rows: _rows, ...reward }) => reward),
  }
}

const disclosure: Report = async (client, v) => {
  const tenant = await answer<{ id: string }>(client.v1.tenant.$get())
  const rows: Record<string, string>[] = []
  let cursor: string | undefined
  // Every page: the list is short (days of approvals) but may pass one page.
  do {
    const page = await answer<{ records: Record<string, string>[]; nextCursor: string | null }>(
      client.v1.public[':tenantId'].disclosure.$get({
        param: { tenantId: tenant.id },
        query: { limit: '1000', ...(v.days ? { days: v.days } : {}), ...(cursor ? { cursor } : {}) },
      }),
    )
    rows.push(...page.records)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return {
    name: 'disclosure',
    columns: [
      col('name', '姓名'),
      col('title', '活动'),
      col('date', '日期'),
      col('hours', '时长', 'amount'),
      col('points', '积分', 'amount'),
    ],
    rows,
  }
}

export const REPORTS: Record<string, Report> = {
  statement,
  'honour-roll': honourRoll,
  rollups,
  'reward-stock': rewardStock,
  disclosure,
}
