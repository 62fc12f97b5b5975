/**
 * `timebank verify-journal`: recompute every entry chain of the books and check them against the latest
 * signed checkpoint; exit 1 naming the first broken link.
 *
 * @example
 * timebank verify-journal --json
 */
import { answer } from '../api.js'
import type { Command } from './command.js'

export const verifyJournal: Command = async ({ client, values, io }) => {
  const verdict = await answer<{
    ok: boolean
    checked: number
    chains: number
    firstBroken?: { accountId: string; shard: number; seq: string | null; reason: string }
    checkpoint?: { number: string; at: string; authentic: boolean } | null
  }>(client.v1.journal.verification.$get())
  if (values.json) {
    io.out.write(`${JSON.stringify(verdict, null, 2)}\n`)
    return verdict.ok ? 0 : 1
  }
  const against =
    verdict.checkpoint === undefined
      ? 'no community key: chains only'
      : verdict.checkpoint === null
        ? 'no checkpoint signed yet'
        : `checkpoint #${verdict.checkpoint.number} of ${verdict.checkpoint.at}${verdict.checkpoint.authentic ? '' : ' (NOT AUTHENTIC)'}`
  if (verdict.ok) {
    io.out.write(`books sound: ${verdict.checked} entries in ${verdict.chains} chains; ${against}\n`)
    return 0
  }
  const b = verdict.firstBroken
  io.out.write(
    b
      ? `BOOKS BROKEN at account ${b.accountId} (shard ${b.shard}), ${b.seq === null ? 'at the end of its chain' : `entry ${b.seq}`}: ${b.reason}; ${against}\n`
      : `BOOKS NOT SOUND; ${against}\n`,
  )
  return 1
}
