/**
 * `timebank`, the staff command line: talks to a running API (`TIMEBANK_URL`)
 * with a key (`TIMEBANK_KEY`) through the typed client, so every rule and
 * permission stays the API's. One module per command under commands/.
 *
 * Exit status: 0 done (and the books sound), 1 some rows rejected or the books
 * not sound, 2 the command could not run (usage, configuration, a file, the API
 * refused or is unreachable).
 *
 * @example
 * TIMEBANK_URL=http://127.0.0.1:3000 TIMEBANK_KEY=tbk_… timebank verify-journal
 */
import { createClient } from '@timebank/api/client'
import { Stop } from './api.js'
import { checkpoint } from './commands/checkpoint.js'
import { type Command, parseCommandLine } from './commands/command.js'
import { exportCommand } from './commands/export.js'
import { importCommand } from './commands/import.js'
import { verifyJournal } from './commands/verify-journal.js'
import type { Io } from './io.js'
import { USAGE } from './usage.js'

export type { Io } from './io.js'

const commands: Record<string, Command> = {
  'verify-journal': verifyJournal,
  checkpoint,
  import: importCommand,
  export: exportCommand,
}

/** Run the command line; the exit status. */
export async function main(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>
  try {
    parsed = parseCommandLine(argv)
  } catch (e) {
    io.err.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`)
    return 2
  }
  const [name, ...args] = parsed.positionals
  if (parsed.values.help || name === undefined || name === 'help') {
    io.out.write(USAGE)
    return name === undefined && !parsed.values.help ? 2 : 0
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined
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
    const client = createClient(url, key, io.fetch ? { fetch: io.fetch } : {})
    return await command({ client, args, values: parsed.values, io })
  } catch (e) {
    if (!(e instanceof Stop)) throw e
    io.err.write(`${e.message}\n`)
    return 2
  }
}
