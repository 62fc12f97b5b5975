import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const example = fileURLToPath(new URL('../examples/workflow.ts', import.meta.url))
const readme = fileURLToPath(new URL('../README.md', import.meta.url))

it('shows in its README exactly the workflow example that runs here', () => {
  expect(readFileSync(readme, 'utf8')).toContain(readFileSync(example, 'utf8').trim())
})

it('runs the workflow example: check-in, check-out, approval, honour roll and a certificate that verifies', () => {
  const run = spawnSync(process.execPath, ['--conditions=@timebank/source', '--import', 'tsx', example], {
    encoding: 'utf8',
    timeout: 120_000,
  })
  expect(run.stderr).toBe('')
  expect(run.stdout.split('\n').slice(0, 4)).toEqual(['pending 1.50', 'true 1.50', "[ '1. 张*明 1.50 h' ]", '1 true'])
  expect(run.status).toBe(0)
})
