/**
 * A real Chromium for page tests, from npm so a fresh machine needs nothing else:
 * `@sparticuz/chromium` ships a Linux x64 build inside its package and unpacks it to the temp
 * directory on first use (done once per run by `browser-setup.ts`). `CHROMIUM_PATH` points at
 * another browser instead (e.g. /usr/bin/chromium).
 *
 * The package's own flag list is made for AWS Lambda and turns web security off
 * (`--disable-web-security`); these tests check CSRF and same-origin rules, so they launch with
 * a plain, safe set of flags of their own.
 */
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { type Browser, type Page, chromium } from 'playwright-core'

/** Screenshots of the main pages, kept as test artefacts (ignored by git). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))

/** The browser's executable: CHROMIUM_PATH, or the one inside @sparticuz/chromium (unpacked on first call). */
export async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  const { default: packaged } = await import('@sparticuz/chromium')
  // The pages need no WebGL: skip unpacking the software GL libraries.
  packaged.setGraphicsMode = false
  return packaged.executablePath()
}

const FLAGS = [
  // Root (as in CI) cannot use Chromium's sandbox.
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  // The machine's network is closed: no background calls to Google's hosts.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
]

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath(), headless: true, args: FLAGS })
}

/** Keep a full-page screenshot of what the page shows now as `<name>.png` in the artefacts folder. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS_DIR, { recursive: true })
  await page.screenshot({ path: `${ARTIFACTS_DIR}${name}.png`, fullPage: true })
}
