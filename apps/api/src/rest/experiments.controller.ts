import { Controller, Get, HttpCode, Param, Post, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { QueryRuns, SubmitExperiment } from '#experiments';
import { HttpErrorFilter } from '../errors/http-error.filter.js';
import { JsonBody } from './json-body.js';
import { experimentView } from '../views.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { ProjectId, RequiresScope } from '../auth/caller.js';

@Controller('v1/experiments')
@UseFilters(HttpErrorFilter)
export class ExperimentsController {
  constructor(
    private readonly submit: SubmitExperiment,
    private readonly query: QueryRuns,
  ) {}

  /** 202: stored and queued; poll GET /v1/runs/:id (or the Location) until the runs finish. */
  @Post()
  @HttpCode(202)
  @RequiresScope('submit')
  @UseInterceptors(IdempotencyInterceptor)
  async create(@ProjectId() projectId: string, @JsonBody() body: unknown, @Res({ passthrough: true }) res: Response) {
    const experiment = await this.submit.execute(projectId, body);
    res.location(`/v1/experiments/${experiment.id}`);
    return experimentView(experiment);
  }

  @Get(':id')
  async get(@ProjectId() projectId: string, @Param('id') id: string) {
    return experimentView(await this.query.experiment(projectId, id));
  }
}
