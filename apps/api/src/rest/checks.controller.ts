import { Controller, Get, Headers, Param, Post, Query, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import type { Check } from '#persistence';
import { badInput, RunCheck } from '#experiments';
import { ApiBody, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { HttpErrorFilter } from '../errors/http-error.filter.js';
import { JsonBody } from './json-body.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { checkJUnit, checkMarkdown, checkView } from './check-report.js';
import { ReportLinks } from '../reports/report-links.js';
import { ProjectId, RequiresScope } from '../auth/caller.js';

/** How long `wait: true` holds the request before answering 202 with the check still pending. */
const WAIT_MS = 10 * 60_000;

type Format = 'json' | 'junit' | 'markdown';

function formatOf(query: string | undefined, accept: string | undefined): Format {
  if (query !== undefined) {
    if (query === 'json' || query === 'junit' || query === 'markdown') return query;
    throw badInput([{ path: 'format', message: `must be json, junit or markdown (got ${JSON.stringify(query)})` }]);
  }
  if (accept?.includes('xml')) return 'junit';
  if (accept?.includes('markdown')) return 'markdown';
  return 'json';
}

/** The CI gate: run a candidate against a named baseline and answer pass / fail / error. */
@Controller('v1/checks')
@UseFilters(HttpErrorFilter)
export class ChecksController {
  constructor(
    private readonly checks: RunCheck,
    private readonly links: ReportLinks,
  ) {}

  /** 201 with the verdict when it is in (at once, or after `wait`); 202 while it is pending. */
  @Post()
  @ApiOperation({ summary: 'Run a spec or a sweep and compare it with a baseline under thresholds: PASS / FAIL / ERROR' })
  @ApiBody({ schema: { type: 'object', required: ['baseline'], properties: { spec: { type: 'object', description: 'An experiment spec (EXPERIMENT-SPEC.md); {} runs the defaults' }, sweep: { type: 'object' }, baseline: { type: 'string', example: 'main' }, thresholds: { type: 'object', example: { 'latencyUs.all.p99': '+5%' } }, metrics: { type: 'array', items: { type: 'string' } }, wait: { type: 'boolean', default: false }, cache: { type: 'boolean', default: true } } } })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'junit', 'markdown'] })
  @RequiresScope('submit')
  @UseInterceptors(IdempotencyInterceptor)
  async create(@ProjectId() projectId: string, @JsonBody() body: unknown, @Query('format') format: string | undefined, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const fmt = formatOf(format, accept);
    const created = await this.checks.create(projectId, body);
    const check = created.wait ? await this.checks.waitFor(projectId, created.check, WAIT_MS) : created.check;
    res.location(`/v1/checks/${check.id}`);
    return this.send(check, fmt, res, check.status === 'PENDING' ? 202 : 201, this.links.check(res.req, projectId, check.id));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A check and its verdict (JSON, JUnit XML or Markdown)' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'junit', 'markdown'] })
  async get(@ProjectId() projectId: string, @Param('id') id: string, @Query('format') format: string | undefined, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    return this.send(await this.checks.get(projectId, id), formatOf(format, accept), res, 200, this.links.check(res.req, projectId, id));
  }

  private send(check: Check, format: Format, res: Response, status: number, reportUrl: string) {
    res.status(status);
    switch (format) {
      case 'json':
        return checkView(check, reportUrl);
      case 'junit':
        res.type('application/xml');
        return checkJUnit(check);
      case 'markdown':
        res.type('text/markdown');
        return checkMarkdown(check, reportUrl);
    }
  }
}
