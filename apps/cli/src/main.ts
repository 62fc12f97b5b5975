/**
 * `timebank`, the staff command line: talks to a running API (`TIMEBANK_URL`)
 * with a key (`TIMEBANK_KEY`) through the typed client, so every rule and
 * permission stays the API's.
 *
 * Exit status: 0 done (and the books sound), 1 the books are not sound, 2 the
 * command could not run (usage, configuration, the API refused or is unreachable).
 *
 * @example
 * TIMEBANK_URL=http://127.0.0.1:3000 TIMEBANK_KEY=tbk_… timebank verify-journal
 */
import { parseArgs } from 'node:util'
import { type Client, createClient } from '@timebank/api/client'

export interface Io {
  env: Record<string, string | undefined>
  out: { write(text: string): unknown }
  err: { write(text: string): unknown }
  /** A fetch to use instead of the global one (tests pass the app's own). */
  fetch?: typeof fetch
}

const USAGE = `Usage: timebank <command> [--json]

Commands:
  verify-journal   recompute every entry chain of the books (and check them against the
                   latest signed checkpoint); exit 1 and name the first broken link if any
  checkpoint       sign a checkpoint of the books now with the community's key

Environment:
  TIMEBANK_URL     the API, e.g. http://127.0.0.1:3000
  TIMEBANK_KEY     an admin API key of your community
`

/** A refusal or failure the command reports with exit status 2. */
class Stop extends Error {}

interface ErrorBody {
  error?: { code?: string; message?: string }
}

/** The body of a 2xx answer, or Stop with the API's code and message. */
async function answer<T>(response: Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>): Promise<T> {
  let res: Awaited<typeof response>
  try {
    res = await response
  } catch (e) {
    throw new Stop(`cannot reach the API: ${e instanceof Error ? e.message : String(e)}`)
  }
  const body = (await res.json().catch(() => ({}))) as T & ErrorBody
  if (!res.ok) throw new Stop(`the API answered ${res.status} ${body.error?.code ?? ''}: ${body.error?.message ?? 'no message'}`)
  return body
}

const commands: Record<string, (client: Client, json: boolean, io: Io) => Promise<number>> = {
  async 'verify-journal'(client, json, io) {
    const verdict = await answer<{
      ok: boolean
      checked: number
      chains: number
      firstBroken?: { accountId: string; shard: number; seq: string | null; reason: string }
      checkpoint?: { number: string; at: string; authentic: boolean } | null
    }>(client.v1.journal.verification.$get())
    if (json) {
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
  },
  async checkpoint(client, json, io) {
    const made = await answer<{ number: string; at: string; root: string; chains: number; entries: string }>(
      client.v1.journal.checkpoints.$post(),
    )
    io.out.write(
      json
        ? `${JSON.stringify(made, null, 2)}\n`
        : `checkpoint #${made.number} signed at ${made.at}: ${made.chains} chains, ${made.entries} entries, root ${made.root}\n`,
    )
    return 0
  },
}

/** Run the command line; the exit status. */
export async function main(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (e) {
    io.err.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`)
    return 2
  }
  const [name] = parsed.positionals
  if (parsed.values.help || name === undefined || name === 'help') {
    io.out.write(USAGE)
    return name === undefined && !parsed.values.help ? 2 : 0
  }
  const command = commands[name]
  if (!command) {
    io.err.write(`unknown command ${name}\n\n${USAGE}`)
    return 2
  }
  const url = io.env.TIMEBANK_URL
  const key = io.env.TIMEBANK_KEY
  if (!url || !key) {
    io.err.write(`set TIMEBANK_URL (the API) and TIMEBANK_KEY (an API key)\n\n${USAGE}`)
    return 2
  }
  try {
    return await command(createClient(url, key, io.fetch ? { fetch: io.fetch } : {}), parsed.values.json === true, io)
  } catch (e) {
    if (!(e instanceof Stop)) throw e
    io.err.write(`${e.message}\n`)
    return 2
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
}
