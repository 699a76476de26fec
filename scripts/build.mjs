// Bundles each action, the CLI, the emulator and the demo with ncc into dist/<name>/ (committed).
import { join } from 'node:path'
import { bundle } from './bundle.mjs'
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

const only = process.argv.slice(2)
for (const [name, entry] of Object.entries(entries)) {
  if (only.length > 0 && !only.includes(name)) continue
  // the CLI runs as a bin: `paas-release …` or `node dist/cli/index.js …`
  const cli = name === 'cli' ? { shebang: '#!/usr/bin/env node\n', mode: 0o755 } : {}
  const { bytes, files } = await bundle(join(process.cwd(), entry), join('dist', name), { label: `dist/${name}`, ...cli })
  console.log(`dist/${name}: ${(bytes / 1024).toFixed(0)} KB + ${files} file(s)`)
}
