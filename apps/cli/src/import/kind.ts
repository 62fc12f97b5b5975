/**
 * What differs between the imports: the columns, how a row becomes a request
 * (validated locally with the community's own schemas), the check a dry run
 * makes against the API without writing, and the write itself.
 */
import type { Client } from '@timebank/api/client'
import { describeIssues } from '@timebank/ledger/kit'
import type { Attempt } from '../api.js'
import type { Values } from '../commands/command.js'
import type { Aliases } from '../csv/read.js'

/** Why a row is refused: the API's code and message, or the same code the API would give. */
export interface Refusal {
  code: string
  message: string
}

/** A row made into a request: its idempotency id and body, or why it cannot be. */
export type Built = { id: string; body: Record<string, unknown> } | { refusal: Refusal }

/** A dry run's finding about a valid row: new, there already, or refused. */
export type Finding = 'new' | 'exists' | Refusal

export interface ImportKind {
  /** Plural noun for messages. */
  noun: string
  aliases: Aliases
  build(fields: Record<string, string>, values: Values): Built
  /** Read-only: what writing the row would meet. */
  check(client: Client, id: string, body: Record<string, unknown>): Promise<Finding>
  send(client: Client, body: Record<string, unknown>): Promise<Attempt<unknown>>
}

/** A zod schema, as far as checking goes (the community's own, so the CLI needs no zod of its own). */
type Schema = { safeParse(input: unknown): { success: true } | { success: false; error: Parameters<typeof describeIssues>[0] } }

/** The row checked with a community schema: undefined when valid, else the VALIDATION refusal the API would give. */
export function validate(schema: Schema, input: unknown): Refusal | undefined {
  const result = schema.safeParse(input)
  return result.success ? undefined : { code: 'VALIDATION', message: describeIssues(result.error).message }
}
