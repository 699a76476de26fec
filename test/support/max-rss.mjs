// Runs an action bundle (BUNDLE) and writes the process's peak resident memory in KB to RSS_FILE when it exits.
import { writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

process.on('exit', () => writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS)))
await import(pathToFileURL(process.env.BUNDLE).href)
