import { Agent, get } from 'node:http'

/**
 * GETs a URL with node:http on a kept-alive agent: the tests that sample what a router or a
 * service serves send hundreds of requests, often in a loop while a step runs, and fetch costs
 * the test process about 2.5 times the CPU per request, taken from the steps under test on a
 * 2-core machine.
 */
export function getText(url: string, agent: Agent, timeoutMs?: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent, ...(timeoutMs !== undefined && { timeout: timeoutMs }) }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      response.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)))
    request.on('error', reject)
  })
}

/** One connection kept alive for a run of requests (destroy it after). */
export function keptAlive(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 })
}
