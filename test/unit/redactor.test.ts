import { describe, expect, it } from 'vitest'
import { MIN_SECRET_LENGTH, Redactor, SecretTooShortError } from '../../src/shared/http/redactor.js'

function recording(): { redactor: Redactor; masked: string[] } {
  const masked: string[] = []
  return { redactor: new Redactor((secret) => masked.push(secret)), masked }
}

describe('Redactor', () => {
  it('removes a secret raw, URL-encoded, form-encoded and JSON-escaped, and masks every form at once', () => {
    const { redactor, masked } = recording()
    const secret = 'p@ss w"rd/+\\1'
    redactor.add(secret)
    const text = [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ password: secret }).toString(),
      JSON.stringify({ password: secret }),
    ].join(' | ')
    expect(redactor.redact(text)).toBe('*** | *** | password=*** | {"password":"***"}')
    expect(masked).toContain(secret)
    expect(masked).toContain(encodeURIComponent(secret))
  })

  it('removes the longer of two secrets whole when one contains the other', () => {
    const { redactor } = recording()
    redactor.add('abcd')
    redactor.add('abcdefgh')
    expect(redactor.redact('x abcdefgh y abcd')).toBe('x *** y ***')
  })

  it(`refuses a secret under ${MIN_SECRET_LENGTH} characters, naming it and not showing it, and neither masks nor keeps it`, () => {
    const { redactor, masked } = recording()
    expect(() => redactor.add('xyz', 'input "password"')).toThrow(SecretTooShortError)
    expect(() => redactor.add('xyz', 'input "password"')).toThrow(/^input "password" is under 4 characters: too short to be masked/)
    try {
      redactor.add('xyz', 'input "password"')
    } catch (error) {
      expect((error as Error).message).not.toContain('xyz')
    }
    expect(masked).toEqual([])
    expect(redactor.redact('xyz')).toBe('xyz')
  })

  it('ignores no secret at all, and one it knows already', () => {
    const { redactor, masked } = recording()
    redactor.add(undefined)
    redactor.add('')
    redactor.add('token-1')
    redactor.add('token-1')
    expect(masked).toEqual(['token-1'])
  })

  it("knows HTTP Basic credentials by the password and by the header's base64 of user:password", () => {
    const { redactor } = recording()
    redactor.addBasic('access', 'secret-key-9')
    const basic = Buffer.from('access:secret-key-9').toString('base64')
    expect(redactor.redact(`Authorization: Basic ${basic}; key secret-key-9`)).toBe('Authorization: Basic ***; key ***')
    // the user alone is no secret
    expect(redactor.redact('access')).toBe('access')
  })

  it('knows a webhook URL whole and its key alone, as an error that echoes only the key shows it', () => {
    const { redactor } = recording()
    const key = 'Zk3q9Rw0aB4cD5eF6gH7iJ8kL9mN0oP1qR2sT3uV'
    redactor.addUrl(`https://rancher.example.com/v1-webhooks/endpoint?key=${key}&projectId=1a5`, 'input "webhook-url"')
    expect(redactor.redact(`POST https://rancher.example.com/v1-webhooks/endpoint?key=${key}&projectId=1a5`)).toBe('POST ***')
    expect(redactor.redact(`{"message": "no receiver for key ${key}"}`)).toBe('{"message": "no receiver for key ***"}')
    // what is not secret in it stays readable
    expect(redactor.redact('projectId=1a5')).toBe('projectId=1a5')
  })

  // a secret, a text in which a server or client on the way wrote it, and that text redacted
  it.each([
    ['s3cr3t/+=session-id', '{"session": "s3cr3t\\/+=session-id"}', '{"session": "***"}', 'JSON with / escaped (PHP, Java)'],
    ['s3cr3t/+=session-id', '?s=s3cr3t%2f%2b%3dsession-id', '?s=***', 'percent-hex in lower case'],
    ['c2VjcmV0LXRva2Vu==', '{"token": "c2VjcmV0LXRva2Vu\\u003d\\u003d"}', '{"token": "***"}', "Gson's \\u escape of ="],
    ['pässwört-01', '{"password": "p\\u00e4ssw\\u00f6rt-01"}', '{"password": "***"}', "Python's \\u escapes of non-ASCII"],
    ['k/ey-ä-0123', '{"key":"k\\/ey-\\u00e4-0123"}', '{"key":"***"}', "PHP's json_encode by default: / and non-ASCII escaped"],
    ["it's(a)secret*!", '?p=it%27s%28a%29secret%2A%21', '?p=***', "RFC 3986's strict escapes of !'()*"],
  ])('knows %j as it is in %j', (secret, text, redacted) => {
    const { redactor } = recording()
    redactor.add(secret)
    expect(redactor.redact(text)).toBe(redacted)
  })

  it("adds the forms of a secret that is already another one's form", () => {
    const { redactor } = recording()
    // the second is the first's URL form; given as a secret of its own, its own forms count too
    redactor.add('a/b c-token-01')
    redactor.add('a%2Fb%20c-token-01')
    expect(redactor.redact('a%252Fb%2520c-token-01')).toBe('***')
  })

  it("knows a hook's key in a URL that ends with a slash", () => {
    const { redactor } = recording()
    redactor.addUrl('https://open.c.163.com/api/v1/hooks/app/0123456789abcdef0123456789abcdef/', "an app's deploy hook", true)
    expect(redactor.redact('hook 0123456789abcdef0123456789abcdef failed')).toBe('hook *** failed')
  })

  it("knows a deploy hook's key in its last path segment when told it is there, and a URL's password", () => {
    const { redactor } = recording()
    redactor.addUrl('https://open.c.163.com/api/v1/hooks/app/0123456789abcdef0123456789abcdef', "an app's deploy hook", true)
    redactor.addUrl('https://ci:hunter22@proxy.example.com:3128/')
    expect(redactor.redact('hook 0123456789abcdef0123456789abcdef failed; login ci:hunter22')).toBe('hook *** failed; login ci:***')
  })
})
