import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** How far X-Sdk-Date may be from the gateway's clock (assumed: APIG's documented 15 minutes). */
const SKEW_MS = 15 * 60_000

/**
 * Checks an `SDK-HMAC-SHA256` signature as Huawei's API gateway does, computed here on its own
 * from the SDK's algorithm (huaweicloudsdkcore/signer/signer.py): the canonical request of what
 * arrived (method, path segments encoded with a '/' at the end, sorted query, the signed headers,
 * the body's SHA-256), signed under the key pair's secret. A problem, or undefined when it holds.
 */
export function signatureProblem(
  req: IncomingMessage,
  body: string,
  keys: ReadonlyMap<string, string>,
  now = Date.now(),
): string | undefined {
  const match = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    String(req.headers.authorization ?? ''),
  )
  if (!match) return 'the Authorization header is not an SDK-HMAC-SHA256 signature'
  const [, access, signedList, given] = match as unknown as [string, string, string, string]
  const secret = keys.get(access)
  if (secret === undefined) return 'the access key does not exist'
  const date = String(req.headers['x-sdk-date'] ?? '')
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date)
  if (!parts) return 'X-Sdk-Date is missing or not yyyyMMddTHHmmssZ'
  const [, y, mo, d, h, mi, s] = parts.map(Number) as [number, number, number, number, number, number, number]
  if (Math.abs(now - Date.UTC(y, mo - 1, d, h, mi, s)) > SKEW_MS)
    return `X-Sdk-Date ${date} is more than 15 minutes from the gateway's clock`
  const signed = signedList.split(';')
  if (!signed.includes('host') || !signed.includes('x-sdk-date')) return 'SignedHeaders must include host and x-sdk-date'
  const url = new URL(req.url ?? '/', 'http://gateway')
  const quote = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  const path = url.pathname
    .split('/')
    .map((segment) => quote(decodeURIComponent(segment)))
    .join('/')
  const query = [...url.searchParams.entries()]
    .map(([key, value]) => `${quote(key)}=${quote(value)}`)
    .sort()
    .join('&')
  const headerLines = signed.map((name) => {
    const value = req.headers[name]
    return `${name}:${(Array.isArray(value) ? value.join(',') : (value ?? '')).trim()}`
  })
  const hash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')
  const canonical = [req.method, path.endsWith('/') ? path : `${path}/`, query, `${headerLines.join('\n')}\n`, signedList, hash(body)].join(
    '\n',
  )
  const expected = createHmac('sha256', secret)
    .update(`SDK-HMAC-SHA256\n${date}\n${hash(canonical)}`, 'utf8')
    .digest('hex')
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given)) ? undefined : 'verify aksk signature fail'
}
