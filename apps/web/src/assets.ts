/**
 * Static assets: the stylesheet and the Chinese web font. The font is Noto Sans SC from
 * `@fontsource/noto-sans-sc`, already cut into about a hundred unicode-range slices, so a browser
 * without a Chinese font downloads only the slices of the characters a page uses (a page of the
 * console needs a few hundred KB, not the 8 MB font). Only weight 400 is served: bold is drawn from it.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'
import { STYLESHEET } from './style.js'

const require = createRequire(import.meta.url)
const fontDir = dirname(require.resolve('@fontsource/noto-sans-sc/400.css'))

const FONT_FILE = /^noto-sans-sc-[\w-]{1,40}-400-normal\.woff2$/
const YEAR = 'public, max-age=31536000, immutable'

let fontCss: Promise<string> | undefined

/**
 * A copy of the font the device already has (Android's and many Linux desktops' Noto CJK) is used before any
 * slice is downloaded. The stylesheet puts "Noto Sans SC" ahead of system-ui, so without these a phone would
 * fetch slices for text its own font draws.
 */
const LOCAL_COPIES = ['Noto Sans SC', 'NotoSansSC-Regular', 'Noto Sans CJK SC', 'NotoSansCJKsc-Regular']
  .map((name) => `local("${name}")`)
  .join(', ')

/** The package's @font-face rules for weight 400, pointing at our route, woff2 only, after a local copy. */
async function readFontCss(): Promise<string> {
  const css = await readFile(join(fontDir, '400.css'), 'utf8')
  return css.replace(
    /url\(\.\/files\/([^)]+\.woff2)\) format\('woff2'\)(, url\([^)]+\) format\('woff'\))?/g,
    `${LOCAL_COPIES}, url(/assets/fonts/$1) format('woff2')`,
  )
}

export function assetRoutes() {
  return new Hono()
    .get('/assets/app.css', (c) => {
      c.header('Cache-Control', 'public, max-age=3600')
      return c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8' })
    })
    .get('/assets/font.css', async (c) => {
      fontCss ??= readFontCss()
      c.header('Cache-Control', 'public, max-age=86400')
      return c.body(await fontCss, 200, { 'Content-Type': 'text/css; charset=utf-8' })
    })
    .get('/assets/fonts/:file', async (c) => {
      const file = c.req.param('file')
      if (!FONT_FILE.test(file)) return c.text('not found', 404)
      try {
        const data = await readFile(join(fontDir, 'files', file))
        c.header('Cache-Control', YEAR)
        return c.body(data, 200, { 'Content-Type': 'font/woff2' })
      } catch {
        return c.text('not found', 404)
      }
    })
}
