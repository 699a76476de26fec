import type { Dispatcher } from 'undici'
import Agent from 'undici/lib/dispatcher/agent.js'

/**
 * The dispatcher for the environment: the proxy from HTTPS_PROXY / HTTP_PROXY (honouring
 * NO_PROXY) when one is set, a plain keep-alive agent otherwise. The proxy agent is loaded only
 * when a proxy is set: most runs never pay for it.
 */
export async function dispatcherFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Dispatcher> {
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => env[name])
  if (!proxied) return new Agent()
  const { default: EnvHttpProxyAgent } = await import('undici/lib/dispatcher/env-http-proxy-agent.js')
  return new EnvHttpProxyAgent()
}
