// One bundle: ncc, then terser for the chunks, the four changes to undici's chunk and the eager
// module functions below. Used by build.mjs for dist/ and by the bench for its bundled floor
// (bench/cold-start.mjs).
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import ncc from '@vercel/ncc'
import { parse } from 'acorn'
import { minify } from 'terser'

/**
 * undici's Client requires its HTTP/2 connector (client-h2.js, which loads node:http2) when it is
 * loaded, though it is only called for a connection that negotiated h2, which the actions never
 * allow (`allowH2` is never set). node:http2 is 10–15 ms of a cold start on two cores: the
 * connector is required on its first call instead. The build fails if undici's code changes shape.
 */
const EAGER_H2 = /const connectH2 = (__\w+_require__)\((\d+)\)/g
const UNDICI_CLIENT = 'allowH2 must be a valid boolean value'

function lazyHttp2(name, file, source) {
  const matches = source.match(EAGER_H2)?.length ?? 0
  if (matches === 0 && !source.includes(UNDICI_CLIENT)) return source
  if (matches !== 1) throw new Error(`${name}/${file}: undici's client-h2 require was found ${matches} times, not once`)
  return source.replace(EAGER_H2, 'const connectH2 = (...args) => $1($2)(...args)')
}

/**
 * undici requires node:http when it is loaded, for two things the actions' requests never need
 * from it: the default header limit (`http.maxHeaderSize`, read only when a Client is given none:
 * src/shared/http/dispatcher.ts gives one) and `IncomingMessage`, compared when a stream is
 * destroyed (none can exist while node:http is not loaded). node:http and its server, client and
 * agent modules are about 3 ms of a cold start on two cores: both are read from
 * process.getBuiltinModule when they are used instead. The build fails if undici's code changes shape.
 */
const HTTP_TRIMS = [
  // [what undici has, what it becomes]: each must be found once in the chunk that has undici's client
  [/const \{ IncomingMessage \} = __\w+_require__\(\d+\)\n/g, ''],
  [
    /Object\.getPrototypeOf\(stream\)\.constructor === IncomingMessage\b/g,
    // by name first: a socket destroyed at every connection's end must not load node:http to be compared
    "Object.getPrototypeOf(stream).constructor?.name === 'IncomingMessage' && Object.getPrototypeOf(stream).constructor === process.getBuiltinModule('node:http').IncomingMessage",
  ],
  [/const http = __\w+_require__\(\d+\)\n/g, ''],
  [/maxHeaderSize \|\| http\.maxHeaderSize\b/g, "maxHeaderSize || process.getBuiltinModule('node:http').maxHeaderSize"],
]

function lazyHttp(name, file, source) {
  if (!source.includes(UNDICI_CLIENT)) return source
  for (const [eager, lazy] of HTTP_TRIMS) {
    const matches = source.match(eager)?.length ?? 0
    if (matches !== 1) throw new Error(`${name}/${file}: undici's ${eager.source} was found ${matches} times, not once`)
    source = source.replace(eager, lazy)
  }
  return source
}

/**
 * V8 runs a WebAssembly function on baseline code (Liftoff) and, once it has run for a budget
 * (`--wasm-tiering-budget`), compiles it again with its optimizing compiler on a background
 * thread. undici's llhttp parser is one 29 KB function: an action's first answers use up the
 * budget, and that compile took 31 ms of CPU and 20–35 MB of compiler memory (Node 24), in a run
 * that parses a few KB over seconds or minutes, which never pays it back. So llhttp's SIMD build
 * is compiled with the largest budget, read when the module is compiled. The compile is made
 * synchronous, and the budget is put back at once: left changed, it cost 6 ms more to the first
 * request (V8 keys its code caches by a hash of its flags, and Node compiles its built-in modules
 * from such a cache). `new WebAssembly.Module` only decodes and
 * validates (its functions compile on their first call); on a CPU without SIMD it throws, and
 * undici compiles its fallback as before. Measured on whole deploys (Alauda): 27 % less CPU,
 * 76 → 57 MB peak RSS, the first request unchanged. Run on ncc's output; the build fails if
 * undici's code changes shape. test/unit/bundle-llhttp-baseline.test.ts checks that the budget put
 * back is Node 24's default; on another Node major (the CLI and the demo may run on the machine's
 * Node), whose default may differ (Node 20's is 1,800,000), undici compiles llhttp as it did.
 */
export const WASM_TIERING_BUDGET_DEFAULT = 13_000_000
const SIMD_COMPILE = /mod = await WebAssembly\.compile\((__\w+_require__\(\d+\))\)/g

export function llhttpOnBaseline(name, file, source) {
  if (!source.includes(UNDICI_CLIENT)) return source
  const matches = source.match(SIMD_COMPILE)?.length ?? 0
  if (matches !== 1) throw new Error(`${name}/${file}: undici's llhttp compile was found ${matches} times, not once`)
  // on another Node (the CLI and the demo may run on the machine's), whose default is not known here, as undici had it
  return source.replace(
    SIMD_COMPILE,
    "mod = process.versions.node.split('.')[0] !== '24' ? await WebAssembly.compile($1) : (() => { const v8 = process.getBuiltinModule('node:v8'); v8.setFlagsFromString('--wasm-tiering-budget=2147483647'); " +
      `try { return new WebAssembly.Module($1) } finally { v8.setFlagsFromString('--wasm-tiering-budget=${WASM_TIERING_BUDGET_DEFAULT}') } })()`,
  )
}

