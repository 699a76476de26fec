import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { gzipSync } from 'node:zlib'
import { delay, readBody } from './http-util.js'

/**
 * Faults injected through the control API. A rule matches requests by platform, path substring
 * (of the path and query below the platform's prefix) and method, and applies `count` times (for
 * ever when count is absent). The first matching rule is the one applied.
 *
 * A rule strikes `before` the platform handles the request (nothing happens on the platform), or
 * `after` it (the platform handled it for real, its state changed, and the answer is replaced by
 * the fault: the write landed, its answer is lost). `truncate` and `dripMs` act on the real
 * answer, so they always strike after.
 */
export interface FaultRule {
  platform?: string
  path?: string
  /** only requests with this method (or one of these) */
  method?: string | string[]
  count?: number
  /** before (default) or after the platform handled the request */
  when?: 'before' | 'after'
  /** answer with this HTTP status (a gateway's HTML page, or `body` as JSON) */
  status?: number
  retryAfter?: string
  /** wait this long before handling (before), or before answering (after) */
  latencyMs?: number
  /** close the connection without an answer (a reset) */
  drop?: boolean
  /** never answer; the connection stays open until the client closes it */
  hang?: boolean
  /** the real status and headers (with the real content-length), half the body, then a reset */
  truncate?: boolean
  /** answer 200 with a body that is not JSON */
  malformed?: boolean
  /** the real answer, its headers at once, then its body one byte every dripMs */
  dripMs?: number
  /** end every session, as if they had expired (before or after the request is handled) */
  expireSessions?: boolean
  /** with `status`: a JSON body for the answer, in the platform's error shape */
  body?: unknown
  /**
   * with `status`: the answer echoes the request as it came (method, URL, headers, body), as a
   * careless gateway or a debug page does: every `{request}` in the strings of `body`, or the
   * whole text/plain body without one. Strikes before the platform sees the request.
   */
  echo?: boolean
  /** answer 200 with a body that is not the platform's JSON: a gateway's page, plain text, gzip bytes, binary bytes */
  disguise?: (typeof DISGUISES)[number]
  /** answer 200 with a JSON-looking body this many MB long, streamed without a content-length */
  hugeMB?: number
}

/** What a `disguise` answers with: a 200 that is not what it claims. */
const DISGUISES = ['html', 'text', 'gzip', 'binary'] as const

/** The fault kinds a rule may have at most one of. */
const KINDS = ['drop', 'hang', 'truncate', 'malformed', 'status', 'dripMs', 'disguise', 'hugeMB'] as const
const FIELDS = new Set([
  'platform',
  'path',
  'method',
  'count',
  'when',
  'status',
  'retryAfter',
  'latencyMs',
  'drop',
  'hang',
  'truncate',
  'malformed',
  'dripMs',
  'expireSessions',
  'body',
  'echo',
  'disguise',
  'hugeMB',
])

/** What a captured answer of the platform was. */
interface Answer {
  status: number
  headers: OutgoingHttpHeaders
  body: Buffer
}

const GATEWAY: Record<number, string> = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }

export class Faults {
  private rules: FaultRule[] = []

  constructor(
    private readonly expireSessions: () => void,
    private readonly platforms: readonly string[],
  ) {}

