import { describe, expect, it } from 'vitest'
import { cellRuns, FAULT_KINDS, MATRIX_CASES, OPERATIONS } from '../support/fault-cases.js'

describe("the fault matrix's cells", () => {
  const cells = MATRIX_CASES.flatMap((platform, p) =>
    OPERATIONS.flatMap((operation, o) =>
      FAULT_KINDS.flatMap((kind) =>
        [true, false]
          .filter((once) => cellRuns(p, o, kind, once))
          .map((once) => ({ platform: platform.label ?? platform.name, operation, kind, once })),
      ),
    ),
  )

  it('runs every other kind in every platform × operation × mode, and one of 502 and 503', () => {
    for (const platform of MATRIX_CASES.map((c) => c.label ?? c.name))
      for (const operation of OPERATIONS)
        for (const once of [true, false]) {
          const kinds = cells.filter((c) => c.platform === platform && c.operation === operation && c.once === once).map((c) => c.kind)
          expect(kinds.filter((kind) => kind === '502' || kind === '503')).toHaveLength(1)
          expect(kinds.filter((kind) => kind !== '502' && kind !== '503')).toEqual(['500', '429', 'drop', 'hang', 'malformed', 'expired'])
        }
  })

  it('still strikes with both 502 and 503 on every platform, in every operation and in either mode', () => {
    const codes = (pick: (c: (typeof cells)[number]) => boolean) =>
      new Set(cells.filter((c) => pick(c) && /^50[23]$/.test(c.kind)).map((c) => c.kind))
    for (const platform of MATRIX_CASES.map((c) => c.label ?? c.name)) expect(codes((c) => c.platform === platform).size).toBe(2)
    for (const operation of OPERATIONS) expect(codes((c) => c.operation === operation).size).toBe(2)
    for (const once of [true, false]) expect(codes((c) => c.once === once).size).toBe(2)
  })
})
