import { unwrapResolverError } from '@apollo/server/errors';
import { Logger } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { describeError } from '#experiments';

const logger = new Logger('GraphQL');

/**
 * Apollo's formatError: errors of the use-cases become `extensions.code` (BAD_USER_INPUT with
 * `extensions.problems`, NOT_FOUND, CONFLICT, UNAVAILABLE); GraphQL's own errors (a bad query,
 * a variable of the wrong type) keep theirs; anything else is logged and hidden.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError) {
    // graphql-js's own errors about the document (e.g. a subscription this schema does not
    // have) come without a code; they are the caller's to fix, not internal failures.
    if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR' && !original.originalError) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    return formatted;
  }
  const { body, internal } = describeError(original);
  if (internal) logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  const { code, message, problems } = body;
  return { message, locations: formatted.locations, path: formatted.path, extensions: { code, ...(problems ? { problems } : {}) } };
}
