import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { acceptKey, encodeFrame, FrameReader, handshakeRefusal, OPCODES, switchingProtocols } from '../../emulator/websocket.js'

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='

/** A client frame: masked, as RFC 6455 section 5.1 wants every client frame. */
function clientFrame(opcode: number, payload: Buffer, mask = Buffer.from([1, 2, 3, 4])): Buffer {
  const length = payload.length
  const head =
    length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | length])
      : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 126]), Buffer.from([length >> 8, length & 0xff])])
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)))
  return Buffer.concat([head, mask, masked])
}

function request(headers: Record<string, string>, method = 'GET'): IncomingMessage {
  return { method, headers } as unknown as IncomingMessage
}

const HANDSHAKE = { upgrade: 'websocket', connection: 'keep-alive, Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': KEY }

describe('the emulator’s WebSocket framing (RFC 6455)', () => {
  it('answers the key with the RFC’s own example accept value', () => {
    expect(acceptKey(KEY)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
    expect(switchingProtocols(KEY)).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
    )
  })

  it('takes a proper opening handshake and refuses the rest with the HTTP answer they get', () => {
    expect(handshakeRefusal(request(HANDSHAKE))).toBeNull()
    expect(handshakeRefusal(request(HANDSHAKE, 'POST'))?.status).toBe(405)
    expect(handshakeRefusal(request({ ...HANDSHAKE, upgrade: 'h2c' }))?.status).toBe(400)
    expect(handshakeRefusal(request({ ...HANDSHAKE, connection: 'keep-alive' }))?.status).toBe(400)
    expect(handshakeRefusal(request({ ...HANDSHAKE, 'sec-websocket-version': '8' }))).toMatchObject({
      status: 426,
      headers: { 'Sec-WebSocket-Version': '13' },
    })
    expect(handshakeRefusal(request({ ...HANDSHAKE, 'sec-websocket-key': 'c2hvcnQ=' }))?.status).toBe(400)
  })

  it('frames a server message by its length: 7 bits, 16 bits after 126, 64 bits after 127', () => {
    expect([...encodeFrame(OPCODES.text, Buffer.from('hi'))]).toEqual([0x81, 2, 0x68, 0x69])
    const medium = encodeFrame(OPCODES.text, Buffer.alloc(300))
    expect([...medium.subarray(0, 4)]).toEqual([0x81, 126, 1, 44])
    expect(medium.length).toBe(304)
    const large = encodeFrame(OPCODES.text, Buffer.alloc(70_000))
    expect([large[1], large.readBigUInt64BE(2)]).toEqual([127, 70_000n])
    expect([...encodeFrame(OPCODES.close, Buffer.from([0x03, 0xe8]))]).toEqual([0x88, 2, 0x03, 0xe8])
  })

  it('reads masked client frames, whole or cut across chunks', () => {
    const reader = new FrameReader()
    const close = clientFrame(OPCODES.close, Buffer.from([0x03, 0xe8]))
    const text = clientFrame(OPCODES.text, Buffer.alloc(200, 'a'))
    const bytes = Buffer.concat([text, close])
    expect(reader.push(bytes.subarray(0, 3))).toEqual([])
    expect(reader.push(bytes.subarray(3, 150))).toEqual([])
    const frames = reader.push(bytes.subarray(150))
    expect(frames).toEqual([
      { fin: true, opcode: OPCODES.text, payload: Buffer.alloc(200, 'a') },
      { fin: true, opcode: OPCODES.close, payload: Buffer.from([0x03, 0xe8]) },
    ])
  })

  it('refuses a client frame that is not masked', () => {
    expect(new FrameReader().push(encodeFrame(OPCODES.ping))).toEqual({ error: 'a client frame must be masked' })
  })
})
