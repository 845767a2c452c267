import { Body, Controller, Get, HttpCode, Param, Post, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { QueryRuns, SubmitExperiment } from '#experiments';
import { HttpErrorFilter } from '../errors/http-error.filter.js';
import { experimentView } from '../views.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';

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
  @UseInterceptors(IdempotencyInterceptor)
  async create(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const experiment = await this.submit.execute(body);
    res.location(`/v1/experiments/${experiment.id}`);
    return experimentView(experiment);
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return experimentView(await this.query.experiment(id));
  }
}
