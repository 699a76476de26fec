import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { describeAnswer, showBody } from '../../src/shared/http/answer.js'
import { Redactor } from '../../src/shared/http/redactor.js'

function answer(body: Buffer | string, contentType?: string) {
  const bytes = Buffer.from(body)
  return {
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    text: bytes.toString('utf8'),
    head: Buffer.from(bytes.subarray(0, 16)),
    size: bytes.length,
  }
}

const none = (text: string) => text

describe('answers shown in messages', () => {
  it('shows binary bytes as their size and first bytes in hex, never the bytes themselves', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x08, 0x9b, 0x0d, 0x0a])
    const shown = describeAnswer(answer(bytes, 'application/octet-stream'), none)
    expect(shown).toBe('content-type application/octet-stream, 11 bytes of binary data, starting 00 ff 1b 5b 32 4a 07 08 …')
    // eslint-disable-next-line no-control-regex -- no control byte may be shown
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f\ufffd]/)
  })

  it('names gzip bytes that came without a content-encoding', () => {
    const shown = describeAnswer(answer(gzipSync('{"result": 0}'), 'application/json'), none)
    expect(shown).toMatch(/^content-type application\/json, \d+ bytes of binary data, starting 1f 8b 08 .* \(gzip\)$/)
  })

  it('shows a page or a text cut, on one line, with control and invisible characters escaped', () => {
    const page = `<html>\r\n<title>Sign in</title>\u202e\u2028${'x'.repeat(300)}`
    const shown = describeAnswer(answer(page, 'text/html'), none)
    expect(shown).toBe(
      `content-type text/html, ${Buffer.byteLength(page)} bytes: <html>\\r\\n<title>Sign in</title>\\u202e\\u2028${'x'.repeat(36)}…`,
    )
    expect(describeAnswer(answer(''), none)).toBe('content-type none, 0 bytes: an empty body')
  })

  it('cuts by characters, never inside a surrogate pair', () => {
    const shown = showBody(answer(`${'a'.repeat(199)}😀😀`), none)
    expect(shown).toBe(`${'a'.repeat(199)}😀…`)
    expect(showBody(answer(`${'a'.repeat(200)}😀`), none)).toBe(`${'a'.repeat(200)}…`)
  })

  it('keeps the words of a platform in any script', () => {
    expect(showBody(answer('{"code": 4040003, "message": "应用不存在"}'), none)).toBe('{"code": 4040003, "message": "应用不存在"}')
  })

  it('removes a secret before cutting, so no part of one is ever shown', () => {
    const redactor = new Redactor()
    const token = 'tok-0123456789abcdef'
    redactor.add(token)
    // the cut falls in the middle of the token
    const shown = showBody(answer(`${'a'.repeat(195)}${token} and more`), (text) => redactor.redact(text))
    expect(shown).toBe(`${'a'.repeat(195)}*** a…`)
    expect(shown).not.toContain('tok-0')
  })
})
