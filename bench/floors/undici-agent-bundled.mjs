// A floor for the cold start: undici-agent.mjs bundled as the actions are (scripts/bundle.mjs:
// ncc, terser, undici's three trims), imported from a small entry as an action imports its flow,
// so that it is the same code as the actions' undici chunk, packed the same way.
await import('./undici-agent.mjs')
