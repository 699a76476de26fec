// An HTTPS front for the emulator, as test/support/tls.ts's TlsFront is, that also keeps the
// times the emulator's request log lacks (GET /_emulator/requests has method, platform, path,
// query and fault, no time): when each request arrived, when its answer started and ended, on the
// bench's own clock (performance.now()), the clock every measurement here uses.
//
// The emulator hands out URLs of its own http:// origin (a Rancher service's `actions`, a NetEase
// app's `web_hook_url`, pagination links): the front writes its https:// origin in their place in
// every answer, as a platform behind TLS hands out https:// URLs, so that every request of a run
// comes through here and is timed.
//
// A WebSocket (Rancher's event stream) is passed through as it is; its entry keeps when each
// message from the emulator went on (`messages`: {at, text}), for the bench to see which one
// showed an operation done.
import { request } from 'node:http'
import { connect } from 'node:net'
import { createServer } from 'node:https'
import { performance } from 'node:perf_hooks'

export async function startFront(target, certificate) {
  /**
   * every request: `arrived`, `answered` (the emulator's answer began) and `ended` (the answer
   * sent on) in ms on performance.now(); `body`, the answer as sent
   * @type {{platform: string, method: string, path: string, query: string, arrived: number, answered?: number, ended?: number, status?: number, body?: string}[]}
   */
  const log = []
  const front = { origin: '', log }
  const server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://front')
    const [, platform = '', ...rest] = url.pathname.split('/')
    const entry = { platform, method: req.method ?? 'GET', path: `/${rest.join('/')}`, query: url.search, arrived: performance.now() }
    log.push(entry)
    const headers = { ...req.headers, host: new URL(target).host }
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers, agent: false }, (answer) => {
      entry.answered = performance.now()
      entry.status = answer.statusCode
      const chunks = []
      answer.on('data', (chunk) => chunks.push(chunk))
      answer.on('end', () => {
        // latin1 maps bytes one to one, so a binary body goes through unchanged
        const body = Buffer.from(Buffer.concat(chunks).toString('latin1').replaceAll(target, front.origin), 'latin1')
        const out = {}
        for (const [name, value] of Object.entries(answer.headers)) {
          if (name === 'content-length' || name === 'transfer-encoding' || name === 'connection' || name === 'keep-alive') continue
          out[name] = Array.isArray(value)
            ? value.map((v) => v.replaceAll(target, front.origin))
            : String(value).replaceAll(target, front.origin)
        }
        // kept for the bench to read what a status answer showed (lists of thousands excepted)
        if (body.length <= 256 * 1024) entry.body = body.toString('utf8')
        res.writeHead(answer.statusCode ?? 502, { ...out, 'content-length': body.length })
        res.end(body)
      })
      answer.on('error', () => res.destroy())
    })
    upstream.on('error', () => res.destroy())
    res.on('finish', () => (entry.ended = performance.now()))
    req.pipe(upstream)
  })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://front')
    const [, platform = '', ...rest] = url.pathname.split('/')
    const entry = { platform, method: 'GET', path: `/${rest.join('/')}`, query: url.search, arrived: performance.now(), messages: [] }
    log.push(entry)
    const { hostname, port } = new URL(target)
    const upstream = connect(Number(port), hostname)
    const headers = []
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]
      headers.push(`${name}: ${name.toLowerCase() === 'host' ? new URL(target).host : req.rawHeaders[i + 1]}`)
    }
    upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`)
    if (head.length > 0) upstream.write(head)
    const frames = serverFrames((text) => entry.messages.push({ at: performance.now(), text }))
    let answer = Buffer.alloc(0)
    upstream.on('data', (chunk) => {
      socket.write(chunk)
      if (entry.answered !== undefined) return frames(chunk)
      answer = Buffer.concat([answer, chunk])
      const end = answer.indexOf('\r\n\r\n')
      if (end < 0) return
      entry.answered = performance.now()
      entry.status = Number(answer.subarray(0, end).toString('latin1').split(' ')[1])
      frames(answer.subarray(end + 4))
    })
    socket.pipe(upstream)
    const end = () => {
      entry.ended ??= performance.now()
      socket.destroy()
      upstream.destroy()
    }
    for (const side of [socket, upstream]) {
      side.on('error', end)
      side.on('close', end)
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  front.origin = `https://127.0.0.1:${server.address().port}`
  front.url = (platform) => `${front.origin}/${platform}`
  /** the entries of one platform */
  front.entries = (platform) => log.filter((entry) => entry.platform === platform)
  front.clear = () => (log.length = 0)
  front.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return front
}

/** Reads a server's WebSocket frames (unmasked, RFC 6455 section 5.2) from bytes as they come; calls `text` with each text message. */
function serverFrames(text) {
  let buffered = Buffer.alloc(0)
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk])
    for (;;) {
      if (buffered.length < 2) return
      let length = buffered[1] & 0x7f
      let offset = 2
      if (length === 126) {
        if (buffered.length < 4) return
        length = buffered.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (buffered.length < 10) return
        length = Number(buffered.readBigUInt64BE(2))
        offset = 10
      }
      if (buffered.length < offset + length) return
      if ((buffered[0] & 0x0f) === 0x1) text(buffered.subarray(offset, offset + length).toString('utf8'))
      buffered = buffered.subarray(offset + length)
    }
  }
}
