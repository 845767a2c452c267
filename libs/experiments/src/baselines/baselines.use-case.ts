import { Injectable } from '@nestjs/common';
import { CiRepository, RunRepository, type Baseline } from '#persistence';
import { AppError, assertId, badInput, notFound } from '../errors.js';

const NAME = /^[A-Za-z0-9][\w./-]{0,99}$/;

/** Named baselines: `main` points at the experiment (or sweep point) CI compares against. */
@Injectable()
export class Baselines {
  constructor(
    private readonly ci: CiRepository,
    private readonly runs: RunRepository,
  ) {}

  /** Points `name` at an experiment (a sweep, or one of its points); moves it if it exists. */
  async set(projectId: string, name: string, experimentId: string, point?: number | null): Promise<Baseline> {
    if (!NAME.test(name)) throw badInput([{ path: 'name', message: 'must be 1–100 letters, digits, and . _ / - (e.g. main, release/1.2)' }]);
    assertId(experimentId, 'experiment');
    const runs = await this.runs.findByExperiment(experimentId, projectId, point ?? undefined);
    if (runs.length === 0 && (point === undefined || point === null)) throw notFound('experiment', experimentId);
    if (runs.length === 0) throw badInput([{ path: 'point', message: `experiment ${experimentId} has no point ${point}` }]);
    return this.ci.setBaseline(projectId, name, experimentId, point ?? null);
  }

  async get(projectId: string, name: string): Promise<Baseline> {
    const baseline = await this.ci.findBaseline(projectId, name);
    if (!baseline) throw new AppError('NOT_FOUND', `no baseline named '${name}'; set one with PUT /v1/baselines/${name} {"experimentId": ...}`);
    return baseline;
  }
}
