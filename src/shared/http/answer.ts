/** What a message may show of an answer's body: its start, never its binary bytes, never a secret. */
export interface AnswerBody {
  headers: Record<string, string | undefined>
  text: string
  /** the body's first bytes as they came, for binary answers */
  head: Buffer
  /** the body's length in bytes */
  size: number
}

/** Bytes of a binary answer shown, as hex. */
const HEX_BYTES = 8

/**
 * The body shown safely, for an error: cut to `max` characters ("…" when cut) with control and
 * invisible characters escaped, or, for a binary body, its size and first bytes as hex. `redact`
 * runs on the whole text before it is cut, so that a secret is never shown in part.
 */
export function showBody(answer: AnswerBody, redact: (text: string) => string, max = 200): string {
  if (answer.size === 0) return 'an empty body'
  if (isBinary(answer.text)) return `${answer.size} bytes of binary data, starting ${hex(answer.head)}${gzipNote(answer)}`
  const clean = redact(answer.text).trim()
  // only the start is escaped (escapes only lengthen it); cut by code points, never inside a pair
  const shown = [...escapeText(clean.slice(0, max + 1))]
  return clean.length > max || shown.length > max ? `${shown.slice(0, max).join('')}…` : shown.join('')
}

/** What came, for "could not be read": the content type, then the body shown safely. */
export function describeAnswer(answer: AnswerBody, redact: (text: string) => string, max = 80): string {
  const type = answer.headers['content-type'] ?? 'none'
  return `content-type ${redact(escapeText(type)).slice(0, 80)}, ${isBinary(answer.text) ? '' : `${answer.size} bytes: `}${showBody(answer, redact, max)}`
}

/** Bytes that are not text: a NUL, a byte that is not UTF-8, or a control character other than tab and line ends. */
function isBinary(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- finding control bytes is the point
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)
}

function hex(head: Buffer): string {
  const shown = [...head.subarray(0, HEX_BYTES)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ')
  return head.length > HEX_BYTES ? `${shown} …` : shown
}

function gzipNote(answer: AnswerBody): string {
  const encoding = answer.headers['content-encoding']
  if (answer.head[0] === 0x1f && answer.head[1] === 0x8b) return ' (gzip)'
  return encoding ? ` (content-encoding ${escapeText(encoding).slice(0, 40)})` : ''
}

/** Control, format, lone surrogate and line-separator characters as escapes, so that a body can never make a line of its own or hide text. */
function escapeText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (char) => {
    if (char === '\n') return '\\n'
    if (char === '\r') return '\\r'
    if (char === '\t') return '\\t'
    return `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`
  })
}
