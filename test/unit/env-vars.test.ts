import { describe, expect, it } from 'vitest'
import { parseEnvVars, readEnvInputs, readProvenance } from '../../src/shared/inputs/env-vars.js'
import { InputError } from '../../src/shared/inputs/input-error.js'
import { readDeployInputs } from '../../src/shared/inputs/deploy.js'
import {
  describeDiff,
  describeRestore,
  envDiff,
  envWrites,
  hasChanges,
  nextEnv,
  nextEnvWithProvenance,
  provenanceVariables,
  restoreChange,
} from '../../src/shared/platforms/env-vars.js'
import { envsAndLabels } from '../../src/shared/platforms/servicestage/env.js'
import { nextLaunchConfig } from '../../src/shared/platforms/rancher/service.js'

function inputs(values: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))
}

function refusal(read: () => unknown): string {
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    const message = (error as Error).message
    expect(message).not.toMatch(/[\n\r]/)
    return message
  }
  throw new Error('not refused')
}

describe('env-vars', () => {
  it('takes KEY=VALUE lines: blank lines and # comments skipped, the value kept as written after the first =', () => {
    expect(parseEnvVars('env-vars', 'A=1\n\n# a comment\n  B = x=y \nC=\r\nD= spaced')).toEqual({ A: '1', B: ' x=y ', C: '', D: ' spaced' })
  })

  it('takes a JSON object of strings', () => {
    expect(parseEnvVars('env-vars', '{"LOG_LEVEL": "debug", "_X": ""}')).toEqual({ LOG_LEVEL: 'debug', _X: '' })
  })

  it.each([
    ['1X=y', 'has a line whose key is not a name (line 1;'],
    ['A=1\nA-B=c', 'has a line whose key is not a name (line 2;'],
    ['A=1\nNOEQUALS', 'has a line without "=" (line 2;'],
    ['{"A": 1}', 'not a string'],
    ['{"1A": "x"}', '"1A"'],
    ['{bad', 'is not valid JSON (line 1, column 2)'],
    ['A=1\nA=2', 'given twice'],
  ])('refuses %j, naming the input, the value and what is allowed', (text, shown) => {
    const message = refusal(() => parseEnvVars('env-vars', text))
    expect(message).toContain('Input "env-vars"')
    expect(message).toContain(shown)
    expect(message).toMatch(/allowed: /)
  })

  it('never shows a bad line, its key neither: it may be the part before a padded base64 line of a value', () => {
    expect(refusal(() => parseEnvVars('env-vars', 'BAD-KEY=hunter2-secret'))).not.toMatch(/hunter2|BAD-KEY/)
    const padded = refusal(() => parseEnvVars('env-vars', 'SA_KEY=eyJhbGciOiJIUzI1NiJ9\nJIUzI1NiJ9.eyJzdWIiOi+Jx/IxMjM0NTY3ODkw=='))
    expect(padded).toContain('line 2')
    expect(padded).not.toContain('JIUz')
    // a JSON key is a key, and is named
    expect(refusal(() => parseEnvVars('env-vars', '{"BAD-KEY": "x"}'))).toContain('"BAD-KEY"')
  })

  it('never shows the text of a line without "=", of JSON that does not parse, or of too many variables: values may be secrets', () => {
    // a key of several lines given in the line form: its second line has no "="
    const key = refusal(() => parseEnvVars('env-vars', 'TLS_KEY=-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'))
    expect(key).toContain('line 2')
    expect(key).not.toContain('MIIE')
    const json = refusal(() => parseEnvVars('env-vars', '{"DB_PASSWORD": "hunter2-secret" "B": "x"}'))
    expect(json).toContain('is not valid JSON (line 1, column 34)')
    expect(json).not.toContain('hunter2')
    const many = Array.from({ length: 101 }, (_, i) => `K${i}=hunter2-secret`).join('\n')
    expect(refusal(() => parseEnvVars('env-vars', many))).toMatch(
      /^Input "env-vars" has 101 variables, its text not shown .*; allowed: at most 100 variables\.$/,
    )
  })

  it('keeps PAAS_RELEASE_* for the provenance', () => {
    expect(refusal(() => parseEnvVars('env-vars', 'PAAS_RELEASE_COMMIT=x'))).toContain('PAAS_RELEASE_')
  })

  it('refuses replace without env-vars, before any call; takes replace on Jelastic, and env-vars on NetEase apps and microservices', () => {
    expect(refusal(() => readEnvInputs(inputs({ 'env-vars-update': 'replace' })))).toContain('"env-vars-update"')
    expect(readEnvInputs(inputs({ 'env-vars': 'A=1', 'env-vars-update': 'replace' })).env).toEqual({
      vars: { A: '1' },
      update: 'replace',
    })
    expect(readEnvInputs(inputs({ 'env-vars': 'A=1' })).env).toEqual({ vars: { A: '1' }, update: 'merge' })
    expect(readEnvInputs(inputs({ 'env-vars': 'A=1', project: 'team' })).env).toEqual({ vars: { A: '1' }, update: 'merge' })
  })

  it('is read by the deploy with its update mode', () => {
    const read = readDeployInputs({
      ...inputs({ platform: 'rancher', 'api-url': 'https://r.example.com', service: 'web/shop', image: 'shop:v2' }),
      ...inputs({ 'access-key': 'ak', 'secret-key': 'sk-1', project: '1a5', 'env-vars': 'A=1', 'env-vars-update': 'replace' }),
    })
    expect(read.env).toEqual({ vars: { A: '1' }, update: 'replace' })
    expect(read.provenance).toBeUndefined()
  })
})

