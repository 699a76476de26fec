import { describe, expect, it } from 'vitest'
import { endpoint } from '../../src/shared/http/endpoint.js'
import { segment } from '../../src/shared/platforms/path-segment.js'

const base = new URL('https://servicestage.example.com/')

describe('path segments', () => {
  it.each([
    ['a/../../../../../x', '/v3/a%2F..%2F..%2F..%2F..%2F..%2Fx/cas/applications'],
    ['p?q=1#f', '/v3/p%3Fq%3D1%23f/cas/applications'],
    ['50%', '/v3/50%25/cas/applications'],
    ['1a5', '/v3/1a5/cas/applications'],
  ])('keeps %j one segment of the path', (id, pathname) => {
    const url = endpoint(base, `/v3/${segment(id)}/cas/applications`)
    expect(url.pathname).toBe(pathname)
    expect(url.search).toBe('')
  })

  it('takes numbers (NetEase ids) as they are', () => {
    expect(segment(42)).toBe('42')
  })

  it.each(['.', '..'])('refuses %j, which a URL parser resolves however it is encoded', (id) => {
    expect(() => segment(id)).toThrow('cannot be put into a URL path')
  })
})
