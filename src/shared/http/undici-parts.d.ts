// Types for the parts of undici the client imports one by one (undici ships types for its index
// only). Importing the parts, not the index, keeps MockAgent, fetch, WebSocket and the rest out
// of the start-up path of every action: see client.ts.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici'

  const AgentClass: typeof Agent
  export default AgentClass
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici'

  const request: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>
  export default request
}

declare module 'undici/lib/dispatcher/dispatcher-base.js' {
  import type { Dispatcher } from 'undici'

  // what Agent, ProxyAgent and the rest extend: dispatch(), close() and destroy() that call these three
  const DispatcherBase: typeof Dispatcher
  export default DispatcherBase
}

declare module 'undici/lib/core/symbols.js' {
  const symbols: { readonly kDispatch: symbol; readonly kClose: symbol; readonly kDestroy: symbol }
  export default symbols
}

declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici'

  const PoolClass: typeof Pool
  export default PoolClass
}

declare module 'undici/lib/dispatcher/proxy-agent.js' {
  import type { ProxyAgent } from 'undici'

  const ProxyAgentClass: typeof ProxyAgent
  export default ProxyAgentClass
}

declare module 'undici/lib/api/api-connect.js' {
  import type { Dispatcher } from 'undici'

  const connect: (this: Dispatcher, options: Dispatcher.ConnectOptions) => Promise<Dispatcher.ConnectData>
  export default connect
}

declare module 'undici/lib/handler/decorator-handler.js' {
  import type { Dispatcher } from 'undici'

  // forwards every callback to the handler it wraps
  class DecoratorHandler implements Dispatcher.DispatchHandlers {
    constructor(handler: Dispatcher.DispatchHandlers)
    onError(error: Error): void
  }
  export default DecoratorHandler
}
