import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The README's "Layout" section, checked: which folder of src/shared may import which, read from
 * the import statements of the files themselves (TypeScript's parser, so `import type` and
 * dynamic `import()` are told apart). Change the rule here and in the README together.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** src/shared's folders, top to bottom: a file imports only its own folder and the ones below it. */
const LAYERS = ['run', 'report', 'release', 'github', 'inputs', 'platforms', 'http'] as const

/** The workflow commands (mask, log line, group, state): one small module every layer may call. */
const COMMANDS = 'src/shared/report/commands.ts'

/** The actions that read their inputs first and load the rest behind a dynamic import (run/run.ts). */
const ENTRIES = ['deploy', 'scale', 'traffic', 'rollback', 'preview']
  .map((action) => `action-${action}/main.ts`)
  .concat('action-traffic/post.ts')

interface Import {
  from: string
  /** the file it names, relative to the root (`.js` read as the `.ts` beside it); a package or `node:` module as written */
  to: string
  external: boolean
  typeOnly: boolean
  dynamic: boolean
}

function filesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|mjs)$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => join(folder, file))
    .sort()
}

function target(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier
  const path = relative(ROOT, resolve(ROOT, dirname(from), specifier))
  const source = path.replace(/\.js$/, '.ts')
  return path.endsWith('.js') && existsSync(join(ROOT, source)) ? source : path
}

function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly
  const clause = node.importClause
  if (!clause) return false
  if (clause.isTypeOnly) return true
  const named = clause.namedBindings
  return !clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.every((element) => element.isTypeOnly)
}

export function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true)
  const found: Import[] = []
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const specifier = node.moduleSpecifier.text
      found.push({
        from: file,
        to: target(file, specifier),
        external: !specifier.startsWith('.'),
        typeOnly: typeOnly(node),
        dynamic: false,
      })
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [specifier] = node.arguments
      if (specifier && ts.isStringLiteral(specifier)) {
        found.push({
          from: file,
          to: target(file, specifier.text),
          external: !specifier.text.startsWith('.'),
          typeOnly: false,
          dynamic: true,
        })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

function layerOf(file: string): string | undefined {
  const [, folder] = file.match(/^src\/shared\/([^/]+)\//) ?? []
  return folder
}

/** What is wrong with one import of a src/shared file, by the rule the README states; undefined: nothing. */
export function violation({ from, to, external, typeOnly }: Import): string | undefined {
  if (external) return undefined
  const where = `${from} imports ${to}`
  if (!to.startsWith('src/shared/')) {
    if (to.startsWith('vendor/')) return undefined
    if (from === 'src/shared/inputs/emulator.ts' && to === 'emulator/seed-routes.ts') return undefined
    return `${where}: src/shared imports nothing outside it but vendor/ (and action-emulator's inputs the emulator's seed routes)`
  }
  const own = layerOf(from)
  const other = layerOf(to)
  if (own === other || to === COMMANDS) return undefined
  const ownRank = LAYERS.indexOf(own as (typeof LAYERS)[number])
  const otherRank = LAYERS.indexOf(other as (typeof LAYERS)[number])
  if (ownRank < 0 || otherRank < 0) return `${where}: a folder the layout does not name (add it to LAYERS and to the README's Layout)`
  if (otherRank < ownRank) return `${where}: ${own}/ is above ${other}/ (${LAYERS.join(' → ')}), imports go down only`
  if (own === 'report' && !typeOnly) return `${where}: report/ takes only types from the rest (it never loads release logic)`
  return undefined
}

/** The files an entry loads before its inputs are read: its static imports (no types, no import()), followed. */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>([entry])
  const queue = [entry]
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const { to, external, typeOnly, dynamic } of importsOf(file)) {
      if (typeOnly || dynamic || seen.has(to)) continue
      seen.add(to)
      if (!external) queue.push(to)
    }
  }
  return [...seen].sort()
}

