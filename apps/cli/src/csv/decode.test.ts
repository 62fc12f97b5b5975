import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { decodeCsv, detectEncoding, encodingNamed } from './decode.js'

const TEXT = '姓名,网格\n张伟,第一网格\n'

describe('decodeCsv', () => {
  it('reads UTF-8 with a BOM (dropping it), UTF-8 without, and GBK, as Excel saves them', () => {
    const utf8 = new TextEncoder().encode(TEXT)
    expect(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toEqual({ text: TEXT, encoding: 'utf-8' })
    expect(decodeCsv(utf8)).toEqual({ text: TEXT, encoding: 'utf-8' })
    expect(decodeCsv(iconv.encode(TEXT, 'gbk'))).toEqual({ text: TEXT, encoding: 'gbk' })
  })

  it('takes plain ASCII as UTF-8 and obeys a forced encoding', () => {
    expect(detectEncoding(new TextEncoder().encode('name,phone\n'))).toBe('utf-8')
    expect(decodeCsv(iconv.encode('王芳', 'gbk'), 'gbk').text).toBe('王芳')
    expect(['GBK', 'gb18030', 'UTF-8', 'utf8', 'latin1'].map(encodingNamed)).toEqual(['gbk', 'gbk', 'utf-8', 'utf-8', undefined])
  })
})
