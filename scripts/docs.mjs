// npm run docs: writes what the action-*/action.yml files say into the files that repeat it, so
// those never drift: each action README's input and output tables and the root README's table of
// the inputs every action shares (between marker comments; the rest is written by hand), and src/shared/inputs/defaults.ts (the inputs' defaults,
// for runs without the runner). `node scripts/docs.mjs --check` writes nothing and exits 1 when a
// file differs from what it would write.
import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parse } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DEFAULTS_MODULE = join(ROOT, 'src/shared/inputs/defaults.ts')
const CLI_USAGE_MODULE = join(ROOT, 'cli/usage.ts')

/** The inputs that are secrets (readSecret reads them): the CLI takes them from the environment only, never from a flag. */
const SECRET_INPUTS = ['token', 'password', 'secret-key', 'github-token', 'webhook-url']
/** The inputs that only mean something inside GitHub Actions (deployments, PR comments). */
const GITHUB_ONLY_INPUTS = ['github-token', 'environment']

/** Each action folder's parsed action.yml, by folder name (action-deploy, …). */
async function readActions() {
  const folders = (await readdir(ROOT)).filter((name) => name.startsWith('action-') && existsSync(join(ROOT, name, 'action.yml'))).sort()
  const actions = new Map()
  for (const folder of folders) actions.set(folder, parse(await readFile(join(ROOT, folder, 'action.yml'), 'utf8')))
  return actions
}

/** Text for one table cell: one line, `|` escaped; `<` outside code spans escaped, or GitHub drops `<platform>` as a tag. */
function cell(text) {
  return String(text)
    .replace(/\s*\n\s*/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/</g, '&lt;')))
    .join('')
    .replace(/\|/g, '\\|')
}

function inputsTable(meta) {
  const rows = Object.entries(meta.inputs ?? {}).map(([name, input]) => {
    const fallback = input.default === undefined || input.default === '' ? '' : `\`${input.default}\``
    return `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${fallback} | ${cell(input.description)} |`
  })
  return ['| Input | Required | Default | Description |', '|---|---|---|---|', ...rows].join('\n')
}

function outputsTable(meta) {
  const rows = Object.entries(meta.outputs ?? {}).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`)
  return ['| Output | Description |', '|---|---|', ...rows].join('\n')
}

/**
 * The inputs every release action takes (all but action-emulator's), in action-deploy's order, with
 * the one default they share (inputDefaults refuses two): the root README's shared table.
 */
function sharedInputsTable(actions) {
  const releaseActions = [...actions].filter(([folder]) => folder !== 'action-emulator').map(([, meta]) => meta)
  const [first, ...rest] = releaseActions
  const rows = Object.entries(first.inputs ?? {})
    .filter(([name]) => rest.every((meta) => name in (meta.inputs ?? {})))
    .map(([name, input]) => {
      const fallback = input.default === undefined || input.default === '' ? '' : `\`${input.default}\``
      return `| \`${name}\` | ${fallback} | ${cell(input.description)} |`
    })
  return ['| Input | Default | Description |', '|---|---|---|', ...rows].join('\n')
}

/** Puts `table` between `<!-- name: … -->` and `<!-- /name -->`, which the README must have. */
function replaceTable(readme, file, name, table) {
  const start = `<!-- ${name}: npm run docs writes this table from action.yml -->`
  const end = `<!-- /${name} -->`
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from === -1 || to < from) throw new Error(`${file}: no "${start}" ... "${end}" markers for the ${name} table`)
  return `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`
}

/**
 * One default per input name: the shared parsers (health, timeout, node-group) serve several
 * actions, so two actions that left an input out would have to mean the same by it. Required
 * inputs have no default to fall back on; expressions (`${{ github.token }}`) are the runner's.
 */
function inputDefaults(actions) {
  const defaults = new Map()
  for (const [folder, meta] of actions) {
    for (const [name, input] of Object.entries(meta.inputs ?? {})) {
      if (input.required) continue
      const value = String(input.default ?? '')
      const seen = defaults.get(name)
      if (seen !== undefined && seen.value !== value) {
        throw new Error(
          `input "${name}" has the default "${seen.value}" in ${seen.folder} but "${value}" in ${folder}; give it one default`,
        )
      }
      defaults.set(name, { value, folder })
    }
  }
  return [...defaults]
    .filter(([, { value }]) => value !== '' && !value.includes('${{'))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, { value }]) => [name, value])
}

