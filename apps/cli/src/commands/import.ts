/**
 * `timebank import members|sign-ins <file.csv>`: see import/members.ts and import/sign-ins.ts for the columns.
 *
 * @example
 * timebank import members residents.csv --dry-run --report rejected.csv
 * timebank import sign-ins clean-up-0301.csv --activity clean-0301 --kind clean-up
 */
import { Stop } from '../api.js'
import { members } from '../import/members.js'
import { runImport } from '../import/run.js'
import { signIns } from '../import/sign-ins.js'
import type { Command } from './command.js'

const kinds = { members, 'sign-ins': signIns }

export const importCommand: Command = async (input) => {
  const [what, file, ...extra] = input.args
  const kind = kinds[what as keyof typeof kinds]
  if (!kind || file === undefined || extra.length > 0) throw new Stop('usage: timebank import members|sign-ins <file.csv>')
  return runImport(kind, file, input)
}
