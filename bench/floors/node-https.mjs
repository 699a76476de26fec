// A floor for the cold start: node:https alone, one request to URL (the bench never answers it).
import { request } from 'node:https'

request(process.env.URL)
  .on('error', () => {})
  .end()
