// A floor for the cold start: undici's index (everything: fetch, MockAgent, WebSocket …), one request to URL.
import { request } from 'undici'

await request(process.env.URL).catch(() => {})
