/** The request never got an HTTP answer (refused, reset, timed out), after every retry allowed. */
export class NetworkError extends Error {
  override name = 'NetworkError'
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}
