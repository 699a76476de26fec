import type { TypeDef } from './schemas.js'

/** Cattle's list limits (ParseCollectionAttributes): 100 by default, 3000 at most, 0 or less meaning the most. */
const DEFAULT_LIMIT = 100
const MAX_LIMIT = 3000

/**
 * A collection as Cattle answers a list: the items its filters keep (a query parameter named by
 * one of the schema's collection filters, `name` or `name_ne`; other parameters are ignored, as
 * Cattle does), a page of `limit` from the offset the `marker` (`m<offset>`) carries, and
 * `pagination.next` to the following page (the same URL with a new marker) while there is one.
 */
export function collectionView(
  def: TypeDef,
  items: Record<string, unknown>[],
  requestUrl: URL,
  publicUrl: string,
): Record<string, unknown> {
  const filters = new Set(def.collectionFilters ?? [])
  const conditions: [string, 'eq' | 'ne', string][] = []
  for (const [key, value] of requestUrl.searchParams) {
    const [name, op = 'eq'] = key.split(/_(?=[a-z]+$)/)
    if (name !== undefined && filters.has(name) && (op === 'eq' || op === 'ne')) conditions.push([name, op, value])
  }
  const kept = items.filter((item) => conditions.every(([name, op, value]) => (String(item[name]) === value) === (op === 'eq')))
  const asked = Number.parseInt(requestUrl.searchParams.get('limit') ?? '', 10)
  const limit = Number.isNaN(asked) ? DEFAULT_LIMIT : asked <= 0 ? MAX_LIMIT : Math.min(asked, MAX_LIMIT)
  const marker = requestUrl.searchParams.get('marker') ?? ''
  const offset = /^m\d+$/.test(marker) ? Number(marker.slice(1)) : 0
  const page = kept.slice(offset, offset + limit)
  const partial = kept.length > offset + limit
  const next = new URL(publicUrl)
  next.searchParams.delete('marker')
  next.searchParams.set('marker', `m${offset + limit}`)
  return {
    type: 'collection',
    resourceType: def.id,
    links: { self: publicUrl },
    createTypes: {},
    actions: {},
    data: page,
    sortLinks: {},
    pagination: { first: null, previous: null, next: partial ? next.href : null, limit, total: null, partial },
    sort: null,
    filters: Object.fromEntries(
      [...filters].map((name) => {
        const set = conditions.filter(([field]) => field === name).map(([, modifier, value]) => ({ modifier, value }))
        return [name, set.length > 0 ? set : null]
      }),
    ),
    createDefaults: {},
  }
}
