import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { Hono } from 'hono'
import { isJsonContentType, jsonBody, parseStrictJson } from './json-body.js'

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses when keys are unique and strings storable', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const text = JSON.stringify(v)
        const hasBad = /\\u0000|__proto__|\\ud[89ab]|\\ud[c-f]/i.test(text)
        const r = parseStrictJson(text)
        if (!hasBad) expect(r).toEqual({ ok: true, value: JSON.parse(text) })
      }),
    )
  })

  it('refuses duplicated keys, also when spelled with escapes, at any depth', () => {
    expect(parseStrictJson('{"a":1,"a":2}').ok).toBe(false)
    expect(parseStrictJson('{"a":1,"\\u0061":2}').ok).toBe(false)
    expect(parseStrictJson('{"x":[{"b":1},{"b":2,"c":{"d":1,"d":1}}]}').ok).toBe(false)
    expect(parseStrictJson('{"a":{"a":1},"b":{"a":1}}').ok).toBe(true)
    expect(parseStrictJson('["a","a"]').ok).toBe(true)
  })

  it('refuses nesting past the limit, NUL characters, lone surrogates and __proto__', () => {
    expect(parseStrictJson(`${'['.repeat(33)}${']'.repeat(33)}`).ok).toBe(false)
    expect(parseStrictJson(`${'['.repeat(32)}${']'.repeat(32)}`).ok).toBe(true)
    expect(parseStrictJson(`${'['.repeat(200_000)}${']'.repeat(200_000)}`).ok).toBe(false)
    expect(parseStrictJson('{"a":"x\\u0000"}').ok).toBe(false)
    expect(parseStrictJson('{"a\\u0000":1}').ok).toBe(false)
    expect(parseStrictJson('["\\udc00"]').ok).toBe(false)
    expect(parseStrictJson('["\\ud83d\\udca5"]')).toEqual({ ok: true, value: ['💥'] })
    expect(parseStrictJson('{"__proto__":1}').ok).toBe(false)
  })
})

describe('isJsonContentType', () => {
  it('accepts JSON media types in UTF-8 only', () => {
    for (const t of [
      'application/json',
      'APPLICATION/JSON',
      'application/json; charset=utf-8',
      'application/json;charset="UTF-8"',
      'application/problem+json',
    ]) {
      expect([t, isJsonContentType(t)]).toEqual([t, true])
    }
    for (const t of ['text/json', 'application/json; charset=utf-16', 'application/jsonx', 'text/plain', '']) {
      expect([t, isJsonContentType(t)]).toEqual([t, false])
    }
  })
})

describe('jsonBody', () => {
  const app = () =>
    new Hono().use('*', jsonBody()).post('/', async (c) => {
      const first = (await c.req.json()) as { n: number; list: number[] }
      first.list.push(99)
      const second = (await c.req.json()) as { n: number; list: number[] }
      return c.json({ first, second })
    })

  it('hands the first reader the parsed body, and every later one a fresh parse of it', async () => {
    const res = await app().request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1,"list":[1]}' })
    expect(await res.json()).toEqual({ first: { n: 1, list: [1, 99] }, second: { n: 1, list: [1] } })
  })

  it('reads an empty body as {} both times', async () => {
    const echo = new Hono().use('*', jsonBody()).post('/', async (c) => c.json([await c.req.json(), await c.req.json()]))
    expect(await (await echo.request('/', { method: 'POST' })).json()).toEqual([{}, {}])
  })
})
