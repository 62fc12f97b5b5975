#!/usr/bin/env node
// Runs the TypeScript source through tsx, with the workspace packages resolved to their source.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/main.ts')
process.exitCode = await main(process.argv.slice(2), { env: process.env, out: process.stdout, err: process.stderr })
