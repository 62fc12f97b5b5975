/**
 * Write the OpenAPI document to a file, e.g. to generate a client from it.
 *
 * @example
 * pnpm --filter @timebank/api openapi:write /tmp/timebank.openapi.json
 * pnpm dlx openapi-typescript /tmp/timebank.openapi.json -o timebank.d.ts
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { openApiDocument } from './openapi-document.js'

const out = process.argv[2]
if (!out) {
  process.stderr.write('usage: openapi-write.ts <output file>\n')
  process.exit(2)
}
// INIT_CWD: where `pnpm --filter … openapi:write` was typed, so a relative path means what the caller meant.
const file = resolve(process.env.INIT_CWD ?? process.cwd(), out)
await mkdir(dirname(file), { recursive: true })
await writeFile(file, `${JSON.stringify(await openApiDocument(), null, 2)}\n`)
