import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startedFakes } from './github-fakes.js'
import { checkRequest, exampleAnswer, type Matched } from './github-openapi.js'

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

export interface FakeComment {
  id: number
  issue: number
  body: string
}

/**
 * A local stand-in for the GitHub REST endpoints the actions use (deployments and their statuses,
 * issue comments, pulls). Every request is checked against GitHub's published OpenAPI description
 * (github-openapi.ts) and so is every answer, which starts from the description's own example;
 * `auto_inactive` as GitHub does it.
 */
export class FakeGitHub {
  /** what GitHub's description does not have: requests, parameters, bodies, answers */
  readonly violations: string[] = []
  readonly deployments: FakeDeployment[] = []
  readonly comments: FakeComment[] = []
  /** pull request states by number (open unless set) */
  readonly pulls = new Map<number, string>()
  /** every request answered with this status; with `echo`, its message echoes the request, Authorization header and all */
  failure: { status: number; echo?: boolean } | undefined
  /** the requests left without an answer (a GitHub that hangs), by method and path; the client gives up on them */
  hang: ((method: string, path: string) => boolean) | undefined
  /** when each request came (epoch ms), by method and path */
  readonly arrivals: { method: string; path: string; at: number }[] = []
  private next = 1000

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(token = 'ghs_fake_job_token_0123456789'): Promise<FakeGitHub> {
    const made: { fake?: FakeGitHub } = {}
    const server = createServer((req, res) => void made.fake?.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    made.fake = new FakeGitHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token)
    startedFakes.add(made.fake)
    return made.fake
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

  /** Answers, and checks the answer against the operation's response schemas. */
  private send(res: ServerResponse, matched: Matched | undefined, status: number, body: unknown): void {
    if (matched) this.violations.push(...matched.checkAnswer(status, body))
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  latest(deployment: FakeDeployment): string | undefined {
    return deployment.statuses.at(-1)?.state
  }

  reset(): void {
    this.deployments.length = 0
    this.comments.length = 0
    this.pulls.clear()
    this.failure = undefined
    this.hang = undefined
    this.arrivals.length = 0
  }

  close(): Promise<void> {
    startedFakes.delete(this)
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      // a held request's connection would keep the server open
      this.server.closeAllConnections()
    })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrival = { method: req.method ?? 'GET', path: new URL(req.url ?? '/', this.url).pathname, at: Date.now() }
    this.arrivals.push(arrival)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString()
    const method = req.method ?? 'GET'
    const parsed = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>)
    const { matched, problems } = checkRequest(method, new URL(req.url ?? '/', this.url), parsed)
    this.violations.push(...problems)
    if (!matched) return this.send(res, undefined, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
    const answer = (status: number, body: unknown) => this.send(res, matched, status, body)
    if (this.hang?.(arrival.method, arrival.path)) return
    if (this.failure) {
      const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`)
      const echoed = `${req.method} ${req.url}\n${headers.join('\n')}\n\n${text}`
      return answer(this.failure.status, { message: this.failure.echo ? `Server Error; the request was: ${echoed}` : 'Server Error' })
    }
    const body = parsed ?? {}
    if (req.headers.authorization !== `Bearer ${this.token}` && req.headers.authorization !== `token ${this.token}`)
      return answer(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
    const url = new URL(req.url ?? '/', this.url)
    const issue = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/issues\/(?:(\d+)\/comments|comments\/(\d+))$/)
    if (issue) return this.comment(answer, method, issue[1] as string, issue[2], issue[3], body)
    const pull = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/)
    if (pull && req.method === 'GET') {
      const number = Number(pull[1])
      const state = this.pulls.get(number) ?? 'open'
      return answer(200, {
        ...exampleAnswer('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', 200),
        // GitHub's example requests a team without the `type` its own schema requires: no review requests here
        requested_teams: [],
        number,
        state,
        merged: state === 'merged',
        html_url: `https://github.example.com/acme/shop/pull/${number}`,
      })
    }
    const m = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/deployments(?:\/(\d+)\/statuses)?$/)
    if (!m) return answer(404, { message: 'Not Found' })
    const repo = m[1] as string
    const id = m[2] === undefined ? undefined : Number(m[2])
    if (id === undefined && req.method === 'POST') {
      if (typeof body.ref !== 'string' || body.ref === '') return answer(422, { message: 'Invalid request.\n\n"ref" wasn\'t supplied.' })
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
      return answer(201, this.view(repo, deployment))
    }
    if (id === undefined && req.method === 'GET') {
      const environment = url.searchParams.get('environment')
      const list = this.deployments.filter((d) => environment === null || d.environment === environment).reverse()
      return answer(
        200,
        list.map((d) => this.view(repo, d)),
      )
    }
    const deployment = this.deployments.find((d) => d.id === id)
    if (!deployment) return answer(404, { message: 'Not Found' })
    if (req.method === 'GET')
      return answer(
        200,
        [...deployment.statuses]
          .reverse()
          .slice(0, Number(url.searchParams.get('per_page') ?? 30))
          .map((s) => this.statusView(repo, deployment, s)),
      )
    const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success']
    if (!states.includes(String(body.state))) return answer(422, { message: 'Validation Failed' })
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
    return answer(201, this.statusView(repo, deployment, status))
  }

  /** Issue comments: list, create (POST on the issue), update (PATCH on the comment). */
  private comment(
    answer: (status: number, body: unknown) => void,
    method: string,
    repo: string,
    issue: string | undefined,
    id: string | undefined,
    body: Record<string, unknown>,
  ): void {
    const view = (c: FakeComment) => ({
      ...exampleAnswer('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 201),
      id: c.id,
      node_id: `IC_${c.id}`,
      body: c.body,
      url: `${this.url}/repos/${repo}/issues/comments/${c.id}`,
      html_url: `https://github.example.com/${repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${repo}/issues/${c.issue}`,
      user: BOT,
    })
    if (issue !== undefined && method === 'GET') return answer(200, this.comments.filter((c) => c.issue === Number(issue)).map(view))
    if (typeof body.body !== 'string') return answer(422, { message: 'Validation Failed' })
    if (issue !== undefined && method === 'POST') {
      const created = { id: this.next++, issue: Number(issue), body: body.body }
      this.comments.push(created)
      return answer(201, view(created))
    }
    const existing = this.comments.find((c) => c.id === Number(id))
    if (!existing || method !== 'PATCH') return answer(404, { message: 'Not Found' })
    existing.body = body.body
    return answer(200, view(existing))
  }

  private statusView(repo: string, d: FakeDeployment, s: FakeDeployment['statuses'][number]): Record<string, unknown> {
    return {
      ...withoutUrls(exampleAnswer('POST', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201)),
      url: `${this.url}/repos/${repo}/deployments/${d.id}/statuses/${s.id}`,
      id: s.id,
      node_id: `DES_${s.id}`,
      state: s.state,
      creator: BOT,
      description: s.description ?? '',
      environment: d.environment,
      // required, and a URI by the description (GitHub sends "" when unset; the description has no such answer)
      target_url: s.log_url ?? `${this.url}/repos/${repo}/deployments/${d.id}`,
      ...(s.environment_url !== undefined && { environment_url: s.environment_url }),
      ...(s.log_url !== undefined && { log_url: s.log_url }),
      deployment_url: `${this.url}/repos/${repo}/deployments/${d.id}`,
      repository_url: `${this.url}/repos/${repo}`,
    }
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
      creator: BOT,
      created_at: d.created_at,
      updated_at: d.created_at,
      statuses_url: `${this.url}/repos/${repo}/deployments/${d.id}/statuses`,
      repository_url: `${this.url}/repos/${repo}`,
      transient_environment: false,
      production_environment: d.environment === 'production',
    }
  }
}

/** An example status without the example's optional URLs: a status has them only when they were sent. */
function withoutUrls(example: Record<string, unknown>): Record<string, unknown> {
  delete example.environment_url
  delete example.log_url
  return example
}

const BOT = {
  ...(exampleAnswer('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}', 200).creator as Record<string, unknown>),
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot',
}
