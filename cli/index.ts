#!/usr/bin/env node
// paas-release's entry (bundled into dist/cli/index.js, the package's bin).
import { main } from './main.js'

process.exitCode = await main(process.argv.slice(2))
