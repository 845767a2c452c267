import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { AppConfig } from '#config';

/**
 * Refuses, before anything runs, a GraphQL document nested deeper than GRAPHQL_MAX_DEPTH or
 * costlier than GRAPHQL_MAX_COMPLEXITY (one point per field, graphql-query-complexity), naming
 * the value and the limit.
 */
/** Apollo answers an error thrown by a plugin with 500 unless told its HTTP status. */
const BAD_REQUEST = { code: 'BAD_USER_INPUT', http: { status: 400 } };

export function graphqlLimits(config: Pick<AppConfig, 'GRAPHQL_MAX_DEPTH' | 'GRAPHQL_MAX_COMPLEXITY'>): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const depth = maxDepth(document);
          if (depth > config.GRAPHQL_MAX_DEPTH) {
            throw new GraphQLError(`query depth ${depth} is over the limit of ${config.GRAPHQL_MAX_DEPTH} (GRAPHQL_MAX_DEPTH); ask for fewer nested fields`, {
              extensions: BAD_REQUEST,
            });
          }
          let complexity: number;
          try {
            complexity = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (err) {
            // Its variables do not fit the document (a required one missing, a wrong type).
            throw new GraphQLError(err instanceof Error ? err.message : String(err), { extensions: BAD_REQUEST });
          }
          if (complexity > config.GRAPHQL_MAX_COMPLEXITY) {
            throw new GraphQLError(`query complexity ${complexity} is over the limit of ${config.GRAPHQL_MAX_COMPLEXITY} (GRAPHQL_MAX_COMPLEXITY); ask for fewer fields`, {
              extensions: BAD_REQUEST,
            });
          }
        },
      };
    },
  };
}

/** The deepest field nesting of any operation in the document, through fragments. */
export function maxDepth(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!set) return 0;
    let deepest = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + depthOf(s.selectionSet, seen));
      else if (s.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(s.selectionSet, seen));
      else if (!seen.has(s.name.value)) deepest = Math.max(deepest, depthOf(fragments.get(s.name.value)?.selectionSet, new Set([...seen, s.name.value])));
    }
    return deepest;
  };
  let max = 0;
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION) max = Math.max(max, depthOf(d.selectionSet, new Set()));
  return max;
}
