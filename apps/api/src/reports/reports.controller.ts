import { Controller, Get, Header, Param, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { CompareRuns, QueryRuns, QuerySweep, RunCheck } from '#experiments';
import { Public } from '../auth/caller.js';
import { HttpErrorFilter } from '../errors/http-error.filter.js';
import { selector } from '../rest/compare.controller.js';
import { ReportLinks } from './report-links.js';
import { checkPage, comparePage, experimentPage, runPage } from './report-pages.js';

/**
 * HTML reports with server-rendered charts, one page per run, experiment (sweep), comparison and
 * CI check. Opened through the signed reportUrl the API returns (browsers cannot send a bearer
 * token with a link): the link names the project, and the page shows only that project's objects.
 */
@ApiExcludeController()
@Controller('reports')
@Public()
@UseFilters(HttpErrorFilter)
export class ReportsController {
  constructor(
    private readonly links: ReportLinks,
    private readonly runs: QueryRuns,
    private readonly sweeps: QuerySweep,
    private readonly compareRuns: CompareRuns,
    private readonly checks: RunCheck,
  ) {}

  @Get('runs/:id')
  @Header('content-type', 'text/html; charset=utf-8')
  async run(@Req() req: Request, @Param('id') id: string): Promise<string> {
    const projectId = this.access(req);
    const run = await this.runs.run(projectId, id);
    const experiment = await this.runs.experiment(projectId, run.experimentId);
    return runPage(run, experiment.name);
  }

  @Get('experiments/:id')
  @Header('content-type', 'text/html; charset=utf-8')
  async experiment(@Req() req: Request, @Param('id') id: string): Promise<string> {
    const projectId = this.access(req);
    const [experiment, status, rows] = await Promise.all([this.runs.experiment(projectId, id), this.sweeps.status(projectId, id), this.sweeps.table(projectId, id)]);
    return experimentPage(experiment, status, rows);
  }

  @Get('compare/:baseline/:candidate')
  @Header('content-type', 'text/html; charset=utf-8')
  async compare(@Req() req: Request, @Param('baseline') baseline: string, @Param('candidate') candidate: string): Promise<string> {
    const projectId = this.access(req);
    const comparison = await this.compareRuns.execute(projectId, selector(baseline, 'baseline'), selector(candidate, 'candidate'));
    return comparePage(comparison, baseline, candidate);
  }

  @Get('checks/:id')
  @Header('content-type', 'text/html; charset=utf-8')
  async check(@Req() req: Request, @Param('id') id: string): Promise<string> {
    const projectId = this.access(req);
    const check = await this.checks.get(projectId, id);
    return checkPage(check, this.links.experiment(req, projectId, check.experimentId));
  }

  /** The project the link was signed for (the path as sent, so an edited link fails). */
  private access(req: Request): string {
    return this.links.verify(new URL(req.originalUrl, 'http://x').pathname, req.query);
  }
}
