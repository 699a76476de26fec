// A floor for the cold start: undici's Agent and request, imported by their parts as
// src/shared/http/dispatcher.ts and client.ts import them, one request to URL.
import Agent from 'undici/lib/dispatcher/agent.js'
import request from 'undici/lib/api/api-request.js'

const url = new URL(process.env.URL)
await request.call(new Agent(), { origin: url.origin, path: url.pathname, method: 'GET' }).catch(() => {})
