import { PlatformError } from '../platform.js'

/**
 * One docker node when `create-spec` has no `nodes`: 1 fixed and 4 flexible cloudlets, the
 * defaults of a public Terraform provider for Jelastic (hidora); the "CreateEnv Params" page makes
 * both cloudlet counts mandatory.
 */
const DEFAULT_NODE = { nodeType: 'docker', count: 1, fixedCloudlets: 1, flexibleCloudlets: 4 }

/**
 * The `createenvironment` parameters (J-spec): `env` with the user's fields and `shortdomain` (the
 * environment's name) from `service`; `nodes` with the image put on the node of the node group
 * (`docker.nodeGroup`, where J-spec and the CreateEnv Params page place it).
 */
export function createEnvParams(
  envName: string,
  nodeGroup: string,
  image: string,
  spec: Record<string, unknown>,
  vars?: Readonly<Record<string, string>>,
): { env: string; nodes: string; envGroups?: string } {
  const given = (spec.nodes as Record<string, unknown>[] | undefined) ?? [{ ...DEFAULT_NODE, docker: { nodeGroup } }]
  const ours = given.filter((node) => (node.docker as { nodeGroup?: unknown } | undefined)?.nodeGroup === nodeGroup)
  if (ours.length !== 1) {
    throw new PlatformError(
      'jelastic',
      'create',
      envName,
      `create-spec's "nodes" must have one node with docker.nodeGroup "${nodeGroup}" (the node-group input) to run ${image}; it has ${ours.length}`,
    )
  }
  // env-vars go on the node group's node as its docker.env, over create-spec's own
  const docker = (node: Record<string, unknown>) => {
    const own = node.docker as Record<string, unknown>
    return { ...own, image, ...(vars && { env: { ...(own.env as Record<string, string> | undefined), ...vars } }) }
  }
  const nodes = given.map((node) => (node === ours[0] ? { ...node, docker: docker(node) } : node))
  return {
    env: JSON.stringify({ ...(spec.env as Record<string, unknown> | undefined), shortdomain: envName }),
    nodes: JSON.stringify(nodes),
    ...(typeof spec.envGroups === 'string' && { envGroups: spec.envGroups }),
  }
}