  /** Checks a rule as the control API receives it; a message saying what is wrong, or the rule. */
  parse(body: Record<string, unknown>): FaultRule | string {
    const unknown = Object.keys(body).filter((key) => !FIELDS.has(key))
    if (unknown.length > 0) return `unknown fault field(s): ${unknown.join(', ')}; allowed: ${[...FIELDS].join(', ')}`
    const { platform, path, method, count, when, status, retryAfter, latencyMs, dripMs, disguise, hugeMB } = body
    if (platform !== undefined && !this.platforms.includes(platform as string))
      return `platform has the value ${JSON.stringify(platform)}; allowed: ${this.platforms.join(', ')}`
    if (path !== undefined && typeof path !== 'string') return 'path must be a string (a substring of the path and query)'
    const methods: unknown[] | undefined = typeof method === 'string' ? [method] : Array.isArray(method) ? method : undefined
    if (method !== undefined && !(methods && methods.length > 0 && methods.every((m) => typeof m === 'string' && /^[A-Za-z]+$/.test(m))))
      return 'method must be an HTTP method ("PUT") or a list of them (["PUT", "POST"])'
    if (count !== undefined && !(Number.isInteger(count) && (count as number) > 0)) return 'count must be a whole number above 0'
    if (when !== undefined && when !== 'before' && when !== 'after') return 'when must be "before" or "after"'
    if (status !== undefined && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599))
      return 'status must be an HTTP status from 100 to 599'
    if (retryAfter !== undefined && typeof retryAfter !== 'string') return 'retryAfter must be a string (the Retry-After header)'
    if ((retryAfter !== undefined || body.body !== undefined) && status === undefined) return 'retryAfter and body go with status'
    if (latencyMs !== undefined && !(typeof latencyMs === 'number' && latencyMs >= 0)) return 'latencyMs must be a number of ms, 0 or more'
    if (dripMs !== undefined && !(typeof dripMs === 'number' && dripMs > 0)) return 'dripMs must be a number of ms above 0'
    if (disguise !== undefined && !DISGUISES.includes(disguise as (typeof DISGUISES)[number]))
      return `disguise has the value ${JSON.stringify(disguise)}; allowed: ${DISGUISES.join(', ')}`
    if (hugeMB !== undefined && !(typeof hugeMB === 'number' && hugeMB > 0 && hugeMB <= 1024))
      return 'hugeMB must be a number of MB above 0, at most 1024'
    if (body.echo !== undefined && status === undefined) return 'echo goes with status'
    if (body.echo === true && when === 'after') return 'echo strikes before the request is handled (leave out "when" or give "before")'
    for (const flag of ['drop', 'hang', 'truncate', 'malformed', 'expireSessions', 'echo'])
      if (body[flag] !== undefined && typeof body[flag] !== 'boolean') return `${flag} must be true or false`
    const kinds = KINDS.filter((kind) => body[kind] !== undefined && body[kind] !== false)
    if (kinds.length > 1) return `a rule has one fault kind at most; this one has ${kinds.join(', ')}`
    if (when === 'before' && (body.truncate === true || dripMs !== undefined))
      return 'truncate and dripMs act on the real answer: they strike after the request was handled (leave out "when" or give "after")'
    return {
      ...(body as FaultRule),
      ...(methods && { method: Array.isArray(method) ? methods.map((m) => String(m).toUpperCase()) : String(method).toUpperCase() }),
    }
  }

  add(rule: FaultRule): void {
    this.rules.push({ ...rule })
  }

  clear(): void {
    this.rules = []
  }

  list(): FaultRule[] {
    return this.rules
  }

  /** The first rule matching the request, one of its `count` used up; undefined when none matches. */
  take(platform: string, path: string, method: string): FaultRule | undefined {
    const rule = this.rules.find(
      (r) =>
        (r.platform === undefined || r.platform === platform) &&
        (r.path === undefined || path.includes(r.path)) &&
        (r.method === undefined || [r.method].flat().includes(method.toUpperCase())),
    )
    if (!rule) return undefined
    if (rule.count !== undefined && --rule.count <= 0) this.rules.splice(this.rules.indexOf(rule), 1)
    return { ...rule }
  }

  /** A few words for the request log: which fault struck, e.g. "after drop". */
  static describe(rule: FaultRule): string {
    const kind = KINDS.find((k) => rule[k] !== undefined && rule[k] !== false)
    const name =
      kind === 'status'
        ? `status ${rule.status}${rule.echo ? ' (echo)' : ''}`
        : kind === 'dripMs'
          ? `drip ${rule.dripMs} ms`
          : kind === 'disguise'
            ? `disguise ${rule.disguise}`
            : kind === 'hugeMB'
              ? `huge ${rule.hugeMB} MB`
              : (kind ?? 'latency')
    const when = strikesAfter(rule) ? 'after' : 'before'
    return `${when} ${name}${rule.expireSessions ? ' (sessions expired)' : ''}`
  }

  /**
   * Applies `rule` to a request that `handle` serves: before it (the platform may never see the
   * request) or after it (the platform's answer captured, then replaced). Resolves when the
   * request was dealt with (for a hang: at once, the connection left open).
   */
  async apply(rule: FaultRule, req: IncomingMessage, res: ServerResponse, handle: () => Promise<void>): Promise<void> {
    if (!strikesAfter(rule)) {
      if (rule.latencyMs) {
        // the platform has the whole request before it is slow to take it up: a client that gives up
        // meanwhile does not stop it, as a real platform's front does not
        await readBody(req).catch(() => '')
        await delay(rule.latencyMs)
      }
      if (rule.expireSessions) this.expireSessions()
      if (rule.drop) return void req.socket.destroy()
      if (rule.hang) return hang(req)
      if (rule.malformed) return malformed(res)
      if (rule.echo) return echo(req, res, rule)
      if (rule.status !== undefined) return gateway(res, rule)
      if (rule.disguise !== undefined) return disguised(res, rule.disguise)
      if (rule.hugeMB !== undefined) return huge(res, rule.hugeMB)
      return handle()
    }
    const answer = await capture(res, handle)
    if (rule.latencyMs) await delay(rule.latencyMs)
    if (rule.expireSessions) this.expireSessions()
    if (rule.drop) return void req.socket.destroy()
    if (rule.hang) return hang(req)
    if (rule.truncate) return truncate(req, res, answer)
    if (rule.malformed) return malformed(res, answer.body)
    if (rule.status !== undefined) return gateway(res, rule)
    if (rule.disguise !== undefined) return disguised(res, rule.disguise)
    if (rule.hugeMB !== undefined) return huge(res, rule.hugeMB)
    if (rule.dripMs !== undefined) return drip(res, answer, rule.dripMs)
    send(res, answer)
  }
}

