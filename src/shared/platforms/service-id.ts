import type { PlatformName } from './terms.js'

/**
 * How a `service` input names a service by the platform's own id (the `service-id` output of an
 * earlier step), so that the adapter reads it with one GET and no list scan. Beside the port, like
 * terms.ts, so the inputs (which tell the user) and the adapters (which read the id) share one
 * rule; importing nothing at run time.
 *
 * The id forms are what the platforms generate, and every one of them is also a valid name in the
 * input grammar (name.ts): where a name has the id's form, the id wins. A name never has to be
 * guessed then, and a chained step never pays for a lookup; a service whose name is shaped like a
 * generated id (all digits on NetEase, a UUID on ServiceStage, `1s5` on Rancher) is given by its
 * id instead. Jelastic (envName) and Alauda (service_name) address a service by its name only:
 * there the name is the id, and nothing is told apart.
 */
export interface ServiceIdForm {
  readonly pattern: RegExp
  /** for messages: what the form looks like */
  readonly shown: string
}

export const SERVICE_ID_FORMS: Partial<Record<PlatformName, ServiceIdForm>> = {
  // ServiceStage's component_id (CreateComponent answers `{job_id, component_id}`)
  servicestage: {
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    shown: 'a component id (a UUID such as 3f2a9c1e-8b4d-4e6f-9a01-5c7d2e8b4f10)',
  },
  // an app's or a microservice's numeric id (GET /api/v1/apps/{id}, /api/v1/microservices/{id})
  netease: { pattern: /^\d+$/, shown: 'an app or microservice id (digits only, such as 10702)' },
  // a service's id: the resource type's prefix `1s`, then its number (`1s10`)
  rancher: { pattern: /^1s\d+$/, shown: 'a service id (1s and digits, such as 1s10)' },
}

/** The id a `service` input gives, when it has the platform's id form; undefined for a name. */
export function serviceIdOf(platform: PlatformName, service: string): string | undefined {
  return SERVICE_ID_FORMS[platform]?.pattern.test(service) ? service : undefined
}
