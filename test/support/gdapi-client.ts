import facts from './vendor/rancher-facts.json' with { type: 'json' }

/**
 * A Rancher API client that behaves as Rancher's own Python client does (rancher/gdapi-python,
 * gdapi.py; the facts in vendor/rancher-facts.json): it loads the URL it is given, takes the
 * schemas from the URL the `X-API-Schemas` header names (or the answer itself when there is
 * none), finds each type's collection by its schema's `links.collection`, lists with filters as
 * query parameters, follows a resource's `links`, calls the actions its `actions` offer, updates
 * through `links.self`, pages through `pagination.next`, and sends an update or an action
 * again on a 409, 3 times in all, 0.1 s apart. Like gdapi it sends only `Accept:
 * application/json` (no Content-Type) with HTTP Basic.
 */

export interface Resource {
  id: string
  type: string
  links: Record<string, string>
  actions: Record<string, string>
  [field: string]: unknown
}

export interface Collection<T = Resource> {
  type: 'collection'
  resourceType: string
  data: T[]
  pagination?: { next?: string | null; limit?: number; partial?: boolean }
  links: Record<string, string>
}

export interface Schema extends Resource {
  pluralName: string
  resourceFields: Record<string, { type: string; create?: boolean; update?: boolean; nullable?: boolean; min?: number; max?: number }>
  resourceMethods: string[]
  collectionMethods: string[]
  resourceActions: Record<string, { input?: string; output?: string }>
  collectionFilters: Record<string, { modifiers: string[] }>
}

/** gdapi's ApiError: the answer was not 2xx; `error` is the body (Cattle's error resource). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: Record<string, unknown>,
  ) {
    super(`${String(error.code)} : ${String(error.message)}`)
  }
}

export class GdapiClient {
  readonly types = new Map<string, Schema>()
  /** every request sent, in order, as "METHOD url" */
  readonly sent: string[] = []
  schemasUrl: string | null = null
  private readonly authorization: string

  constructor(
    readonly url: string,
    accessKey: string,
    secretKey: string,
  ) {
    this.authorization = `Basic ${Buffer.from(`${accessKey}:${secretKey}`).toString('base64')}`
  }

  /** gdapi `_load_schemas`: the URL, then the schemas it names. */
  async loadSchemas(): Promise<void> {
    const root = await this.raw('GET', this.url)
    this.schemasUrl = root.headers.get(facts.gdapi.schemasHeader)
    const text = this.schemasUrl !== null && this.schemasUrl !== this.url ? (await this.raw('GET', this.schemasUrl)).text : root.text
    const schemas = JSON.parse(text) as Collection<Schema>
    for (const schema of schemas.data) if (schema.type === 'schema') this.types.set(schema.id, schema)
  }

  /** gdapi `list`: a type the schemas know, its collection with the filters as parameters. */
  async list<T = Resource>(type: string, filters: Record<string, string | number> = {}): Promise<Collection<T>> {
    const schema = this.types.get(type)
    if (!schema) throw new Error(`${type} is not a valid type`)
    const collection = schema.links.collection
    if (collection === undefined || !schema.collectionMethods.includes('GET')) throw new Error(`${type} is not listable`)
    const url = new URL(collection)
    for (const [key, value] of Object.entries(filters)) url.searchParams.set(key, String(value))
    return this.get<Collection<T>>(url.href)
  }

  /** gdapi `by_id`: the collection URL and the id; 404 is None. */
  async byId(type: string, id: string): Promise<Resource | null> {
    const collection = this.types.get(type)?.links.collection ?? ''
    try {
      return await this.get<Resource>(collection.endsWith('/') ? `${collection}${id}` : `${collection}/${id}`)
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null
      throw error
    }
  }

  /** A link of a resource (gdapi binds each `links` entry as a method). */
  link<T = Collection>(resource: Resource, name: string): Promise<T> {
    const url = resource.links[name]
    if (url === undefined) throw new Error(`${resource.type} ${resource.id} has no link ${name}`)
    return this.get<T>(url)
  }

  /** The page after this one, while `pagination.next` names one. */
  async next<T>(collection: Collection<T>): Promise<Collection<T> | null> {
    const next = collection.pagination?.next
    return next ? this.get<Collection<T>>(next) : null
  }

  /** gdapi `update`: a PUT of `links.self`, sent again on a 409. */
  update(resource: Resource, fields: Record<string, unknown>): Promise<Resource> {
    return this.retrying('PUT', resource.links.self as string, fields)
  }

  /** gdapi `action`: a POST of the URL the resource's `actions` give, sent again on a 409. */
  action(resource: Resource, name: string, input?: Record<string, unknown>): Promise<Resource> {
    const url = resource.actions[name]
    if (url === undefined)
      throw new Error(`${resource.type} ${resource.id} does not offer ${name} (it offers ${Object.keys(resource.actions).join(', ')})`)
    return this.retrying('POST', url, input)
  }

  /** gdapi `delete`: a DELETE of `links.self`. */
  async delete(resource: Resource): Promise<Resource> {
    return this.send<Resource>('DELETE', resource.links.self as string)
  }

  get<T>(url: string): Promise<T> {
    return this.send<T>('GET', url)
  }

  /** `_put_and_retry` / `_post_and_retry`: a 409 is sent again, 3 sends in all, 0.1 s apart. */
  private async retrying(method: 'PUT' | 'POST', url: string, body?: Record<string, unknown>): Promise<Resource> {
    let last: unknown
    for (let send = 0; send < facts.gdapi.conflictSends; send++) {
      try {
        return await this.send<Resource>(method, url, body)
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== facts.gdapi.conflictStatus) throw error
        last = error
        await new Promise((resolve) => setTimeout(resolve, facts.gdapi.conflictPauseMs))
      }
    }
    throw last
  }

  private async send<T>(method: string, url: string, body?: Record<string, unknown>): Promise<T> {
    const { status, text } = await this.raw(method, url, body)
    const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
    if (status < 200 || status >= 300) throw new ApiError(status, parsed)
    return parsed as T
  }

  private async raw(
    method: string,
    url: string,
    body?: Record<string, unknown>,
  ): Promise<{ status: number; headers: Headers; text: string }> {
    this.sent.push(`${method} ${url}`)
    const response = await fetch(url, {
      method,
      headers: { ...facts.gdapi.requestHeaders, authorization: this.authorization },
      // gdapi's _marshall: sorted keys, and no Content-Type header
      ...(body !== undefined && { body: new Blob([JSON.stringify(sortKeys(body))]) }),
    })
    return { status: response.status, headers: response.headers, text: await response.text() }
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  )
}
