import { Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ReportLinks } from '../reports/report-links.js';

import { QueryRuns, SubmitExperiment } from '#experiments';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
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
    private readonly links: ReportLinks,
  ) {}

  /** 202: stored and queued; poll GET /v1/runs/:id (or the Location) until the runs finish. */
  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Store and queue an experiment (one run per replication); Idempotency-Key honoured' })
  @ApiBody({ schema: { type: 'object', required: ['spec'], properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, spec: { type: 'object', description: 'An experiment spec (EXPERIMENT-SPEC.md); {} runs the defaults' }, cache: { type: 'boolean', default: true } } } })
  @RequiresScope('submit')
  @UseInterceptors(IdempotencyInterceptor)
  async create(@ProjectId() projectId: string, @JsonBody() body: unknown, @Res({ passthrough: true }) res: Response) {
    const experiment = await this.submit.execute(projectId, body);
    res.location(`/v1/experiments/${experiment.id}`);
    return { ...experimentView(experiment), reportUrl: this.links.experiment(res.req, projectId, experiment.id) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'An experiment and its runs' })
  async get(@ProjectId() projectId: string, @Param('id') id: string, @Req() req: Request) {
    return { ...experimentView(await this.query.experiment(projectId, id)), reportUrl: this.links.experiment(req, projectId, id) };
  }
}
