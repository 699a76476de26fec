import type { IncomingMessage, ServerResponse } from 'node:http'

export function readBody(req: IncomingMessage): Promise<string> {
  let body = bodies.get(req)
  if (body === undefined) {
    body = (async () => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    })()
    bodies.set(req, body)
  }
  return body
}

/** Each request's body, read once: a fault's latency reads it first, and the platform's handler after it. */
const bodies = new WeakMap<IncomingMessage, Promise<string>>()

/** Query and form parameters together, as the Jelastic API takes either. */
export async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, string>> {
  const params: Record<string, string> = {}
  for (const [key, value] of url.searchParams) params[key] = value
  const body = await readBody(req)
  if (body && (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body)) params[key] = value
  } else if (body && (req.headers['content-type'] ?? '').includes('application/json')) {
    Object.assign(params, JSON.parse(body))
  }
  return params
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