describe('provenance', () => {
  it("comes from the runner's GITHUB_* variables, the run's attempt in its URL", () => {
    expect(
      readProvenance({
        GITHUB_SHA: 'abc123',
        GITHUB_REPOSITORY: 'org/shop',
        GITHUB_SERVER_URL: 'https://ghe.example.com',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_ACTOR: 'octocat',
      }),
    ).toEqual({
      commit: 'abc123',
      repository: 'org/shop',
      runUrl: 'https://ghe.example.com/org/shop/actions/runs/42/attempts/2',
      actor: 'octocat',
    })
  })

  it("from GitLab CI's outside GitHub, and is nothing when neither is known", () => {
    expect(readProvenance({ CI_COMMIT_SHA: 'def', CI_PROJECT_PATH: 'g/p', CI_JOB_URL: 'https://gitlab.example.com/g/p/-/jobs/7' })).toEqual(
      {
        commit: 'def',
        repository: 'g/p',
        runUrl: 'https://gitlab.example.com/g/p/-/jobs/7',
      },
    )
    expect(readProvenance({})).toBeUndefined()
  })

  it("from Jenkins': the repository's path from GIT_URL, never the URL with its credentials", () => {
    const jenkins = {
      JENKINS_URL: 'https://ci.example.com/',
      BUILD_URL: 'https://ci.example.com/job/shop/12/',
      GIT_COMMIT: 'ce9a3c1404e8c91be604088670e93434c4253f03',
      GIT_URL: 'https://deployer:s3cret-token@git.example.com/org/shop.git',
      CHANGE_AUTHOR: 'dev1',
    }
    expect(readProvenance(jenkins)).toEqual({
      commit: 'ce9a3c1404e8c91be604088670e93434c4253f03',
      repository: 'org/shop',
      runUrl: 'https://ci.example.com/job/shop/12/',
      actor: 'dev1',
    })
    expect(readProvenance({ ...jenkins, GIT_URL: 'git@git.example.com:org/shop.git', BUILD_USER_ID: 'ops' })).toMatchObject({
      repository: 'org/shop',
      actor: 'ops',
    })
    expect(JSON.stringify(readProvenance(jenkins))).not.toContain('s3cret')
    expect(readProvenance({ ...jenkins, GIT_URL: '/srv/git/shop' })?.repository).toBeUndefined()
  })

  it("from Gitee Go's: a pull request's source commit, no page of the run", () => {
    const gitee = { GITEE_PIPELINE_NAME: 'deploy', GITEE_COMMIT: 'aaa111', GITEE_REPO: 'shop', GITEE_PIPELINE_TRIGGER_USER: 'dev2' }
    expect(readProvenance(gitee)).toEqual({ commit: 'aaa111', repository: 'shop', actor: 'dev2' })
    expect(readProvenance({ ...gitee, GITEE_PULL_ID: '9', GITEE_SOURCE_COMMIT: 'bbb222' })?.commit).toBe('bbb222')
  })

  it('is off with provenance: false', () => {
    expect(readEnvInputs({ ...inputs({ provenance: 'false' }), GITHUB_SHA: 'abc' }).provenance).toBeUndefined()
    expect(readEnvInputs({ GITHUB_SHA: 'abc' }).provenance).toEqual({ commit: 'abc' })
  })
})

describe('the change of the variables', () => {
  const current = { A: '1', B: '2', PAAS_RELEASE_COMMIT: 'old', __DEFAULT_DOMAIN_NAME__: 'x.example.com' }

  it('merge: added and changed, nothing removed; names only', () => {
    const diff = envDiff(current, { vars: { A: '1', B: '3', C: '4' }, update: 'merge' })
    expect(diff).toEqual({ added: ['C'], changed: ['B'], removed: [] })
    expect(describeDiff(diff, 3)).toBe('added C; changed B')
  })

  it("replace: removes the others, never the provenance's nor the platform's own", () => {
    const diff = envDiff(current, { vars: { A: '1' }, update: 'replace' })
    expect(diff).toEqual({ added: [], changed: [], removed: ['B'] })
    expect(nextEnv(current, { vars: { A: '1' }, update: 'replace' })).toEqual({ A: '1', __DEFAULT_DOMAIN_NAME__: 'x.example.com' })
  })

  it("replace leaves the names it is told to keep (Jelastic: the image's own, those set by hand)", () => {
    const withImage = { ...current, PATH: '/usr/bin', HOME: '/root' }
    expect(envDiff(withImage, { vars: { A: '1' }, update: 'replace' }, ['PATH', 'HOME'])).toEqual({
      added: [],
      changed: [],
      removed: ['B'],
    })
    expect(nextEnv(withImage, { vars: { A: '1' }, update: 'replace', kept: ['PATH', 'HOME'] })).toEqual({
      A: '1',
      PATH: '/usr/bin',
      HOME: '/root',
      __DEFAULT_DOMAIN_NAME__: 'x.example.com',
    })
  })

  it('the same variables again are no change', () => {
    const diff = envDiff(current, { vars: { A: '1', B: '2' }, update: 'merge' })
    expect(hasChanges(diff)).toBe(false)
    expect(describeDiff(diff, 2)).toBe('unchanged (2 given)')
    expect(hasChanges(envDiff(current, { vars: { A: '1', B: '2' }, update: 'replace' }))).toBe(false)
  })

  it('a new provenance replaces the old variables whole', () => {
    expect(nextEnvWithProvenance(current, undefined, { commit: 'new', actor: 'me' })).toEqual({
      A: '1',
      B: '2',
      __DEFAULT_DOMAIN_NAME__: 'x.example.com',
      PAAS_RELEASE_COMMIT: 'new',
      PAAS_RELEASE_ACTOR: 'me',
    })
    expect(provenanceVariables(undefined)).toEqual({})
  })
})