async function defaultsModule(actions) {
  const entries = inputDefaults(actions).map(([name, value]) => `  ${JSON.stringify(name)}: ${JSON.stringify(value)},`)
  const text = [
    '// Written by `npm run docs` (scripts/docs.mjs) from the action-*/action.yml files: change a default there.',
    '',
    '/**',
    " * The defaults action.yml gives the actions' inputs. The runner passes them as INPUT_* when a workflow",
    ' * leaves an input out; a run without the runner (unit tests, the demo) gets the same from here.',
    ' */',
    'export const INPUT_DEFAULTS = {',
    ...entries,
    '} as const',
    '',
    'export type DefaultedInput = keyof typeof INPUT_DEFAULTS',
    '',
  ].join('\n')
  return prettier.format(text, { ...(await prettier.resolveConfig(DEFAULTS_MODULE)), filepath: DEFAULTS_MODULE })
}

/**
 * cli/usage.ts: each release action's description, inputs (description, default, required, secret)
 * and outputs, for paas-release's flags, its checks and its --help.
 */
async function cliUsageModule(actions) {
  const commands = {}
  for (const [folder, meta] of actions) {
    if (folder === 'action-emulator') continue
    const inputs = {}
    for (const [name, input] of Object.entries(meta.inputs ?? {})) {
      const fallback = String(input.default ?? '')
      inputs[name] = {
        description: String(input.description ?? '')
          .replace(/\s*\n\s*/g, ' ')
          .trim(),
        default: fallback.includes('${{') ? '' : fallback,
        required: Boolean(input.required),
        secret: SECRET_INPUTS.includes(name),
        githubOnly: GITHUB_ONLY_INPUTS.includes(name),
      }
    }
    commands[folder.replace('action-', '')] = {
      description: String(meta.description ?? ''),
      inputs,
      outputs: Object.keys(meta.outputs ?? {}),
    }
  }
  const text = [
    '// Written by `npm run docs` (scripts/docs.mjs) from the action-*/action.yml files: change them there.',
    '',
    'export interface InputSpec {',
    '  description: string',
    "  /** action.yml's default (none where it is an expression of the runner's, such as `${{ github.token }}`) */",
    '  default: string',
    '  required: boolean',
    '  /** read from the environment only (PAAS_<INPUT>), never from a flag */',
    '  secret: boolean',
    '  /** GitHub deployments and pull request comments: only inside GitHub Actions */',
    '  githubOnly: boolean',
    '}',
    '',
    'export interface CommandSpec {',
    '  description: string',
    '  inputs: Record<string, InputSpec>',
    '  outputs: readonly string[]',
    '}',
    '',
    `export type CommandName = ${Object.keys(commands)
      .map((name) => `'${name}'`)
      .join(' | ')}`,
    '',
    "/** Each subcommand of paas-release: its action's description, inputs and outputs, as action.yml declares them. */",
    `export const COMMANDS: Record<CommandName, CommandSpec> = ${JSON.stringify(commands, null, 2)}`,
    '',
  ].join('\n')
  return prettier.format(text, { ...(await prettier.resolveConfig(CLI_USAGE_MODULE)), filepath: CLI_USAGE_MODULE })
}

/** Every file this script writes, with the text it would write. */
export async function generated() {
  const actions = await readActions()
  const files = new Map()
  for (const [folder, meta] of actions) {
    const file = join(ROOT, folder, 'README.md')
    let readme = await readFile(file, 'utf8')
    readme = replaceTable(readme, relative(ROOT, file), 'inputs', inputsTable(meta))
    readme = replaceTable(readme, relative(ROOT, file), 'outputs', outputsTable(meta))
    files.set(file, readme)
  }
  const rootReadme = join(ROOT, 'README.md')
  files.set(rootReadme, replaceTable(await readFile(rootReadme, 'utf8'), 'README.md', 'shared-inputs', sharedInputsTable(actions)))
  files.set(DEFAULTS_MODULE, await defaultsModule(actions))
  files.set(CLI_USAGE_MODULE, await cliUsageModule(actions))
  return files
}

/** Writes the files that differ; with `check`, writes nothing and returns the ones that differ. */
export async function writeDocs({ check = false } = {}) {
  const stale = []
  for (const [file, text] of await generated()) {
    const now = existsSync(file) ? await readFile(file, 'utf8') : ''
    if (now === text) continue
    stale.push(relative(ROOT, file))
    if (!check) await writeFile(file, text)
  }
  return stale
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  const stale = await writeDocs({ check })
  if (check && stale.length > 0) {
    console.error(`not as npm run docs writes them (run it): ${stale.join(', ')}`)
    process.exitCode = 1
  } else {
    console.log(stale.length > 0 ? `wrote ${stale.join(', ')}` : 'up to date')
  }
}
