/**
 * The interactive reference at `/docs`: Swagger UI served from the
 * swagger-ui-dist package on this machine (no CDN), reading `/openapi.json`.
 *
 * @example
 * app.route('/', docsRoutes())
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'
import type { AppEnv } from './context.js'

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>timebank API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`

const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: false,
  persistAuthorization: false,
});
`

const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"

function assetDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
}

export function docsRoutes() {
  const cache = new Map<string, Promise<ArrayBuffer>>()
  const load = (name: string) => {
    let p = cache.get(name)
    if (!p) {
      p = readFile(join(assetDir(), name)).then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
      p.catch(() => cache.delete(name))
      cache.set(name, p)
    }
    return p
  }
  return new Hono<AppEnv>()
    .get('/docs', (c) => {
      c.header('Content-Security-Policy', CSP)
      return c.html(PAGE)
    })
    .get('/docs/assets/init.js', (c) => {
      c.header('Content-Type', 'text/javascript; charset=utf-8')
      return c.body(INIT)
    })
    .get('/docs/assets/:name', async (c) => {
      const name = c.req.param('name')
      const type = ASSETS[name]
      if (!type) return c.notFound()
      c.header('Content-Type', type)
      c.header('Cache-Control', 'public, max-age=86400')
      return c.body(await load(name))
    })
}
