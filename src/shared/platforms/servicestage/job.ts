import type { OperationState } from '../platform.js'

/**
 * A job as `GET /v3/{pid}/cas/jobs/{id}` (lower-case keys) or the v2 API (upper-case keys)
 * answers it (platforms.md 2.2, gap 4): both are read.
 */
interface JobBody {
  job?: Record<string, unknown>
  tasks?: Record<string, unknown>[]
}

const GOOD = 'SUCCEEDED'
const BAD = new Set(['FAILED', 'UNKNOWN', 'CANCELLED', 'PARTIALLY_FAILED', 'ROLLBACKED'])

function field(object: Record<string, unknown> | undefined, name: string): unknown {
  return object?.[name] ?? object?.[name.toUpperCase()]
}

export function jobState(body: JobBody): OperationState {
  const status = String(field(body.job, 'execution_status') ?? 'UNKNOWN')
  const tasks = body.tasks ?? []
  const current = tasks.find((task) => !['SUCCEEDED', 'SKIPPED'].includes(String(field(task, 'task_status')))) ?? tasks.at(-1)
  const taskText = current ? `task ${field(current, 'task_name')} ${field(current, 'task_status')}` : 'no task yet'
  if (status === GOOD) return { status: 'succeeded', detail: `job SUCCEEDED` }
  if (!BAD.has(status)) return { status: 'running', detail: `job ${status}, ${taskText}` }
  const failed = tasks.filter((task) => BAD.has(String(field(task, 'task_status'))))
  const why = failed
    .map((task) => `task ${field(task, 'task_name')} ${field(task, 'task_status')}${messages(field(task, 'messages'))}`)
    .join('; ')
  return { status: 'failed', detail: `job ${status}${why ? `: ${why}` : ''}` }
}

function messages(value: unknown): string {
  if (value === undefined || value === null || value === '' || value === '{}') return ''
  return `: ${typeof value === 'string' ? value : JSON.stringify(value)}`
}
