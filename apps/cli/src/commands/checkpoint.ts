/**
 * `timebank checkpoint`: sign a checkpoint of the books now with the community's key.
 *
 * @example
 * timebank checkpoint
 */
import { answer } from '../api.js'
import type { Command } from './command.js'

export const checkpoint: Command = async ({ client, values, io }) => {
  const made = await answer<{ number: string; at: string; root: string; chains: number; entries: string }>(
    client.v1.journal.checkpoints.$post(),
  )
  io.out.write(
    values.json
      ? `${JSON.stringify(made, null, 2)}\n`
      : `checkpoint #${made.number} signed at ${made.at}: ${made.chains} chains, ${made.entries} entries, root ${made.root}\n`,
  )
  return 0
}
