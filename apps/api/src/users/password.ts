/**
 * Password hashes: scrypt (memory-hard) from node:crypto, a random 16-byte salt
 * each, the parameters kept in the hash so they can be raised later without
 * breaking stored ones: `scrypt$N$r$p$salt$hash` (salt and hash base64url).
 *
 * Hashing runs on libuv's thread pool (the callback form), never on the event
 * loop. At most `MAX_CONCURRENT` run at once, so a flood of sign-ins cannot
 * take the whole pool (file and DNS work share it); past `MAX_QUEUED` waiting,
 * a check is refused with 503 UNAVAILABLE (Retry-After) instead of queueing
 * without end. Passwords are NFKC-normalised first, so the same text typed on
 * another keyboard matches.
 *
 * @example
 * const stored = await hashPassword('correct horse battery')
 * await verifyPassword('correct horse battery', stored) // true
 * await burnPasswordCheck('anything')                   // same cost, for unknown logins
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { ApiError } from '../errors.js'

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 200

/** N = 2^15, r = 8: 32 MiB and about 0.1 s per hash on one core; p = 1. */
const COST = { N: 2 ** 15, r: 8, p: 1 }
const SALT_BYTES = 16
const HASH_BYTES = 32
/** Bounds on parameters read back from storage, so a corrupted row cannot ask for gigabytes. */
const MAX_N = 2 ** 20
const MAX_R = 32
const MAX_P = 16

/** The salt of the checks that only spend time (burnPasswordCheck). */
const BURN_SALT = randomBytes(SALT_BYTES)

const MAX_CONCURRENT = 2
const MAX_QUEUED = 256

let running = 0
const waiting: (() => void)[] = []

/** Run `work` when a hashing slot is free. */
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) {
    if (waiting.length >= MAX_QUEUED) throw new ApiError('UNAVAILABLE', 'too many password checks at once; retry shortly')
    await new Promise<void>((resolve) => waiting.push(resolve))
  } else {
    running++
  }
  try {
    return await work()
  } finally {
    // Hand the slot straight to the next waiter, or free it.
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

const derive = (password: string, salt: Buffer, cost: typeof COST, length: number): Promise<Buffer> =>
  limited(
    () =>
      new Promise((resolve, reject) => {
        // maxmem: 128 · N · r bytes are needed; twice that leaves room for p and the buffers.
        scrypt(password.normalize('NFKC'), salt, length, { ...cost, maxmem: 256 * cost.N * cost.r * cost.p }, (err, key) =>
          err ? reject(err) : resolve(key),
        )
      }),
  )

/** A new hash of the password, with a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(password, salt, COST, HASH_BYTES)
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$')
}

interface Parsed {
  cost: typeof COST
  salt: Buffer
  hash: Buffer
}

function parse(stored: string): Parsed | null {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,8}$/.test(x as string) ? Number(x) : 0)) as [number, number, number]
  // N must be a power of two above 1 (scrypt's own rule).
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return null
  const salt = Buffer.from(parts[4] as string, 'base64url')
  const hash = Buffer.from(parts[5] as string, 'base64url')
  if (salt.length < 8 || hash.length < 16) return null
  return { cost: { N, r, p }, salt, hash }
}

/** True when the password matches the stored hash; false for a stored value that is not a hash of ours. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored)
  if (!parsed) {
    await burnPasswordCheck(password)
    return false
  }
  const derived = await derive(password, parsed.salt, parsed.cost, parsed.hash.length)
  return timingSafeEqual(derived, parsed.hash)
}

/** One check's worth of work and nothing else: for an unknown login or a user without a password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  await derive(password, BURN_SALT, COST, HASH_BYTES)
}
