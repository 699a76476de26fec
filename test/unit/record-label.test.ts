import { describe, expect, it } from 'vitest'
import type { StoredRecord } from '../../src/shared/platforms/platform.js'
import {
  labelsWithRecord,
  recordFromLabels,
  recordLabelKey,
  recordLabelValue,
  sameRelease,
} from '../../src/shared/platforms/record-label.js'

const router = { router: 'shop', blue: 'stable', green: 'gray' }
const record: StoredRecord = {
  release: 'a-very-long-organisation/a-very-long-repository-name#123456789012',
  stable: 'stable',
  candidate: 'gray',
  phase: 'progressing',
  step: 12,
  weight: 100,
  startedAt: '2026-12-02T04:00:00.000Z',
  stepReachedAt: '2026-12-02T04:05:30.000Z',
  updatedAt: '2026-12-02T04:06:10.000Z',
}

// the documented label rules (servicestage_06_0069)
const KEY = /^[0-9A-Za-z_-]{1,36}$/
const VALUE = /^[0-9A-Za-z_.-]{1,43}$/

describe('the release record as an application label', () => {
  it('fits the documented key and value grammar, however long the release id', () => {
    const [label] = labelsWithRecord([], 'shop', record)
    expect(label?.key).toMatch(KEY)
    expect(label?.value).toMatch(VALUE)
    const long = recordLabelKey('a-component-name-longer-than-a-label-key-allows')
    expect(long).toMatch(KEY)
    expect(recordLabelKey('a-component-name-longer-than-a-label-key-allows')).toBe(long)
    expect(recordLabelKey('other')).not.toBe(recordLabelKey('shop'))
  })

  it('reads back the claim and the clock, to the second, and is known as this release', () => {
    const back = recordFromLabels(labelsWithRecord([], 'shop', record), router)
    expect(back).toMatchObject({ phase: 'progressing', step: 12, weight: 100, stable: 'stable', candidate: 'gray' })
    expect(back?.startedAt).toBe(record.startedAt)
    expect(back?.stepReachedAt).toBe(record.stepReachedAt)
    expect(back?.updatedAt).toBe(record.updatedAt)
    expect(sameRelease(back?.release ?? '', record.release)).toBe(true)
    expect(sameRelease(back?.release ?? '', `${record.release}0`)).toBe(false)
  })

  it('keeps every phase a release writes, action-rollback’s "rolled-back" included', () => {
    for (const phase of ['progressing', 'promoted', 'paused', 'aborting', 'aborted', 'rolled-back']) {
      expect(recordFromLabels(labelsWithRecord([], 'shop', { ...record, phase }), router)?.phase).toBe(phase)
    }
  })

  it("keeps the user's labels and replaces only its own", () => {
    const user = [{ key: 'team', value: 'shop' }]
    const first = labelsWithRecord(user, 'shop', record)
    const second = labelsWithRecord(first, 'shop', { ...record, phase: 'promoted', weight: 100 })
    expect(second).toHaveLength(2)
    expect(second[0]).toEqual({ key: 'team', value: 'shop' })
    expect(recordFromLabels(second, router)?.phase).toBe('promoted')
    expect(recordFromLabels(user, router)).toBeNull()
  })

  it('says so when the application has no room left for the label', () => {
    const full = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: 'v' }))
    expect(() => labelsWithRecord(full, 'shop', record)).toThrow(/20 labels already.*no room for the release record/)
  })

  it('takes a label that is not a record as none', () => {
    for (const value of ['', 'x', 'zzzzzzzzzzzz.p.1.50.abc.abd', `${'0'.repeat(12)}.q.1.50.abc.abd`, `${'0'.repeat(12)}.p.1.50.abc`])
      expect(recordFromLabels([{ key: recordLabelKey('shop'), value }], router)).toBeNull()
    expect(() => recordLabelValue({ ...record, phase: 'unknown' })).toThrow(/cannot be kept as a label/)
  })
})