/**
 * undici carries llhttp twice, as base64 in its chunk: the SIMD build it compiles, and a fallback
 * for a CPU without WebAssembly SIMD (63 KB each). Every x64 runner has SIMD, so the fallback is
 * moved into a file of its own (`llhttp-fallback.wasm` beside the chunk), read only when it is
 * needed: 63 KB less read and parsed by every run. Run on the minified chunk; the build fails if
 * undici's code changes shape.
 */
const FALLBACK_FILE = 'llhttp-fallback.wasm'

function fallbackLlhttpAside(name, file, source) {
  const uses = [...source.matchAll(/process\.env\.JEST_WORKER_ID\?\w+\((\d+)\):void 0/g)]
  if (uses.length === 0 && !source.includes(UNDICI_CLIENT)) return { source }
  if (uses.length !== 1) throw new Error(`${name}/${file}: undici's llhttp fallback was found ${uses.length} times, not once`)
  const id = uses[0][1]
  const definition = new RegExp(
    `([{,])${id}:\\((\\w+),\\w+,\\w+\\)=>\\{const\\{Buffer:\\w+\\}=\\w+\\(\\d+\\);\\2\\.exports=\\w+\\.from\\("([A-Za-z0-9+/=]+)","base64"\\)\\}`,
  )
  const found = source.match(definition)
  if (!found) throw new Error(`${name}/${file}: undici's llhttp fallback (module ${id}) is not the base64 module it was`)
  const [whole, before, module, base64] = found
  const read = `${before}${id}:(${module})=>{${module}.exports=process.getBuiltinModule("node:fs").readFileSync(new URL("./${FALLBACK_FILE}",import.meta.url))}`
  return { source: source.replace(whole, read), wasm: Buffer.from(base64, 'base64') }
}

/**
 * V8 compiles a function lazily: it pre-parses the body when the file loads and parses it again
 * on its first call, unless the function is in parentheses, a sign that it is called at once.
 * ncc's module map (`{id:(e,t,n)=>{…}}`, in the entry and in each chunk) holds a function per
 * module that runs when the module is first required, and a run requires nearly every module its
 * files hold: each is put in parentheses, so that it is parsed once. Measured on Node 24, paired:
 * 4–6 % less to an input error and to the first request. Only the module functions: the
 * functions inside them stay lazy. The build fails if the map is not found once in every file.
 */
export function eagerModules(name, file, source) {
  const program = parse(source, { ecmaVersion: 'latest', sourceType: 'module' })
  const maps = program.body
    .flatMap((node) => node.declaration?.declarations ?? node.declarations ?? [])
    .map((declaration) => declaration.init)
    .filter((init) => init?.type === 'ObjectExpression' && init.properties.length > 0 && init.properties.every(isModuleFunction))
  if (maps.length !== 1) throw new Error(`${name}/${file}: ncc's module map was found ${maps.length} times, not once`)
  let eager = source
  // from the end, so that the offsets before stay right
  for (const { value } of [...maps[0].properties].reverse())
    eager = `${eager.slice(0, value.start)}(${eager.slice(value.start, value.end)})${eager.slice(value.end)}`
  return eager
}

const isModuleFunction = (property) =>
  property.type === 'Property' &&
  property.kind === 'init' &&
  !property.method &&
  property.key.type === 'Literal' &&
  typeof property.key.value === 'number' &&
  ['ArrowFunctionExpression', 'FunctionExpression'].includes(property.value.type)

/**
 * Bundles `entry` into `out` (emptied first): `index.js` (with `shebang` before it, unless ncc kept
 * the entry's own) and its chunks; `label` names it in errors. Returns the entry's size and the number of other files.
 */
export async function bundle(entry, out, { label = out, shebang = '', mode } = {}) {
  const { code, assets } = await ncc(entry, {
    minify: true,
    quiet: true,
    target: 'es2022',
    license: 'licenses.txt',
    // types are checked once by `npm run lint` (tsc); type-checking each bundle again held ~1 GB and minutes
    transpileOnly: true,
  })
  if (code.includes(UNDICI_CLIENT)) throw new Error(`${label}: undici is in the entry, where its HTTP/2 connector cannot be made lazy`)
  await rm(out, { recursive: true, force: true })
  await mkdir(out, { recursive: true })
  const head = shebang && !code.startsWith('#!') ? shebang : ''
  await writeFile(join(out, 'index.js'), head + eagerModules(label, 'index.js', code), mode === undefined ? {} : { mode })
  for (const [file, asset] of Object.entries(assets)) {
    await mkdir(dirname(join(out, file)), { recursive: true })
    // ncc minifies the entry only; the chunks of its dynamic imports are minified here
    if (!/\.m?js$/.test(file)) {
      await writeFile(join(out, file), asset.source)
      continue
    }
    const trimmed = llhttpOnBaseline(label, file, lazyHttp(label, file, lazyHttp2(label, file, asset.source.toString())))
    const minified = (await minify(trimmed, { module: true })).code
    const { source, wasm } = fallbackLlhttpAside(label, file, minified)
    await writeFile(join(out, file), eagerModules(label, file, source))
    if (wasm) await writeFile(join(out, FALLBACK_FILE), wasm)
  }
  return { bytes: Buffer.byteLength(code), files: Object.keys(assets).length }
}
