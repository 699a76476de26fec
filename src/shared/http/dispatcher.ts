import { BlockList, isIP } from 'node:net'
import type { Dispatcher } from 'undici'
import symbols from 'undici/lib/core/symbols.js'
import Agent from 'undici/lib/dispatcher/agent.js'
import DispatcherBase from 'undici/lib/dispatcher/dispatcher-base.js'
import Pool from 'undici/lib/dispatcher/pool.js'
import { MIN_SECRET_LENGTH } from './redactor.js'
import { secrets } from './secrets.js'

/**
 * The dispatcher for the environment: a plain keep-alive agent, or, when HTTPS_PROXY or HTTP_PROXY
 * is set, one that sends each request through the proxy for its scheme unless NO_PROXY names the
 * host. The proxy code (undici's ProxyAgent and CONNECT) is loaded only then: most runs never pay
 * for it.
 *
 * Not undici's EnvHttpProxyAgent: it is experimental in undici 6 (a warning on stderr), it sends
 * https:// through HTTP_PROXY when HTTPS_PROXY is unset, and its NO_PROXY `example.com` does not
 * cover `api.example.com`. Its ProxyAgent is used, one per proxy URL; it opens tunnels with
 * `Dispatcher.prototype.connect`, which only undici's index adds (`Object.assign(Dispatcher.prototype,
 * api)`), and the client imports undici's parts, not its index (see client.ts): so the proxy's
 * own client gets `connect` here, and nothing global is patched.
 */
export async function dispatcherFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Dispatcher> {
  const proxies = readProxyEnv(env)
  const used = [proxies.https, proxies.http].filter((proxy): proxy is ProxyVariable => proxy !== undefined)
  if (used.length === 0 || proxies.noProxy.all) return new Agent(clientOptions())
  maskPasswords(used)
  const [{ default: ProxyAgent }, { default: connect }, { default: DecoratorHandler }] = await Promise.all([
    import('undici/lib/dispatcher/proxy-agent.js'),
    import('undici/lib/api/api-connect.js'),
    import('undici/lib/handler/decorator-handler.js'),
  ])

  /** Errors of a proxied request say which proxy they went through (timeouts and aborts stay as they are). */
  class ThroughProxy extends DecoratorHandler {
    constructor(
      handler: Dispatcher.DispatchHandlers,
      private readonly proxy: ProxyVariable,
    ) {
      super(handler)
    }

    override onError(error: Error): void {
      const { code, name } = error as Error & { code?: unknown }
      const untouched = error instanceof ProxyError || name === 'AbortError' || name === 'TimeoutError' || code === 'UND_ERR_ABORTED'
      super.onError(
        untouched ? error : Object.assign(new Error(`through ${describeProxy(this.proxy)}: ${error.message}`, { cause: error }), { code }),
      )
    }
  }

  const agents = new Map<string, Dispatcher>()
  for (const proxy of used) {
    if (proxy.url === undefined || agents.has(proxy.url.href)) continue
    const { url } = proxy
    const bare = new URL(url.href)
    bare.username = ''
    bare.password = ''
    const credentials = url.username || url.password ? `${decode(url.username)}:${decode(url.password)}` : undefined
    agents.set(
      url.href,
      new ProxyAgent({
        ...clientOptions(),
        uri: bare.href,
        ...(credentials !== undefined && { token: `Basic ${Buffer.from(credentials).toString('base64')}` }),
        // http:// targets as absolute-URI requests, as curl does (proxies often allow CONNECT to port 443 only)
        proxyTunnel: false,
        clientFactory: (origin, options) => {
          const pool = new Pool(origin, { ...clientOptions(), ...options })
          return Object.assign(pool, { connect: (request: Dispatcher.ConnectOptions) => openTunnel(pool, request, proxy) })
        },
      }),
    )
  }

  /** CONNECT through the proxy; anything but 200 is an error that names the proxy and the answer. */
  async function openTunnel(pool: Dispatcher, request: Dispatcher.ConnectOptions, proxy: ProxyVariable): Promise<Dispatcher.ConnectData> {
    const tunnel = await connect.call(pool, request)
    if (tunnel.statusCode === 200) return tunnel
    tunnel.socket.on('error', () => {}).destroy()
    const why = tunnel.statusCode === 407 ? `; check the user and password in ${proxy.name}` : ''
    throw new ProxyError(
      `${describeProxy(proxy)} refused the tunnel to ${request.path}: HTTP ${tunnel.statusCode}${why}`,
      tunnel.statusCode === 407 ? 'ERR_PROXY_AUTH' : 'ERR_PROXY_TUNNEL',
    )
  }

  return new ProxyRouter(proxies, new Agent(clientOptions()), agents, (handler, proxy) => new ThroughProxy(handler, proxy))
}

