import { describe, expect, it } from 'vitest'
import { candidateHealthUrl } from '../../src/shared/release/gate.js'

/** Where the health gate probes the candidate directly, given the health URL (through the router). */
const direct = (health: string, url: string, service = 'shop-green', router = 'shop') =>
  candidateHealthUrl(new URL(health), { url, service, router }).href

describe('the candidate health URL', () => {
  it('on Jelastic, where each environment has a host of its own: the health path on the candidate host', () => {
    expect(direct('https://shop.jelastic.example/health', 'https://shop-green.jelastic.example/')).toBe(
      'https://shop-green.jelastic.example/health',
    )
    expect(direct('https://shop.jelastic.example/', 'https://shop-green.jelastic.example/')).toBe('https://shop-green.jelastic.example/')
    // a custom domain bound to the router
    expect(direct('https://www.shop.test/api/health?deep=1', 'https://shop-green.jelastic.example/')).toBe(
      'https://shop-green.jelastic.example/api/health?deep=1',
    )
  })

  it("on the emulator, where environments are paths of one host: the part below the router's path, on the candidate's", () => {
    const env = (name: string, path = '') => `http://127.0.0.1:8080/jelastic/env/${name}/${path}`
    expect(direct(env('shop', 'health'), env('shop-green'))).toBe(env('shop-green', 'health'))
    expect(direct(env('shop', 'health?deep=1'), env('shop-green'))).toBe(env('shop-green', 'health?deep=1'))
    expect(direct(env('shop'), env('shop-green'))).toBe(env('shop-green'))
    expect(direct('http://127.0.0.1:8080/jelastic/env/shop', env('shop-green'))).toBe(env('shop-green'))
    expect(direct(env('shop', 'a/b'), env('shop-blue'), 'shop-blue')).toBe(env('shop-blue', 'a/b'))
    // never the old concatenation of one environment's URL onto another's
    expect(direct(env('shop'), env('shop-green'))).not.toContain('/shop-green/jelastic/')
  })

  it("a health URL that is already the candidate's stays as it is (probed once)", () => {
    const env = 'http://127.0.0.1:8080/jelastic/env/shop-green/'
    expect(direct(`${env}health`, env)).toBe(`${env}health`)
    expect(direct(env, env)).toBe(env)
    // a ServiceStage component's own address: the router is the component itself
    const component = 'http://127.0.0.1:8080/servicestage/apps/9f0c/'
    expect(direct(component, component, 'shop', 'shop')).toBe(component)
  })

  it("takes the whole path where the router's address is not the candidate's with the router's name", () => {
    // a router at the root of a host that serves the candidate under a path
    expect(direct('http://lb.test/health', 'http://lb.test/shop-green/')).toBe('http://lb.test/shop-green/health')
    // a name that only starts like the router's is not the router
    expect(direct('http://h.test/env/shopping/health', 'http://h.test/env/shop-green/')).toBe(
      'http://h.test/env/shop-green/env/shopping/health',
    )
    // a candidate path that does not end in its name
    expect(direct('http://h.test/env/shop/health', 'http://h.test/apps/42/')).toBe('http://h.test/apps/42/env/shop/health')
  })
})
