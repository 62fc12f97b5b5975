/**
 * The command line against the real API in process, for tests: a community
 * set up through the API (Asia/Shanghai, grids root > g1, g2; admin and
 * staff keys), `run` to call `main` with a key, and a scratch folder.
 *
 * @example
 * const h = await startCli(); const r = await h.run(['import', 'members', h.file('a.csv', text)])
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestApi, seedCommunity, startTestApi } from '@timebank/api/testing'
import { main } from '../main.js'

export interface CliHarness {
  api: TestApi
  tenantId: string
  admin: string
  staff: string
  dir: string
  /** Write a file into the scratch folder; its path. */
  file(name: string, content: string | Uint8Array): string
  /** Run the command line with a key (staff by default): exit status and what it wrote. */
  run(argv: string[], key?: string): Promise<{ status: number; out: string; err: string }>
  close(): Promise<void>
}

export async function startCli(): Promise<CliHarness> {
  const api = await startTestApi()
  const t = await seedCommunity(api)
  const must = async (method: string, path: string, json: unknown, status = 201) => {
    const res = await api.request(method, path, { key: t.admin, json })
    if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`)
  }
  await must('PUT', '/v1/community', { name: 'Maple Street', settings: { timeZone: 'Asia/Shanghai' } }, 200)
  await must('POST', '/v1/grids', { id: 'root', parentId: null, name: '枫林社区', level: 'community' })
  await must('POST', '/v1/grids', { id: 'g1', parentId: 'root', name: '第一网格', level: 'grid' })
  await must('POST', '/v1/grids', { id: 'g2', parentId: 'root', name: '第二网格', level: 'grid' })
  const dir = mkdtempSync(join(tmpdir(), 'timebank-cli-'))
  return {
    api,
    tenantId: t.tenantId,
    admin: t.admin,
    staff: t.staff,
    dir,
    file(name, content) {
      const path = join(dir, name)
      writeFileSync(path, content)
      return path
    },
    async run(argv, key = t.staff) {
      let out = ''
      let err = ''
      const status = await main(argv, {
        env: { TIMEBANK_URL: api.url, TIMEBANK_KEY: key },
        out: { write: (s: string) => (out += s) },
        err: { write: (s: string) => (err += s) },
      })
      return { status, out, err }
    },
    async close() {
      rmSync(dir, { recursive: true, force: true })
      await api.close()
    },
  }
}
