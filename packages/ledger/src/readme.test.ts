import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const example = fileURLToPath(new URL('../examples/embed.ts', import.meta.url))
const readme = fileURLToPath(new URL('../../../README.md', import.meta.url))

it('shows in the README exactly the embedding example that runs here', () => {
  expect(readFileSync(readme, 'utf8')).toContain(readFileSync(example, 'utf8'))
})

// On the source, as every test here; CI's package check runs it against the build as well.
it('runs the embedding example', () => {
  const run = spawnSync(process.execPath, ['--conditions=@timebank/source', '--import', 'tsx', example], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  expect(run.stderr).toBe('')
  expect(run.stdout).toContain('INSUFFICIENT_FUNDS ana has 0.50 available')
  expect(run.stdout).toContain("posted: '0.50'")
  expect(run.status).toBe(0)
})
