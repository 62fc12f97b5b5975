/**
 * Vitest global set-up of the web project: unpack the packaged Chromium once, before the test
 * files run in parallel (two unpacking at once could each find the other's half-written file).
 */
import { chromiumPath } from './browser.js'

export default async function setup(): Promise<void> {
  process.env.CHROMIUM_PATH = await chromiumPath()
}
