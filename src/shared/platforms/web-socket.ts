/** The part of the WHATWG WebSocket (Node's global one, Node 22 and later) a platform's event stream uses. */
export interface EventSocket {
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  close(): void
}

/** Node's WebSocket constructor: its second argument takes the opening request's headers (undici's WebSocketInit). */
export type SocketConstructor = new (url: string, init: { headers: Record<string, string> }) => EventSocket

/** Node's global WebSocket, where this Node has one (@types/node 20 does not declare it). */
export function nodeWebSocket(): SocketConstructor | undefined {
  return (globalThis as { WebSocket?: SocketConstructor }).WebSocket
}
