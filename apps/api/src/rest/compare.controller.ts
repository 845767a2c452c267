import { Controller, Get, Query, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import { ReportLinks } from '../reports/report-links.js';

import { badInput, CompareRuns, type RunSelector } from '#experiments';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { HttpErrorFilter } from '../errors/http-error.filter.js';
import { ProjectId } from '../auth/caller.js';

/** `run:<id>`, `experiment:<id>`, `experiment:<id>:<point>` or `baseline:<name>`. */
export function selector(value: string | undefined, side: string): RunSelector {
  const named = /^baseline:([A-Za-z0-9][\w./-]*)$/.exec(value ?? '');
  if (named) return { baseline: named[1] };
  const m = /^(run|experiment):([0-9a-fA-F-]{36})(?::(\d+))?$/.exec(value ?? '');
  if (!m || (m[1] === 'run' && m[3] !== undefined)) {
    throw badInput([{ path: side, message: `must be run:<id>, experiment:<id>, experiment:<id>:<point> or baseline:<name> (got ${JSON.stringify(value ?? null)})` }]);
  }
  return m[1] === 'run' ? { runId: m[2] } : { experimentId: m[2], point: m[3] === undefined ? undefined : Number(m[3]) };
}

/** The text form of a selector, for report links; null for a baseline's point, which it cannot name. */
export function selectorText(s: RunSelector): string | null {
  if ('runId' in s) return `run:${s.runId}`;
  if ('experimentId' in s) return `experiment:${s.experimentId}${s.point === undefined ? '' : `:${s.point}`}`;
  return s.point === undefined ? `baseline:${s.baseline}` : null;
}

@Controller('v1/compare')
@UseFilters(HttpErrorFilter)
export class CompareController {
  constructor(
    private readonly compareRuns: CompareRuns,
    private readonly links: ReportLinks,
  ) {}

  /** GET /v1/compare?baseline=run:ID&candidate=experiment:ID:3&metric=latencyUs.all.p99&metric=throughputOpsPerSec */
  @Get()
  @ApiOperation({ summary: "Baseline against candidate per metric: 95% CIs, change, Welch's t-test, verdict" })
  @ApiQuery({ name: 'baseline', description: 'run:ID, experiment:ID, experiment:ID:POINT or baseline:NAME' })
  @ApiQuery({ name: 'candidate', description: 'as baseline' })
  @ApiQuery({ name: 'metric', required: false, isArray: true })
  async compare(@ProjectId() projectId: string, @Req() req: Request, @Query('baseline') baseline?: string, @Query('candidate') candidate?: string, @Query('metric') metric?: string | string[]) {
    const metrics = metric === undefined ? undefined : (Array.isArray(metric) ? metric : [metric]).flatMap((m) => m.split(','));
    const comparison = await this.compareRuns.execute(projectId, selector(baseline, 'baseline'), selector(candidate, 'candidate'), metrics);
    return { ...comparison, reportUrl: this.links.compare(req, projectId, baseline!, candidate!) };
  }
}
