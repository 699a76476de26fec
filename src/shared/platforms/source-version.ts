/**
 * NetEase apps build from source: what they run is a source version, written `source@<version>`.
 * Beside the port, so that the inputs (which write it) and the adapter (which reads it) share it
 * without the adapter importing the inputs, and the input chunk loads nothing else with it.
 */
export const SOURCE_PREFIX = 'source@'