/** Node's default for `--max-http-header-size`, which undici's Client takes as its header limit when given none. */
const NODE_HEADER_LIMIT = 16_384

/**
 * The header limit undici's Client would take from node:http, given here while Node runs with its
 * default, so that node:http is not loaded to read it (the build makes undici read it lazily:
 * scripts/bundle.mjs). With `--max-http-header-size` (or `--max_http_header_size`) on the command
 * line or in NODE_OPTIONS, the Client reads Node's own value as before.
 */
export function clientOptions(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): { maxHeaderSize?: number } {
  // Node takes the flag with dashes or underscores
  const set = [...execArgv, nodeOptions].some((arg) => /--max[-_]http[-_]header[-_]size/.test(arg))
  return set ? {} : { maxHeaderSize: NODE_HEADER_LIMIT }
}

/** One proxy variable as read: its name as set (for messages) and its URL, undefined when it is not one. */
export interface ProxyVariable {
  name: string
  url: URL | undefined
}

export interface ProxyEnv {
  /** for http:// targets */
  http?: ProxyVariable
  /** for https:// targets */
  https?: ProxyVariable
  noProxy: NoProxy
}

/**
 * HTTP_PROXY, HTTPS_PROXY and NO_PROXY as curl reads them: the lower-case name wins when both are
 * set (an empty one turns the proxy off); https:// targets use HTTPS_PROXY only, http:// ones
 * HTTP_PROXY only; a proxy without a scheme is http://.
 */
export function readProxyEnv(env: NodeJS.ProcessEnv): ProxyEnv {
  const read = (name: string): ProxyVariable | undefined => {
    const lower = name.toLowerCase()
    const chosen = env[lower] !== undefined ? lower : name
    const value = env[chosen]?.trim()
    return value ? { name: chosen, url: parseProxyUrl(value) } : undefined
  }
  const http = read('HTTP_PROXY')
  const https = read('HTTPS_PROXY')
  return { ...(http && { http }), ...(https && { https }), noProxy: new NoProxy(env.no_proxy ?? env.NO_PROXY ?? '') }
}

function parseProxyUrl(value: string): URL | undefined {
  try {
    const url = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(value) ? value : `http://${value}`)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url : undefined
  } catch {
    return undefined
  }
}

/** The proxy a request to `target` goes through; undefined: straight to the target. */
export function proxyFor(proxies: ProxyEnv, target: URL): ProxyVariable | undefined {
  const proxy = target.protocol === 'https:' ? proxies.https : target.protocol === 'http:' ? proxies.http : undefined
  return proxy === undefined || proxies.noProxy.matches(target) ? undefined : proxy
}

/**
 * NO_PROXY as curl reads it: entries separated by commas or spaces; `*` alone matches every host;
 * `example.com` and `.example.com` (and `*.example.com`) match example.com and every name under it;
 * an IP address or a CIDR range (`10.0.0.0/8`) matches the addresses it covers, never a name;
 * `:port` after an entry (`[::1]:8080` for IPv6) limits it to that port. Names are not resolved.
 */
export class NoProxy {
  readonly all: boolean
  private readonly entries: { name?: string; addresses?: BlockList; port?: number }[] = []

