import { SingleBar } from 'cli-progress';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface LiveStatus {
  counts: { QUEUED: number; RUNNING: number; SUCCEEDED: number; FAILED: number; CANCELLED: number };
  total: number;
  progress: number;
  estimatedSecondsLeft: number | null;
}

const PROGRESS = `subscription($id: ID!) {
  experimentProgress(id: $id) { counts { QUEUED RUNNING SUCCEEDED FAILED CANCELLED } total progress estimatedSecondsLeft }
}`;

/**
 * Follows an experiment (or sweep) over the API's graphql-ws subscription until no run is left,
 * drawing a progress bar on standard error when it is a terminal (a log line per change when it
 * is not, e.g. in CI). Returns the last status.
 */
export async function watchProgress(api: string, token: string | undefined, experimentId: string, label: string): Promise<LiveStatus> {
  const client = createClient({
    url: `${api.replace(/\/$/, '').replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 5,
  });
  const tty = process.stderr.isTTY;
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {done}/{total} runs | {failed} failed | {eta_text}`,
    stream: process.stderr,
    hideCursor: true,
  });
  let last: LiveStatus | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      client.subscribe<{ experimentProgress: LiveStatus }>(
        { query: PROGRESS, variables: { id: experimentId } },
        {
          next: (message) => {
            if (message.errors?.length) return reject(new Error(message.errors.map((e) => e.message).join('; ')));
            const s = message.data!.experimentProgress;
            const fields = { done: s.counts.SUCCEEDED + s.counts.FAILED + s.counts.CANCELLED, failed: s.counts.FAILED, eta_text: s.estimatedSecondsLeft === null ? 'estimating' : `~${Math.ceil(s.estimatedSecondsLeft)} s left` };
            const permille = Math.round(s.progress * 1000);
            if (tty) {
              if (!last) bar.start(1000, permille, { ...fields, total: s.total });
              else bar.update(permille, fields);
            } else {
              process.stderr.write(`${label}: ${fields.done}/${s.total} runs done, ${fields.failed} failed, ${fields.eta_text}\n`);
            }
            last = s;
          },
          error: (err) => reject(err instanceof Error ? err : new Error(`the live connection to ${api} failed`)),
          complete: resolve,
        },
      );
    });
  } finally {
    if (tty && last) bar.stop();
    await client.dispose();
  }
  if (!last) throw new Error(`no progress for experiment ${experimentId}`);
  return last;
}
