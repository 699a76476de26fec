import { parseRecord, type StoredRecord } from './platform.js'

/**
 * The release record as one line of a free-text field the platform keeps on the router (a
 * description): the user's own lines stay as they are.
 */
function prefix(router?: string): string {
  return router === undefined ? 'paas-release: ' : `paas-release ${router}: `
}

/** `router` names the record's router where one field may hold the records of several. */
export function recordFromText(text: string | null | undefined, router?: string): StoredRecord | null {
  const line = text?.split('\n').find((candidate) => candidate.startsWith(prefix(router)))
  return line === undefined ? null : parseRecord(line.slice(prefix(router).length))
}

export function textWithRecord(text: string | null | undefined, record: StoredRecord, router?: string): string {
  const own = (text ?? '').split('\n').filter((line) => line !== '' && !line.startsWith(prefix(router)))
  return [...own, `${prefix(router)}${JSON.stringify(record)}`].join('\n')
}