  constructor(value: string) {
    let all = false
    for (const raw of value.toLowerCase().split(/[\s,]+/)) {
      if (raw === '') continue
      if (raw === '*') {
        all = true
        continue
      }
      const bracketed = raw.match(/^\[([^\]]+)\](?::(\d+))?$/)
      const withPort = isIP(raw) === 6 ? undefined : raw.match(/^(.+):(\d+)$/)
      const host = bracketed?.[1] ?? withPort?.[1] ?? raw
      const portText = bracketed?.[2] ?? withPort?.[2]
      const port = portText === undefined ? {} : { port: Number(portText) }
      const [address = '', prefix] = host.split('/')
      const family = isIP(address)
      if (family !== 0) {
        const addresses = new BlockList()
        const type = family === 6 ? 'ipv6' : 'ipv4'
        if (prefix === undefined) addresses.addAddress(address, type)
        else if (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32)) addresses.addSubnet(address, Number(prefix), type)
        else continue
        this.entries.push({ addresses, ...port })
      } else {
        const name = host.replace(/^\*?\.+/, '').replace(/\.$/, '')
        if (name !== '') this.entries.push({ name, ...port })
      }
    }
    this.all = all
  }

  matches(target: URL): boolean {
    if (this.all) return true
    const host = target.hostname
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80)
    const family = isIP(host)
    return this.entries.some((entry) => {
      if (entry.port !== undefined && entry.port !== port) return false
      if (entry.addresses) return family !== 0 && entry.addresses.check(host, family === 6 ? 'ipv6' : 'ipv4')
      return family === 0 && entry.name !== undefined && (host === entry.name || host.endsWith(`.${entry.name}`))
    })
  }
}

/** A proxy that could not be used: the message names it (never its credentials). */
export class ProxyError extends Error {
  override name = 'ProxyError'

  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

function describeProxy(proxy: ProxyVariable): string {
  return proxy.url === undefined ? proxy.name : `the proxy ${proxy.url.protocol}//${proxy.url.host} (${proxy.name})`
}

/** A percent-encoded part of a URL, decoded; as it is when it is not well encoded. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * The proxy passwords, and the Proxy-Authorization that carries them, are secrets of the run; so
 * is a user without a password, the way some proxies take a token (`http://TOKEN@proxy:3128`).
 */
function maskPasswords(proxies: ProxyVariable[]): void {
  for (const { name, url } of proxies) {
    if (url?.password) {
      secrets.add(url.password, `the password in ${name}`)
      secrets.addBasic(decode(url.username), decode(url.password), `the password in ${name}`)
    } else if (url && decode(url.username).length >= MIN_SECRET_LENGTH) {
      secrets.addBasic(decode(url.username), '')
      secrets.add(decode(url.username), `the user in ${name}`)
    }
  }
}

/** Sends each request straight on, or through the proxy for its scheme: the one dispatcher of a proxied run. */
class ProxyRouter extends DispatcherBase {
  constructor(
    private readonly proxies: ProxyEnv,
    private readonly direct: Dispatcher,
    /** by proxy URL */
    private readonly agents: Map<string, Dispatcher>,
    private readonly decorate: (handler: Dispatcher.DispatchHandlers, proxy: ProxyVariable) => Dispatcher.DispatchHandlers,
  ) {
    super()
  }

  [symbols.kDispatch](options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const proxy = proxyFor(this.proxies, new URL(String(options.origin)))
    if (proxy === undefined) return this.direct.dispatch(options, handler)
    const agent = proxy.url && this.agents.get(proxy.url.href)
    if (!agent) throw new ProxyError(`${proxy.name} is not a proxy URL (http://host:port or https://host:port)`, 'ERR_PROXY_URL')
    return agent.dispatch(options, this.decorate(handler, proxy))
  }

  async [symbols.kClose](): Promise<void> {
    await Promise.all([this.direct, ...this.agents.values()].map((dispatcher) => dispatcher.close()))
  }

  async [symbols.kDestroy](error: Error | null): Promise<void> {
    await Promise.all([this.direct, ...this.agents.values()].map((dispatcher) => dispatcher.destroy(error)))
  }
}
