// A small HTTPS stand-in for the GitHub endpoints a deploy with a github-token calls (a
// deployment, its statuses), for runs that load and use Octokit as a runner's default token
// makes them. test/support/github-server.ts is the checked one; this one only answers.
import { createServer } from 'node:https'

export async function startGitHub(certificate) {
  let next = 1
  const seen = []
  const server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    req.resume()
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`)
      const send = (status, body) => {
        const text = JSON.stringify(body)
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
        res.end(text)
      }
      const id = next++
      if (req.method === 'POST' && /\/deployments$/.test(req.url ?? '')) return send(201, { id, sha: 'a1b2c3d', environment: 'production' })
      if (req.method === 'POST' && /\/statuses$/.test(req.url ?? '')) return send(201, { id, state: 'success' })
      if (req.method === 'GET') return send(200, [])
      send(404, { message: 'Not Found' })
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `https://127.0.0.1:${server.address().port}`
  return {
    seen,
    /** the input a runner passes by default (the job's token) */
    inputs: { 'github-token': 'ghs_bench_token_0123456789' },
    /** what the runner sets for every step */
    env: {
      GITHUB_API_URL: url,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      GITHUB_SERVER_URL: 'https://github.example.com',
      GITHUB_RUN_ID: '77',
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
