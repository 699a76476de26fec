import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** RFC 6455 section 1.3: the GUID a server appends to the client's key before hashing it. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

export const OPCODES = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(sha1(key + GUID)). */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64')
}

/**
 * What is wrong with a request that asks for a WebSocket (RFC 6455 section 4.2.1), as the HTTP
 * answer a server gives instead of the upgrade; null: it is a proper opening handshake.
 */
export function handshakeRefusal(req: IncomingMessage): { status: number; message: string; headers?: Record<string, string> } | null {
  if (req.method !== 'GET') return { status: 405, message: 'a WebSocket opens with a GET' }
  if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return { status: 400, message: 'Upgrade: websocket is missing' }
  const connection = String(req.headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((token) => token.trim())
  if (!connection.includes('upgrade')) return { status: 400, message: 'Connection: Upgrade is missing' }
  if (req.headers['sec-websocket-version'] !== '13') {
    return { status: 426, message: 'Sec-WebSocket-Version must be 13', headers: { 'Sec-WebSocket-Version': '13' } }
  }
  const key = String(req.headers['sec-websocket-key'] ?? '')
  if (!/^[A-Za-z0-9+/]{22}==$/.test(key) || Buffer.from(key, 'base64').length !== 16) {
    return { status: 400, message: 'Sec-WebSocket-Key must be 16 bytes in base64' }
  }
  return null
}

/** The 101 answer that completes the handshake. */
export function switchingProtocols(key: string): string {
  return [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptKey(key)}`,
    '',
    '',
  ].join('\r\n')
}

/** One unfragmented, unmasked frame, as a server sends it. */
export function encodeFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const length = payload.length
  const head = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
  head[0] = 0x80 | opcode
  if (length < 126) head[1] = length
  else if (length < 65536) {
    head[1] = 126
    head.writeUInt16BE(length, 2)
  } else {
    head[1] = 127
    head.writeBigUInt64BE(BigInt(length), 2)
  }
  return Buffer.concat([head, payload])
}

export interface Frame {
  fin: boolean
  opcode: number
  payload: Buffer
}

/**
 * Reads the frames a client sends, from bytes as they come: every client frame must be masked
 * (RFC 6455 section 5.1); one that is not is a protocol error, said by `error`.
 */
export class FrameReader {
  private buffered = Buffer.alloc(0)

  /** The whole frames in what has come so far; a frame cut short waits for the rest. */
  push(chunk: Buffer): Frame[] | { error: string } {
    this.buffered = Buffer.concat([this.buffered, chunk])
    const frames: Frame[] = []
    for (;;) {
      const bytes = this.buffered
      if (bytes.length < 2) return frames
      const first = bytes[0] as number
      const second = bytes[1] as number
      if ((second & 0x80) === 0) return { error: 'a client frame must be masked' }
      let length = second & 0x7f
      let offset = 2
      if (length === 126) {
        if (bytes.length < 4) return frames
        length = bytes.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (bytes.length < 10) return frames
        const long = bytes.readBigUInt64BE(2)
        if (long > 1_048_576n) return { error: 'a client frame larger than 1 MiB' }
        length = Number(long)
        offset = 10
      }
      if (bytes.length < offset + 4 + length) return frames
      const mask = bytes.subarray(offset, offset + 4)
      const payload = Buffer.from(bytes.subarray(offset + 4, offset + 4 + length))
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number)
      frames.push({ fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload })
      this.buffered = bytes.subarray(offset + 4 + length)
    }
  }
}