describe('the variables put back by a rollback', () => {
  const before = { A: '1', B: '2', PAAS_RELEASE_COMMIT: 'old', __DEFAULT_DOMAIN_NAME__: 'x.example.com' }
  // what a failed deploy left: C added, B changed, the provenance its own, a variable the platform set since
  const after = {
    A: '1',
    B: 'new',
    C: '3',
    PAAS_RELEASE_COMMIT: 'new',
    PAAS_RELEASE_ACTOR: 'me',
    __DEFAULT_DOMAIN_NAME__: 'x.example.com',
    __NODE__: 'n1',
  }

  it('are exactly the ones from before, the provenance as it was; what the platform set itself since stays', () => {
    expect(nextEnvWithProvenance(after, restoreChange(before), undefined)).toEqual({ ...before, __NODE__: 'n1' })
  })

  it('are said by name: the added ones removed, the changed and the removed ones restored', () => {
    expect(describeRestore({ added: ['C'], changed: ['B'], removed: ['A'] })).toBe('removed C; restored A, B')
    expect(describeRestore({ added: [], changed: ['B'], removed: [] })).toBe('restored B')
  })

  it('where variables are set and removed by name: only what differs is written', () => {
    expect(envWrites(after, nextEnv(after, restoreChange(before)))).toEqual({
      set: { B: '2', PAAS_RELEASE_COMMIT: 'old' },
      remove: ['C', 'PAAS_RELEASE_ACTOR'],
    })
    expect(envWrites(before, before)).toEqual({ set: {}, remove: [] })
  })
})

describe('platform forms', () => {
  const provenance = {
    commit: 'a'.repeat(40),
    repository: 'org/shop',
    runUrl: 'https://github.com/org/shop/actions/runs/1',
    actor: 'octocat',
  }

  it('ServiceStage: labels where the value fits one, the rest as PAAS_RELEASE_* envs; value_from references kept on merge', () => {
    const component = {
      envs: [
        { name: 'A', value: '1' },
        { name: 'SECRET', value_from: { secretKeyRef: 'x' } },
      ],
      labels: [
        { key: 'team', value: 'web' },
        { key: 'paas-release-commit', value: 'old' },
      ],
    }
    const { envs, labels } = envsAndLabels(component, { vars: { B: '2' }, update: 'merge' }, provenance)
    expect(envs).toEqual([
      { name: 'SECRET', value_from: { secretKeyRef: 'x' } },
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
      { name: 'PAAS_RELEASE_REPOSITORY', value: 'org/shop' },
      { name: 'PAAS_RELEASE_RUN_URL', value: provenance.runUrl },
    ])
    expect(labels).toEqual([
      { key: 'team', value: 'web' },
      { key: 'paas-release-commit', value: provenance.commit },
      { key: 'paas-release-actor', value: 'octocat' },
    ])
    expect(envsAndLabels(component, { vars: { B: '2' }, update: 'replace' }, undefined)).toEqual({ envs: [{ name: 'B', value: '2' }] })
    expect(envsAndLabels(component, undefined, undefined)).toEqual({})
  })

  it("Rancher: environment changed, provenance as labels beside Rancher's own", () => {
    const config = { imageUuid: 'docker:shop:v1', environment: { A: '1' }, labels: { 'io.rancher.stack.name': 'web' } }
    expect(nextLaunchConfig(config, 'shop:v2', { vars: { B: '2' }, update: 'merge' }, { commit: 'abc' })).toEqual({
      imageUuid: 'docker:shop:v2',
      environment: { A: '1', B: '2' },
      labels: { 'io.rancher.stack.name': 'web', 'io.paas-release.commit': 'abc' },
    })
    expect(nextLaunchConfig(config, 'shop:v2', undefined, undefined)).toEqual({ ...config, imageUuid: 'docker:shop:v2' })
  })
})
