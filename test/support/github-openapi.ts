import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'

/**
 * GitHub's published OpenAPI description of api.github.com (npm `@octokit/openapi`), as a judge of
 * the fake GitHub: a request is matched to its operation by method and path template, its path and
 * query parameters and its JSON body are checked against the operation's schemas, and so is every
 * answer the fake gives with a status the operation describes. What the description lacks is a
 * violation: the fake cannot answer a call GitHub does not have, or in a shape GitHub does not send.
 */
interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Schema
}
type Schema = Record<string, unknown>
interface Operation {
  operationId: string
  parameters?: (Parameter | Ref)[]
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> } | Ref
  responses: Record<string, { content?: Record<string, { schema: Schema }> } | Ref>
}
interface Ref {
  $ref: string
}
interface Description {
  paths: Record<string, Record<string, Operation>>
  components: Record<string, Record<string, unknown>>
}

interface Route {
  template: string
  method: string
  pattern: RegExp
  names: string[]
  /** literal segments: the most specific template wins (`/issues/comments/{id}` over `/issues/{number}/{x}`) */
  literals: number
  operation: Operation
}

const description = createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as Description
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true })
// ajv-formats is CommonJS: its function is the default export's default
;(formats as unknown as { default: (ajv: Ajv) => void }).default(ajv)
// not strict: OpenAPI's documentation keywords (example, x-github…) are not JSON schema's; `nullable` is Ajv's own
ajv.addSchema({ components: description.components }, 'github')

const routes: Route[] = Object.entries(description.paths).flatMap(([template, methods]) =>
  Object.entries(methods)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, operation]) => {
      const names: string[] = []
      const source = template.replace(/\{([^}]+)\}|[^{]+/g, (part, name: string | undefined) => {
        if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        names.push(name)
        return '([^/]+)'
      })
      const literals = template.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length
      return { template, method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), names, literals, operation }
    }),
)

const compiled = new Map<string, ValidateFunction>()
function validator(schema: Schema): ValidateFunction {
  // the description's references are to its own components: they resolve in the schema added as "github"
  const text = JSON.stringify(schema).replaceAll('"#/components/', '"github#/components/')
  let validate = compiled.get(text)
  if (!validate) {
    validate = ajv.compile(JSON.parse(text) as Schema)
    compiled.set(text, validate)
  }
  return validate
}

function resolve<T>(node: T | Ref): T {
  if (typeof node !== 'object' || node === null || !('$ref' in node)) return node as T
  const [, kind, name] = (node as Ref).$ref.match(/^#\/components\/([^/]+)\/(.+)$/) ?? []
  return resolve(description.components[kind ?? '']?.[name ?? ''] as T | Ref)
}

function check(schema: Schema | undefined, value: unknown, where: string): string[] {
  if (!schema) return []
  const validate = validator(schema)
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${where}${e.instancePath} ${e.message ?? 'is invalid'}`)
}

/** A parameter's text as its schema types it: path and query values are strings on the wire. */
function typed(text: string, schema: Schema | undefined): unknown {
  const type = schema?.type
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true'
  return text
}

export interface Matched {
  operationId: string
  template: string
  /** the answer's problems against the operation's response schemas; none for a status it does not describe */
  checkAnswer(status: number, body: unknown): string[]
}

/** The operation a request is, and its problems; `undefined` operation: the description has no such call. */
export function checkRequest(method: string, url: URL, body: unknown): { matched?: Matched; problems: string[] } {
  const label = `${method} ${url.pathname}`
  const route = routes.filter((r) => r.method === method && r.pattern.test(url.pathname)).sort((a, b) => b.literals - a.literals)[0]
  if (!route) return { problems: [`${label}: not an operation of GitHub's REST API description`] }
  const { operation } = route
  const problems: string[] = []
  const parameters = (operation.parameters ?? []).map((p) => resolve(p))
  const values = route.pattern.exec(url.pathname)?.slice(1) ?? []
  route.names.forEach((name, i) => {
    const parameter = parameters.find((p) => p.in === 'path' && p.name === name)
    problems.push(...check(parameter?.schema, typed(decodeURIComponent(values[i] ?? ''), parameter?.schema), `${label}: path {${name}}`))
  })
  for (const [name, value] of url.searchParams) {
    const parameter = parameters.find((p) => p.in === 'query' && p.name === name)
    if (!parameter) problems.push(`${label}: query "${name}" is not a parameter of ${operation.operationId}`)
    else problems.push(...check(parameter.schema, typed(value, parameter.schema), `${label}: query ${name}`))
  }
  for (const parameter of parameters) {
    if (parameter.in === 'query' && parameter.required && !url.searchParams.has(parameter.name))
      problems.push(`${label}: query "${parameter.name}" is required`)
  }
  const requestBody = operation.requestBody && resolve(operation.requestBody)
  const bodySchema = requestBody?.content['application/json']?.schema
  if (body !== undefined && !bodySchema) problems.push(`${label}: ${operation.operationId} takes no JSON body`)
  else if (body === undefined && requestBody?.required) problems.push(`${label}: ${operation.operationId} needs a JSON body`)
  else if (body !== undefined) problems.push(...check(bodySchema, body, `${label}: body`))
  return {
    problems,
    matched: {
      operationId: operation.operationId,
      template: route.template,
      checkAnswer: (status, answer) => {
        const response = operation.responses[String(status)]
        if (!response) return []
        const schema = resolve(response).content?.['application/json']?.schema
        return check(schema, answer, `${label} → ${status}: answer`)
      },
    },
  }
}

/** GitHub's own example of an operation's answer (the description's first), for a fake to fill in. */
export function exampleAnswer(method: string, template: string, status: number): Record<string, unknown> {
  const operation = description.paths[template]?.[method.toLowerCase()]
  const response = operation && resolve(operation.responses[String(status)] ?? { $ref: '' })
  const content = response?.content?.['application/json'] as { examples?: Record<string, { value?: unknown } | Ref> } | undefined
  const [first] = Object.values(content?.examples ?? {})
  const value = first && resolve(first).value
  if (typeof value !== 'object' || value === null)
    throw new Error(`GitHub's description has no example of ${method} ${template} → ${status}`)
  return structuredClone(Array.isArray(value) ? (value[0] as Record<string, unknown>) : (value as Record<string, unknown>))
}
