import { describe, expect, it } from 'vitest'
import { createEnvParams } from '../../src/shared/platforms/jelastic/create-env.js'

describe('createenvironment parameters', () => {
  it("keeps the user's fields, names the environment from service and puts the image on the node group's node only", () => {
    const db = { nodeType: 'docker', fixedCloudlets: 1, flexibleCloudlets: 4, docker: { nodeGroup: 'sqldb', image: 'postgres:16' } }
    const params = createEnvParams('shop-pr-3', 'cp', 'registry.example.com/shop:v1', {
      env: { region: 'eu', sslstate: true },
      nodes: [{ nodeType: 'docker', count: 2, fixedCloudlets: 1, flexibleCloudlets: 8, docker: { nodeGroup: 'cp', cmd: 'run.sh' } }, db],
      envGroups: 'previews',
    })
    expect(JSON.parse(params.env)).toEqual({ region: 'eu', sslstate: true, shortdomain: 'shop-pr-3' })
    expect(JSON.parse(params.nodes)).toEqual([
      {
        nodeType: 'docker',
        count: 2,
        fixedCloudlets: 1,
        flexibleCloudlets: 8,
        docker: { nodeGroup: 'cp', cmd: 'run.sh', image: 'registry.example.com/shop:v1' },
      },
      db,
    ])
    expect(params.envGroups).toBe('previews')
  })

  it('makes one docker node in the node group when nodes is left out', () => {
    const params = createEnvParams('shop', 'web', 'shop:v1', {})
    expect(JSON.parse(params.env)).toEqual({ shortdomain: 'shop' })
    expect(JSON.parse(params.nodes)).toEqual([
      { nodeType: 'docker', count: 1, fixedCloudlets: 1, flexibleCloudlets: 4, docker: { nodeGroup: 'web', image: 'shop:v1' } },
    ])
    expect(params).not.toHaveProperty('envGroups')
  })

  it('refuses nodes with no node, or two, in the node group', () => {
    const node = { nodeType: 'docker', docker: { nodeGroup: 'cp' } }
    expect(() => createEnvParams('shop', 'cp', 'shop:v1', { nodes: [{ nodeType: 'docker' }] })).toThrow(
      /must have one node with docker\.nodeGroup "cp" .* it has 0$/,
    )
    expect(() => createEnvParams('shop', 'cp', 'shop:v1', { nodes: [node, node] })).toThrow(/it has 2$/)
  })
})
