import { describe, expect, it } from 'vitest'
// @ts-expect-error the build script is plain JavaScript, without types
import { eagerModules } from '../../scripts/bundle.mjs'

const wrap = eagerModules as (name: string, file: string, source: string) => string

describe("the build's eager module functions (scripts/bundle.mjs)", () => {
  it("puts each function of a chunk's module map in parentheses, and nothing else", () => {
    const chunk =
      'export const id=7;export const ids=[7];export const modules={12:(e,t,n)=>{n.d(t,{a:()=>1})},34:function(e){e.exports={5:()=>2}}};'
    expect(wrap('dist/x', '7.index.js', chunk)).toBe(
      'export const id=7;export const ids=[7];export const modules={12:((e,t,n)=>{n.d(t,{a:()=>1})}),34:(function(e){e.exports={5:()=>2}})};',
    )
  })

  it("does the same in an entry's map, after ncc's shebang", () => {
    const entry = '#!/usr/bin/env node\nimport{createRequire as e}from"module";var r={1:r=>{r.exports=1}};var t={};'
    expect(wrap('dist/cli', 'index.js', entry)).toBe(
      '#!/usr/bin/env node\nimport{createRequire as e}from"module";var r={1:(r=>{r.exports=1})};var t={};',
    )
  })

  it('fails the build when the map is not found once: none, two, or one that holds something else', () => {
    expect(() => wrap('dist/x', 'a.js', 'export const modules={};')).toThrow("dist/x/a.js: ncc's module map was found 0 times, not once")
    expect(() => wrap('dist/x', 'b.js', 'var a={1:()=>1};var b={2:()=>2};')).toThrow('found 2 times')
    expect(() => wrap('dist/x', 'c.js', 'var a={1(){return 1}};')).toThrow('found 0 times')
    expect(() => wrap('dist/x', 'd.js', 'var a={1:()=>1,b:()=>2};')).toThrow('found 0 times')
  })
})