describe('the layout (README, "Layout")', () => {
  const shared = filesUnder('src/shared')

  it('reads the imports it judges', () => {
    const execute = importsOf('src/shared/run/execute.ts')
    expect(execute).toContainEqual({
      from: 'src/shared/run/execute.ts',
      to: 'src/shared/release/deadline.ts',
      external: false,
      typeOnly: false,
      dynamic: false,
    })
    expect(execute).toContainEqual({
      from: 'src/shared/run/execute.ts',
      to: 'src/shared/report/report.ts',
      external: false,
      typeOnly: false,
      dynamic: true,
    })
    expect(importsOf('src/shared/report/summary.ts')).toContainEqual({
      from: 'src/shared/report/summary.ts',
      to: 'src/shared/release/context.ts',
      external: false,
      typeOnly: true,
      dynamic: false,
    })
    // what the rule must refuse
    const report = 'src/shared/report/report.ts'
    expect(violation({ from: report, to: 'src/shared/release/deploy.ts', external: false, typeOnly: false, dynamic: false })).toMatch(
      /only types/,
    )
    expect(violation({ from: report, to: 'src/shared/run/execute.ts', external: false, typeOnly: true, dynamic: false })).toMatch(
      /imports go down only/,
    )
    expect(
      violation({
        from: 'src/shared/platforms/platform.ts',
        to: 'src/shared/inputs/credentials.ts',
        external: false,
        typeOnly: true,
        dynamic: false,
      }),
    ).toMatch(/imports go down only/)
    expect(
      violation({ from: 'src/shared/http/client.ts', to: 'emulator/server.ts', external: false, typeOnly: false, dynamic: false }),
    ).toMatch(/outside/)
    expect(
      violation({ from: 'src/shared/http/secrets.ts', to: COMMANDS, external: false, typeOnly: false, dynamic: false }),
    ).toBeUndefined()
  })

  it('every file of src/shared is in a folder the layout names', () => {
    expect(shared.filter((file) => !LAYERS.includes(layerOf(file) as (typeof LAYERS)[number]))).toEqual([])
  })

  it(`src/shared imports go one way: ${LAYERS.join(' → ')}; report/ takes types only; anyone may call report/commands.ts`, () => {
    const wrong = shared.flatMap((file) => importsOf(file).map(violation)).filter((problem) => problem !== undefined)
    expect(wrong).toEqual([])
  })

  it('report/commands.ts, which every layer may call, imports nothing but Node', () => {
    expect(importsOf(COMMANDS).filter(({ to }) => !to.startsWith('node:'))).toEqual([])
  })

  /** the words and forms the inputs share with the adapters, which import nothing: in every entry chunk */
  const INPUT_PLATFORM_FILES = [
    'src/shared/platforms/terms.ts',
    'src/shared/platforms/source-version.ts',
    'src/shared/platforms/service-id.ts',
    'src/shared/platforms/env-vars.ts',
    'src/shared/platforms/rancher/endpoint.ts',
  ]

  it.each(ENTRIES)('%s loads only the inputs and run/run.ts before its inputs are read: the rest is behind import()', (entry) => {
    const loaded = staticClosure(entry)
    // Node's own modules only: no package (undici, Octokit) before the inputs are read
    const heavy = loaded.filter(
      (file) =>
        !file.startsWith('node:') &&
        !file.startsWith(dirname(entry) + '/') &&
        !file.startsWith('src/shared/inputs/') &&
        !['src/shared/run/run.ts', COMMANDS, 'src/shared/http/secrets.ts', 'src/shared/http/redactor.ts'].includes(file) &&
        !INPUT_PLATFORM_FILES.includes(file),
    )
    expect(heavy).toEqual([])
    const later = importsOf(entry).filter(({ dynamic }) => dynamic)
    expect(later.map(({ to }) => to)).toEqual([`src/shared/run/${dirname(entry).replace('action-', '')}.ts`])
  })

  it('cli/ (paas-release) loads only the inputs’ readers and report/commands.ts before its inputs are read: each action’s run/<action>.ts is behind import()', () => {
    const loaded = staticClosure('cli/index.ts')
    const heavy = loaded.filter(
      (file) =>
        !file.startsWith('node:') &&
        !file.startsWith('cli/') &&
        !file.startsWith('src/shared/inputs/') &&
        ![COMMANDS, 'src/shared/http/secrets.ts', 'src/shared/http/redactor.ts'].includes(file) &&
        !INPUT_PLATFORM_FILES.includes(file),
    )
    expect(heavy).toEqual([])
    const later = importsOf('cli/main.ts').filter(({ dynamic }) => dynamic)
    expect(later.map(({ to }) => to).sort()).toEqual(
      ENTRIES.slice(0, 5)
        .map((entry) => `src/shared/run/${dirname(entry).replace('action-', '')}.ts`)
        .sort(),
    )
  })

  it('the emulator imports nothing from src/shared, not even types; the demo neither', () => {
    const imports = [...filesUnder('emulator'), ...filesUnder('demo')].flatMap(importsOf)
    expect(imports.filter(({ to }) => to.startsWith('src/'))).toEqual([])
  })
})
