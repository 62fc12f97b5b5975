/**
 * The shape of a command: the parsed command line, the client, the io; its exit status.
 * 0 done, 1 done but some rows were rejected (or the books are not sound), 2 could not run.
 */
import { parseArgs } from 'node:util'
import type { Client } from '@timebank/api/client'
import type { Io } from '../io.js'

/** Every option any command takes (each command reads its own). */
export const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'dry-run': { type: 'boolean' },
  encoding: { type: 'string' },
  report: { type: 'string' },
  approve: { type: 'boolean' },
  activity: { type: 'string' },
  kind: { type: 'string' },
  'utc-offset': { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  member: { type: 'string' },
  period: { type: 'string' },
  by: { type: 'string' },
  asset: { type: 'string' },
  grid: { type: 'string' },
  days: { type: 'string' },
  limit: { type: 'string' },
} as const

/** The command line parsed: throws on an unknown option or a missing value. */
export function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS })
}

export type Values = ReturnType<typeof parseCommandLine>['values']

export interface CommandInput {
  client: Client
  /** The positionals after the command's name. */
  args: string[]
  values: Values
  io: Io
}

export type Command = (input: CommandInput) => Promise<number>