function strikesAfter(rule: FaultRule): boolean {
  return rule.when === 'after' || rule.truncate === true || rule.dripMs !== undefined
}

/**
 * Runs the handler with `res` standing in: what it writes is kept, nothing goes out. Resolves with
 * the answer when the handler ends it (never, for a request the platform never answers). Later
 * writes of the handler are ignored; the fault writes through the response's own methods.
 */
function capture(res: ServerResponse, handle: () => Promise<void>): Promise<Answer> {
  const own = res as unknown as Record<string, unknown>
  realOf.set(res, { writeHead: res.writeHead.bind(res), write: res.write.bind(res), end: res.end.bind(res) } as Real)
  let status: number | undefined
  const headers: OutgoingHttpHeaders = {}
  const chunks: Buffer[] = []
  let ended = false
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (ended || chunk === undefined || chunk === null || typeof chunk === 'function') return
    const text = typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, text) : Buffer.from(chunk as Uint8Array))
  }
  const callback = (...args: unknown[]) => args.find((a) => typeof a === 'function') as (() => void) | undefined
  return new Promise((resolve) => {
    // the handler's writes after its end (a second answer) are ignored, as a finished response would
    own.writeHead = (code: number, ...rest: unknown[]) => {
      if (ended) return res
      status = code
      const given = rest.find((r) => typeof r === 'object' && r !== null)
      if (Array.isArray(given)) for (let i = 0; i + 1 < given.length; i += 2) headers[String(given[i]).toLowerCase()] = given[i + 1]
      else if (given) for (const [key, value] of Object.entries(given)) headers[key.toLowerCase()] = value as string
      return res
    }
    own.write = (chunk: unknown, encoding?: unknown, done?: unknown) => {
      keep(chunk, encoding)
      callback(encoding, done)?.()
      return true
    }
    own.end = (chunk?: unknown, encoding?: unknown, done?: unknown) => {
      if (ended) return res
      keep(chunk, encoding)
      ended = true
      const merged: OutgoingHttpHeaders = { ...res.getHeaders(), ...headers }
      // what the handler set goes with the real answer only, not with a gateway's
      for (const name of res.getHeaderNames()) res.removeHeader(name)
      resolve({ status: status ?? res.statusCode, headers: merged, body: Buffer.concat(chunks) })
      callback(chunk, encoding, done)?.()
      return res
    }
    void handle()
  })
}

/** The response's own methods, kept when a capture shadows them. */
interface Real {
  writeHead: (...args: unknown[]) => unknown
  write: (...args: unknown[]) => unknown
  end: (...args: unknown[]) => unknown
}
const realOf = new WeakMap<ServerResponse, Real>()

function io(res: ServerResponse): Real {
  return realOf.get(res) ?? ({ writeHead: res.writeHead.bind(res), write: res.write.bind(res), end: res.end.bind(res) } as Real)
}

/** The captured answer as it was. */
function send(res: ServerResponse, answer: Answer): void {
  const { writeHead, end } = io(res)
  writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length })
  end(answer.body)
}

/** No answer; the connection stays open until the client (or the server's close) ends it. */
function hang(req: IncomingMessage): void {
  req.resume()
}

