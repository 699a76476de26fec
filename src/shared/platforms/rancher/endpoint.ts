/**
 * The three forms a Rancher `api-url` takes: the server (`http://host:8080`), its API
 * (`…/v2-beta`), or an environment's endpoint (`…/v2-beta/projects/1a5`, what Rancher's API keys
 * page shows). Answers the server, with any path it is under (a proxy's prefix), and the project
 * the URL names, if any.
 */
export function rancherEndpoint(apiUrl: URL): { server: URL; project?: string } {
  const server = new URL(apiUrl)
  server.search = ''
  server.hash = ''
  const path = server.pathname.replace(/\/+$/, '')
  const match = path.match(/^(.*?)\/v2-beta(?:\/projects\/([^/]+))?$/)
  server.pathname = match ? match[1] || '/' : path || '/'
  const project = match?.[2] === undefined ? undefined : decodeURIComponent(match[2])
  return { server, ...(project !== undefined && { project }) }
}
