#!/usr/bin/env node
// Runs the TypeScript source through tsx, with the workspace packages resolved to their source
// (the `@timebank/source` export condition, added by a tiny resolve hook).
import { register as hook } from 'node:module'
import { register } from 'tsx/esm/api'

hook(
  `data:text/javascript,${encodeURIComponent(
    "export function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, '@timebank/source'] }) }",
  )}`,
)
register()
const { main } = await import('../src/main.ts')
process.exitCode = await main(process.argv.slice(2), { env: process.env, out: process.stdout, err: process.stderr })
