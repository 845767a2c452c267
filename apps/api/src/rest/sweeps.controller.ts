import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ReportLinks } from '../reports/report-links.js';

import { QueryRuns, QuerySweep, SubmitSweep } from '#experiments';
import { ApiBody, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { HttpErrorFilter } from '../errors/http-error.filter.js';
import { JsonBody } from './json-body.js';
import { experimentView } from '../views.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { ProjectId, RequiresScope } from '../auth/caller.js';

/** Sweeps for CI: submit a grid, poll its status, read its table. */
@Controller('v1/sweeps')
@UseFilters(HttpErrorFilter)
export class SweepsController {
  constructor(
    private readonly submit: SubmitSweep,
    private readonly query: QueryRuns,
    private readonly sweeps: QuerySweep,
    private readonly links: ReportLinks,
  ) {}

  /** 202: stored and queued. The body lists the points, not the (possibly thousands of) runs. */
  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Store and queue the cartesian product of the axes over a base spec' })
  @ApiBody({ schema: { type: 'object', required: ['axes'], properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, base: { type: 'object', description: 'An experiment spec (EXPERIMENT-SPEC.md); {} runs the defaults' }, axes: { type: 'array', items: { type: 'object', required: ['path', 'values'], properties: { path: { type: 'string', example: 'hardware.cpu.cores' }, values: { type: 'array', items: {} } } } }, replications: { type: 'integer' }, cache: { type: 'boolean', default: true } } } })
  @RequiresScope('submit')
  @UseInterceptors(IdempotencyInterceptor)
  async create(@ProjectId() projectId: string, @JsonBody() body: unknown, @Res({ passthrough: true }) res: Response) {
    const experiment = await this.submit.execute(projectId, body);
    res.location(`/v1/sweeps/${experiment.id}`);
    const { runs, ...view } = experimentView(experiment);
    return { ...view, reportUrl: this.links.experiment(res.req, projectId, experiment.id), points: new Set(runs.map((r) => r.point)).size, runs: runs.length, status: await this.sweeps.status(projectId, experiment.id) };
  }

  /** Status and table; `?metric=` (repeatable) picks the table's metrics. */
  @Get(':id')
  @ApiOperation({ summary: 'Status (counts, progress, time left) and the table: one row per point, replications aggregated' })
  @ApiQuery({ name: 'metric', required: false, isArray: true, description: 'metrics of the table (default: throughput, mean and p99 latency)' })
  async get(@ProjectId() projectId: string, @Param('id') id: string, @Req() req: Request, @Query('metric') metric?: string | string[]) {
    const experiment = await this.query.experiment(projectId, id);
    const { runs, ...view } = experimentView(experiment);
    const metrics = metric === undefined ? undefined : Array.isArray(metric) ? metric : metric.split(',');
    return { ...view, reportUrl: this.links.experiment(req, projectId, id), runs: runs.length, status: await this.sweeps.status(projectId, id), table: await this.sweeps.table(projectId, id, metrics) };
  }
}
