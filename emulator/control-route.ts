/** A control call's JSON body (an object; control.ts refuses anything else). */
export type ControlBody = Record<string, unknown>

/** What a control route answers: an HTTP status and a JSON body. */
export interface ControlAnswer {
  status: number
  body: unknown
}

export interface ControlRoute {
  /**
   * a seed may call it (`POST`, from action-emulator's `seed`): it sets up what a release needs, or
   * how the emulator behaves; emulator/seed-routes.ts lists these
   */
  seed?: boolean
  handle(body: ControlBody): ControlAnswer
}

/** Routes keyed by `METHOD path`, the path without its leading slash (e.g. `POST environments`). */
export type ControlRoutes = Record<string, ControlRoute>

/**
 * One platform's part of the control API: its routes under `/_emulator/<platform>/`, what
 * `GET /_emulator/state` shows of it, and how `POST /_emulator/reset` puts it back to the start.
 */
export interface PlatformControl {
  routes: ControlRoutes
  state(): unknown
  reset(): void
}

export function answer(body: unknown): ControlAnswer {
  return { status: 200, body }
}

/** A body the route cannot take: HTTP 400 saying what to give. */
export function refuse(error: string): ControlAnswer {
  return { status: 400, body: { error } }
}
