/**
 * The public surface is declared, not accidental: every name each entry of the
 * package exports (values and types) must be the sum of the changelog's
 * "Exports added to" and "Exports removed from" lines, oldest first. Adding or
 * removing an export without saying so in CHANGELOG.md fails here.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ENTRIES = { '@timebank/ledger': 'index.ts', '@timebank/ledger/kit': 'kit.ts', '@timebank/ledger/testing': 'testing/index.ts' }
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** Every name exported by each entry, as the type checker sees them. */
function exported(): Record<string, string[]> {
  const files = Object.values(ENTRIES).map(here)
  const config = ts.readConfigFile(here('../tsconfig.json'), ts.sys.readFile)
  const options = ts.parseJsonConfigFileContent(config.config, ts.sys, here('..')).options
  const program = ts.createProgram(files, { ...options, noEmit: true })
  const checker = program.getTypeChecker()
  const out: Record<string, string[]> = {}
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const source = program.getSourceFile(here(file))
    const symbol = source && checker.getSymbolAtLocation(source)
    if (!symbol) throw new Error(`cannot read the exports of ${file}`)
    out[entry] = checker
      .getExportsOfModule(symbol)
      .map((s) => s.getName())
      .sort()
  }
  return out
}

/** The surface the changelog declares: its add and remove lines folded oldest first. */
function declared(): Record<string, string[]> {
  const changelog = readFileSync(here('../../../CHANGELOG.md'), 'utf8')
  const lines = changelog.split('\n').reverse() // newest version is on top
  const sets: Record<string, Set<string>> = {}
  for (const line of lines) {
    const m = /^- Exports (added to|removed from) `([^`]+)`: (.*)$/.exec(line)
    if (!m) continue
    const [, change, entry, names] = m as unknown as [string, string, string, string]
    const set = sets[entry] ?? new Set<string>()
    sets[entry] = set
    for (const [, name] of names.matchAll(/`([^`]+)`/g)) {
      if (change === 'added to') set.add(name as string)
      else set.delete(name as string)
    }
  }
  return Object.fromEntries(Object.keys(ENTRIES).map((e) => [e, [...(sets[e] ?? [])].sort()]))
}

describe('public surface', () => {
  it('is exactly what the changelog declares, entry by entry', () => {
    const actual = exported()
    const expected = declared()
    for (const entry of Object.keys(ENTRIES)) {
      const undeclared = (actual[entry] ?? []).filter((n) => !expected[entry]?.includes(n))
      const gone = (expected[entry] ?? []).filter((n) => !actual[entry]?.includes(n))
      expect({ entry, undeclared, gone }, 'add a line "- Exports added to/removed from `<entry>`: `name`" to CHANGELOG.md').toEqual({
        entry,
        undeclared: [],
        gone: [],
      })
    }
  })
})
