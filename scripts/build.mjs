// Bundles each action, the CLI, the emulator and the demo with ncc into dist/<name>/ (committed).
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import ncc from '@vercel/ncc'
import { minify } from 'terser'
import { writeDocs } from './docs.mjs'

// the bundles take the inputs' defaults from src/shared/inputs/defaults.ts: written from action.yml first
const written = await writeDocs()
if (written.length > 0) console.log(`npm run docs: wrote ${written.join(', ')}`)

const entries = {
  deploy: 'action-deploy/index.ts',
  scale: 'action-scale/index.ts',
  traffic: 'action-traffic/index.ts',
  'traffic-post': 'action-traffic/post-index.ts',
  rollback: 'action-rollback/index.ts',
  preview: 'action-preview/index.ts',
  'emulator-action': 'action-emulator/index.ts',
  'emulator-action-post': 'action-emulator/post-index.ts',
  emulator: 'emulator/main.ts',
  demo: 'demo/main.ts',
  cli: 'cli/index.ts',
}

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
  if (matches !== 1) throw new Error(`dist/${name}/${file}: undici's client-h2 require was found ${matches} times, not once`)
  return source.replace(EAGER_H2, 'const connectH2 = (...args) => $1($2)(...args)')
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
  if (uses.length !== 1) throw new Error(`dist/${name}/${file}: undici's llhttp fallback was found ${uses.length} times, not once`)
  const id = uses[0][1]
  const definition = new RegExp(
    `([{,])${id}:\\((\\w+),\\w+,\\w+\\)=>\\{const\\{Buffer:\\w+\\}=\\w+\\(\\d+\\);\\2\\.exports=\\w+\\.from\\("([A-Za-z0-9+/=]+)","base64"\\)\\}`,
  )
  const found = source.match(definition)
  if (!found) throw new Error(`dist/${name}/${file}: undici's llhttp fallback (module ${id}) is not the base64 module it was`)
  const [whole, before, module, base64] = found
  const read = `${before}${id}:(${module})=>{${module}.exports=process.getBuiltinModule("node:fs").readFileSync(new URL("./${FALLBACK_FILE}",import.meta.url))}`
  return { source: source.replace(whole, read), wasm: Buffer.from(base64, 'base64') }
}

const only = process.argv.slice(2)
for (const [name, entry] of Object.entries(entries)) {
  if (only.length > 0 && !only.includes(name)) continue
  const { code, assets } = await ncc(join(process.cwd(), entry), {
    minify: true,
    quiet: true,
    target: 'es2022',
    license: 'licenses.txt',
    // types are checked once by `npm run lint` (tsc); type-checking each bundle again held ~1 GB and minutes
    transpileOnly: true,
  })
  if (code.includes(UNDICI_CLIENT)) throw new Error(`dist/${name}: undici is in the entry, where its HTTP/2 connector cannot be made lazy`)
  const out = join('dist', name)
  await rm(out, { recursive: true, force: true })
  await mkdir(out, { recursive: true })
  // the CLI runs as a bin: `paas-release …` or `node dist/cli/index.js …`
  const shebang = name === 'cli' && !code.startsWith('#!') ? '#!/usr/bin/env node\n' : ''
  await writeFile(join(out, 'index.js'), shebang + code, name === 'cli' ? { mode: 0o755 } : {})
  for (const [file, asset] of Object.entries(assets)) {
    await mkdir(dirname(join(out, file)), { recursive: true })
    // ncc minifies the entry only; the chunks of its dynamic imports are minified here
    if (!file.endsWith('.js')) {
      await writeFile(join(out, file), asset.source)
      continue
    }
    const minified = (await minify(lazyHttp2(name, file, asset.source.toString()), { module: true })).code
    const { source, wasm } = fallbackLlhttpAside(name, file, minified)
    await writeFile(join(out, file), source)
    if (wasm) await writeFile(join(out, FALLBACK_FILE), wasm)
  }
  console.log(`dist/${name}: ${(Buffer.byteLength(code) / 1024).toFixed(0)} KB + ${Object.keys(assets).length} file(s)`)
}
