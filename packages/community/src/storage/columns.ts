/** Column types every community table uses: hours and points as int8 minor units, instants as timestamptz(6). */
import { bigint, timestamp } from 'drizzle-orm/pg-core'

export const int8 = (name: string) => bigint(name, { mode: 'bigint' })
export const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 })
