import { describe, expect, it } from 'vitest';
import { graphqlBreaks, openapiBreaks } from './breaking-changes.js';

describe('contract breaks', () => {
  it('GraphQL: a removed field or a newly required argument breaks; an added field does not', () => {
    const before = 'type Query { run(id: ID!): Run runs(first: Int): [Run] } type Run { id: ID! status: String }';
    expect(graphqlBreaks(before, 'type Query { run(id: ID!): Run runs(first: Int): [Run] } type Run { id: ID! status: String reportUrl: String }')).toEqual([]);
    expect(graphqlBreaks(before, 'type Query { run(id: ID!): Run runs(first: Int): [Run] } type Run { id: ID! }')).toEqual(['graphql: Run.status was removed.']);
    expect(graphqlBreaks(before, 'type Query { run(id: ID!): Run runs(first: Int!): [Run] } type Run { id: ID! status: String }')).toHaveLength(1);
  });

  it('OpenAPI: removed operations, newly required parameters and body fields break; new routes do not', () => {
    const op = (required: string[], params: { name: string; in: string; required?: boolean; schema?: { enum?: unknown[] } }[] = []) => ({
      parameters: params,
      requestBody: { content: { 'application/json': { schema: { required } } } },
    });
    const before = { paths: { '/v1/runs': { get: op([], [{ name: 'format', in: 'query', schema: { enum: ['json', 'junit'] } }]) }, '/v1/sweeps': { post: op(['axes']) } } };
    expect(openapiBreaks(before, { paths: { ...before.paths, '/v1/webhooks': { post: op(['url']) } } })).toEqual([]);
    expect(openapiBreaks(before, { paths: { '/v1/runs': before.paths['/v1/runs'] } })).toEqual(['openapi: POST /v1/sweeps was removed']);
    expect(openapiBreaks(before, { paths: { ...before.paths, '/v1/sweeps': { post: op(['axes', 'base']) } } })).toEqual(['openapi: POST /v1/sweeps now requires the body field base']);
    expect(
      openapiBreaks(before, { paths: { ...before.paths, '/v1/runs': { get: op([], [{ name: 'format', in: 'query', schema: { enum: ['json'] } }, { name: 'tag', in: 'query', required: true }]) } } }),
    ).toEqual(['openapi: GET /v1/runs parameter format no longer accepts "junit"', 'openapi: GET /v1/runs now requires the query parameter tag']);
  });
});
