import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeDeployment {
  id: number
  sha: string
  ref: string
  environment: string
  payload: Record<string, unknown>
  description: string
  created_at: string
  statuses: { id: number; state: string; environment_url?: string; log_url?: string; description?: string }[]
}

/**
 * A local stand-in for the GitHub REST endpoints the actions use (deployments and their statuses),
 * answering with the shapes of GitHub's published OpenAPI types; `auto_inactive` as GitHub does it.
 */
export interface FakeComment {
  id: number
  issue: number
  body: string
}

export class FakeGitHub {
  readonly deployments: FakeDeployment[] = []
  readonly comments: FakeComment[] = []
  /** pull request states by number (open unless set) */
  readonly pulls = new Map<number, string>()
  /** every request answered with this status; with `echo`, its message echoes the request, Authorization header and all */
  failure: { status: number; echo?: boolean } | undefined
  private next = 1000

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(token = 'ghs_fake_job_token_0123456789'): Promise<FakeGitHub> {
    const started: { fake?: FakeGitHub } = {}
    const server = createServer((req, res) => void started.fake?.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    started.fake = new FakeGitHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token)
    return started.fake
  }

  /** The variables the runner sets for a step. */
  env(repository = 'acme/shop', sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'): Record<string, string> {
    return {
      GITHUB_API_URL: this.url,
      GITHUB_REPOSITORY: repository,
      GITHUB_SHA: sha,
      GITHUB_SERVER_URL: 'https://github.example.com',
      GITHUB_RUN_ID: '77',
    }
  }

  latest(deployment: FakeDeployment): string | undefined {
    return deployment.statuses.at(-1)?.state
  }

  reset(): void {
    this.deployments.length = 0
    this.comments.length = 0
    this.pulls.clear()
    this.failure = undefined
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (this.failure) {
      const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`)
      const echoed = `${req.method} ${req.url}\n${headers.join('\n')}\n\n${Buffer.concat(chunks).toString()}`
      return send(res, this.failure.status, { message: this.failure.echo ? `Server Error; the request was: ${echoed}` : 'Server Error' })
    }
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {}
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
    const url = new URL(req.url ?? '/', this.url)
    const issue = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/issues\/(?:(\d+)\/comments|comments\/(\d+))$/)
    if (issue) return this.comment(res, req.method ?? 'GET', issue[1] as string, issue[2], issue[3], body)
    const pull = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/)
    if (pull && req.method === 'GET') {
      const number = Number(pull[1])
      return send(res, 200, {
        number,
        state: this.pulls.get(number) ?? 'open',
        merged: false,
        html_url: `https://github.example.com/acme/shop/pull/${number}`,
      })
    }
    const m = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/deployments(?:\/(\d+)\/statuses)?$/)
    if (!m) return send(res, 404, { message: 'Not Found' })
    const repo = m[1] as string
    const id = m[2] === undefined ? undefined : Number(m[2])
    if (id === undefined && req.method === 'POST') {
      if (typeof body.ref !== 'string' || body.ref === '') return send(res, 422, { message: 'Invalid request.\n\n"ref" wasn\'t supplied.' })
      const deployment: FakeDeployment = {
        id: this.next++,
        sha: body.ref,
        ref: body.ref,
        environment: String(body.environment ?? 'production'),
        payload: (body.payload ?? {}) as Record<string, unknown>,
        description: String(body.description ?? ''),
        created_at: new Date().toISOString(),
        statuses: [],
      }
      this.deployments.push(deployment)
      return send(res, 201, this.view(repo, deployment))
    }
    if (id === undefined && req.method === 'GET') {
      const environment = url.searchParams.get('environment')
      const list = this.deployments.filter((d) => environment === null || d.environment === environment).reverse()
      return send(
        res,
        200,
        list.map((d) => this.view(repo, d)),
      )
    }
    const deployment = this.deployments.find((d) => d.id === id)
    if (!deployment) return send(res, 404, { message: 'Not Found' })
    if (req.method === 'GET')
      return send(
        res,
        200,
        [...deployment.statuses]
          .reverse()
          .map((s) => ({ ...s, url: `${this.url}/repos/${repo}/deployments/${deployment.id}/statuses/${s.id}` })),
      )
    const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success']
    if (!states.includes(String(body.state))) return send(res, 422, { message: 'Validation Failed' })
    const status = {
      id: this.next++,
      state: String(body.state),
      description: String(body.description ?? ''),
      ...(typeof body.environment_url === 'string' && { environment_url: body.environment_url }),
      ...(typeof body.log_url === 'string' && { log_url: body.log_url }),
    }
    deployment.statuses.push(status)
    // auto_inactive (true by default): a success makes the environment's older successful deployments inactive
    if (status.state === 'success' && body.auto_inactive !== false) {
      for (const older of this.deployments) {
        if (older !== deployment && older.environment === deployment.environment && this.latest(older) === 'success') {
          older.statuses.push({ id: this.next++, state: 'inactive', description: 'superseded' })
        }
      }
    }
    return send(res, 201, status)
  }

  /** Issue comments: list, create (POST on the issue), update (PATCH on the comment). */
  private comment(
    res: ServerResponse,
    method: string,
    repo: string,
    issue: string | undefined,
    id: string | undefined,
    body: Record<string, unknown>,
  ): void {
    const view = (c: FakeComment) => ({
      id: c.id,
      node_id: `IC_${c.id}`,
      body: c.body,
      html_url: `https://github.example.com/${repo}/pull/${c.issue}#issuecomment-${c.id}`,
      user: { login: 'github-actions[bot]', type: 'Bot' },
    })
    if (issue !== undefined && method === 'GET') return send(res, 200, this.comments.filter((c) => c.issue === Number(issue)).map(view))
    if (typeof body.body !== 'string') return send(res, 422, { message: 'Validation Failed' })
    if (issue !== undefined && method === 'POST') {
      const created = { id: this.next++, issue: Number(issue), body: body.body }
      this.comments.push(created)
      return send(res, 201, view(created))
    }
    const existing = this.comments.find((c) => c.id === Number(id))
    if (!existing || method !== 'PATCH') return send(res, 404, { message: 'Not Found' })
    existing.body = body.body
    return send(res, 200, view(existing))
  }

  private view(repo: string, d: FakeDeployment): Record<string, unknown> {
    return {
      url: `${this.url}/repos/${repo}/deployments/${d.id}`,
      id: d.id,
      node_id: `DE_${d.id}`,
      sha: d.sha,
      ref: d.ref,
      task: 'deploy',
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
      created_at: d.created_at,
      updated_at: d.created_at,
      statuses_url: `${this.url}/repos/${repo}/deployments/${d.id}/statuses`,
      repository_url: `${this.url}/repos/${repo}`,
      transient_environment: false,
      production_environment: d.environment === 'production',
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
