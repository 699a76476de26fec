import { describe, expect, it } from 'vitest'
import { checkRequest } from '../support/github-openapi.js'

const api = (path: string) => new URL(path, 'http://127.0.0.1:1')

describe("the fake GitHub's judge, GitHub's OpenAPI description", () => {
  it('matches a request to its operation by method and path template', () => {
    const { matched, problems } = checkRequest('POST', api('/repos/acme/shop/issues/7/comments'), { body: 'hi' })
    expect(matched?.operationId).toBe('issues/create-comment')
    expect(problems).toEqual([])
    expect(checkRequest('PATCH', api('/repos/acme/shop/issues/comments/9'), { body: 'hi' }).matched?.operationId).toBe(
      'issues/update-comment',
    )
  })

  it('refuses a call GitHub does not have', () => {
    const { matched, problems } = checkRequest('DELETE', api('/repos/acme/shop/deployments'), undefined)
    expect(matched).toBeUndefined()
    expect(problems).toEqual(["DELETE /repos/acme/shop/deployments: not an operation of GitHub's REST API description"])
  })

  it('refuses an unknown query parameter, a mistyped one, and a body off the schema', () => {
    expect(checkRequest('GET', api('/repos/acme/shop/deployments?per_page=100&page_size=5'), undefined).problems).toEqual([
      'GET /repos/acme/shop/deployments: query "page_size" is not a parameter of repos/list-deployments',
    ])
    expect(checkRequest('GET', api('/repos/acme/shop/deployments/abc/statuses'), undefined).problems).toEqual([
      'GET /repos/acme/shop/deployments/abc/statuses: path {deployment_id} must be integer',
    ])
    const wrongState = checkRequest('POST', api('/repos/acme/shop/deployments/5/statuses'), { state: 'done' }).problems
    expect(wrongState).toEqual([
      expect.stringMatching(/^POST \/repos\/acme\/shop\/deployments\/5\/statuses: body\/state must be equal to one of the allowed values/),
    ])
  })

  it("checks an answer against the operation's response schema", () => {
    const { matched } = checkRequest('GET', api('/repos/acme/shop/pulls/7'), undefined)
    expect(matched?.checkAnswer(200, { number: 7, state: 'open' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^GET \/repos\/acme\/shop\/pulls\/7 → 200: answer must have required property/)]),
    )
  })
})