/** The real status and headers with the real content-length, half the body, then a reset. An empty body cannot be cut: a reset before the answer. */
function truncate(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  if (answer.body.length === 0) return void req.socket.destroy()
  const { writeHead, write } = io(res)
  writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length })
  write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => req.socket.destroy())
}

/** HTTP 200 with a body that is not JSON: the first half of the real one (when that is not JSON), or a cut envelope. */
function malformed(res: ServerResponse, real?: Buffer): void {
  const half = real ? real.subarray(0, Math.floor(real.length / 2)).toString('utf8') : ''
  const text = half.trim() !== '' && !isJson(half) ? half : '{"result": 0, "env": {'
  const { writeHead, end } = io(res)
  writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  end(text)
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** The status with a gateway's HTML page, or with `body` as JSON. */
function gateway(res: ServerResponse, rule: FaultRule): void {
  const json = rule.body !== undefined
  const status = rule.status as number
  const title = `${status} ${GATEWAY[status] ?? 'Error'}`
  const text = json
    ? JSON.stringify(rule.body)
    : `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  const { writeHead, end } = io(res)
  writeHead(status, {
    'content-type': json ? 'application/json' : 'text/html',
    'content-length': Buffer.byteLength(text),
    ...(rule.retryAfter !== undefined && { 'retry-after': rule.retryAfter }),
  })
  end(text)
}

/** The real answer: its headers at once, then one byte every `ms`. */
function drip(res: ServerResponse, answer: Answer, ms: number): void {
  const { writeHead, write, end } = io(res)
  writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length })
  res.flushHeaders()
  let sent = 0
  let timer: NodeJS.Timeout | undefined
  const next = () => {
    if (res.destroyed) return
    if (sent >= answer.body.length) return void end()
    write(answer.body.subarray(sent, sent + 1))
    sent += 1
    timer = setTimeout(next, ms)
  }
  res.on('close', () => clearTimeout(timer))
  timer = setTimeout(next, ms)
}

/** The status with the request echoed: `{request}` in `body`'s strings, or the request as the whole text body. */
async function echo(req: IncomingMessage, res: ServerResponse, rule: FaultRule): Promise<void> {
  // read once: a latency before it has read the body already
  const body = await readBody(req)
  const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${[value].flat().join(', ')}`)
  const request = [`${req.method} http://${req.headers.host ?? ''}${req.url ?? ''}`, ...headers, '', body].join('\n')
  const fill = (value: unknown): unknown =>
    typeof value === 'string'
      ? value.split('{request}').join(request)
      : Array.isArray(value)
        ? value.map(fill)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item)]))
          : value
  const json = rule.body !== undefined
  const text = json ? JSON.stringify(fill(rule.body)) : request
  const { writeHead, end } = io(res)
  writeHead(rule.status as number, { 'content-type': json ? 'application/json' : 'text/plain', 'content-length': Buffer.byteLength(text) })
  end(text)
}

/** HTTP 200 that claims nothing true: a login page of a gateway, a plain text, gzip bytes with no content-encoding, random binary. */
function disguised(res: ServerResponse, kind: (typeof DISGUISES)[number]): void {
  const bodies: Record<typeof kind, [string, Buffer]> = {
    html: [
      'text/html',
      Buffer.from('<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>\n'),
    ],
    text: ['text/plain', Buffer.from('OK\n')],
    gzip: ['application/json', gzipSync(Buffer.from('{"result": 0, "items": []}'))],
    binary: [
      'application/octet-stream',
      Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x08, 0x9b, 0x0d, 0x0a, 0x3a, 0x3a, 0xfe, 0x00]),
    ],
  }
  const [type, body] = bodies[kind]
  const { writeHead, end } = io(res)
  writeHead(200, { 'content-type': type, 'content-length': body.length })
  end(body)
}

/** HTTP 200 with `mb` MB of a JSON array, streamed in chunks without a content-length: the client must cut it while reading. */
function huge(res: ServerResponse, mb: number): void {
  const { writeHead, write, end } = io(res)
  writeHead(200, { 'content-type': 'application/json' })
  const chunk = Buffer.from(`${'"0123456789abcdef0123456789abcdef",'.repeat(2048)}`)
  let left = Math.ceil((mb * 1024 * 1024) / chunk.length)
  write(Buffer.from('['))
  const next = (): void => {
    while (left > 0 && !res.destroyed) {
      left--
      if (!(write(chunk) as boolean)) return void res.once('drain', next)
    }
    if (!res.destroyed) end(Buffer.from('"end"]'))
  }
  next()
}
