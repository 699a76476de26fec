import { createHash, createHmac } from 'node:crypto'
import type { SignableRequest } from '../../http/client.js'

/**
 * Huawei Cloud's AK/SK request signing, `SDK-HMAC-SHA256`, as the vendor's SDK does it
 * (huaweicloud-sdk-python-v3, huaweicloudsdkcore/signer/signer.py `Signer`):
 * - `X-Sdk-Date: yyyyMMddTHHmmssZ` (UTC) and `Host` are added and signed with every header whose
 *   name has no '_' (names lower-cased, sorted; values trimmed);
 * - canonical request: METHOD, the path with each segment percent-encoded (unreserved and '~'
 *   kept) and a '/' at the end, the query sorted and encoded the same way, the headers as
 *   `name:value` lines, the signed header names joined by ';', and the SHA-256 hex of the body
 *   (of the empty string when there is none);
 * - string to sign: `SDK-HMAC-SHA256`, the date, and the SHA-256 hex of the canonical request, on
 *   three lines; the signature is the hex HMAC-SHA256 of it under the secret key;
 * - `Authorization: SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<names>, Signature=<hex>`.
 */
export const ALGORITHM = 'SDK-HMAC-SHA256'

export interface AccessKey {
  accessKey: string
  secretKey: string
}

/** RFC 3986 encoding as Python's `quote(s, safe='~')`: everything but letters, digits and `-_.~`. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

export function sdkDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

function canonicalUri(pathname: string): string {
  const path = pathname
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)))
    .join('/')
  return path.endsWith('/') ? path : `${path}/`
}

function canonicalQuery(search: URLSearchParams): string {
  return [...search.entries()]
    .map(([key, value]) => [encode(key), encode(value)] as const)
    .sort(([ka, va], [kb, vb]) => (ka === kb ? (va < vb ? -1 : 1) : ka < kb ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&')
}

/** The canonical request of a request with these headers (lower-case names), signing `signed`. */
export function canonicalRequest(
  method: string,
  url: URL,
  headers: Record<string, string>,
  signed: readonly string[],
  body: string | undefined,
): string {
  const lines = signed.map((name) => `${name}:${(headers[name] ?? '').trim()}`).join('\n')
  return [
    method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    `${lines}\n`,
    signed.join(';'),
    sha256(body ?? ''),
  ].join('\n')
}

export function signature(secretKey: string, date: string, canonical: string): string {
  return createHmac('sha256', secretKey)
    .update(`${ALGORITHM}\n${date}\n${sha256(canonical)}`, 'utf8')
    .digest('hex')
}

/** The headers that sign `request`: its date, its host and the Authorization. */
export function signRequest(key: AccessKey, request: SignableRequest, now: Date = new Date()): Record<string, string> {
  const date = sdkDate(now)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value
  headers['x-sdk-date'] = date
  headers.host = request.url.host
  const signed = Object.keys(headers)
    .filter((name) => !name.includes('_'))
    .sort()
  const canonical = canonicalRequest(request.method, request.url, headers, signed, request.body)
  return {
    'x-sdk-date': date,
    host: request.url.host,
    authorization: `${ALGORITHM} Access=${key.accessKey}, SignedHeaders=${signed.join(';')}, Signature=${signature(key.secretKey, date, canonical)}`,
  }
}
