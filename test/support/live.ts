import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscribed<T> {
  /** Every message, in order. */
  messages: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] }[];
  /** Resolves when the server completes the subscription (or it fails). */
  done: Promise<void>;
}

/** A graphql-ws client on an API's /graphql, authenticated the way a browser would be: in the init payload. */
export function liveClient(apiUrl: string, token: string | null): Client {
  return createClient({
    url: `${apiUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
}

export function subscribe<T>(client: Client, query: string, variables: Record<string, unknown>): Subscribed<T> {
  const messages: Subscribed<T>['messages'] = [];
  const done = new Promise<void>((resolve, reject) => {
    client.subscribe<T>({ query, variables }, { next: (m) => messages.push(m as Subscribed<T>['messages'][number]), error: reject, complete: resolve });
  });
  return { messages, done };
}
