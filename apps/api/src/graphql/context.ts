import type { Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';

/** What resolvers, guards and DataLoaders find in the GraphQL context, over HTTP and graphql-ws alike. */
export interface GraphQLContext {
  req: Request | SocketRequest;
  res?: Response | NoResponse;
}

/**
 * A graphql-ws subscription's stand-in for an HTTP request: the token comes from the connection's
 * init payload ({ authorization: 'Bearer …' }, since browsers cannot set headers on a WebSocket),
 * so the same guards check it and a new one is made per operation.
 */
interface SocketRequest {
  headers: { authorization?: string };
  ip?: string;
  res: NoResponse;
}

/** Rate-limit headers have nowhere to go on a socket. */
interface NoResponse {
  header(): void;
  setHeader(): void;
}

interface WsContext {
  connectionParams?: Record<string, unknown>;
  extra?: { request?: IncomingMessage };
}

export function graphqlContext(arg: { req: Request; res: Response } | WsContext): GraphQLContext {
  if ('req' in arg) return { req: arg.req, res: arg.res };
  const auth = arg.connectionParams?.authorization ?? arg.connectionParams?.Authorization;
  const res: NoResponse = { header: () => undefined, setHeader: () => undefined };
  return { req: { headers: { authorization: typeof auth === 'string' ? auth : undefined }, ip: arg.extra?.request?.socket.remoteAddress, res }, res };
}
