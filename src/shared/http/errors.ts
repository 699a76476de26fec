/** Who a call is for, so that a failure names the platform, the operation and the service. */
export interface CallAbout {
  platform: string
  operation: string
  target: string
}

/**
 * The request got no usable answer (refused, reset, timed out, cut short, unreadable, too large),
 * after every retry allowed. `code` says which; a write that ends so may or may not have landed.
 */
export class NetworkError extends Error {
  override name = 'NetworkError'
  constructor(
    /** what happened to the request, without who it was for */
    readonly detail: string,
    readonly code: string,
    readonly about?: CallAbout,
  ) {
    super(about ? `${about.platform}: ${about.operation} of "${about.target}" got no answer: ${detail}` : detail)
  }
}
