import DataLoader from 'dataloader';
import { notFound, type QueryRuns } from '#experiments';
import type { ExperimentWithRuns } from '#persistence';
import type { AuthedRequest } from '../auth/caller.js';

/**
 * Loads the experiments of one GraphQL request in one query: a page of runs asking for each run's
 * experiment costs one round trip, not one per run. Kept on the request, so it lives as long as
 * the request and serves only its caller's project.
 */
const loaders = new WeakMap<AuthedRequest, DataLoader<string, ExperimentWithRuns>>();

export function experimentLoader(req: AuthedRequest, query: QueryRuns): DataLoader<string, ExperimentWithRuns> {
  const existing = loaders.get(req);
  if (existing) return existing;
  const projectId = req.caller!.projectId;
  // DataLoader takes an Error in a key's place as that key's failure.
  const loader = new DataLoader<string, ExperimentWithRuns>(async (ids) =>
    (await query.experimentsByIds(projectId, ids)).map((e, i): ExperimentWithRuns | Error => e ?? notFound('experiment', ids[i])),
  );
  loaders.set(req, loader);
  return loader;
}
