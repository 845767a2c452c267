import { Controller, Get, HttpCode, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import { ReportLinks } from '../reports/report-links.js';

import { CancelRun, encodeCursor, QueryRuns } from '#experiments';
import { HttpErrorFilter } from '../errors/http-error.filter.js';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { runView } from '../views.js';
import { ProjectId, RequiresScope } from '../auth/caller.js';

/** Query strings repeat a key for a list (`?tag=a&tag=b`) or separate with commas (`?status=QUEUED,RUNNING`). */
function list(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

function date(v: string | undefined): Date | undefined {
  return v === undefined ? undefined : new Date(v);
}

@Controller('v1/runs')
@UseFilters(HttpErrorFilter)
export class RunsController {
  constructor(
    private readonly query: QueryRuns,
    private readonly cancel: CancelRun,
    private readonly links: ReportLinks,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Runs of the project, newest first or by a metric, with cursors' })
  @ApiQuery({ name: 'status', required: false, description: 'QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED (comma-separated or repeated)' })
  @ApiQuery({ name: 'tag', required: false, isArray: true, description: 'runs of experiments with every one of these tags' })
  @ApiQuery({ name: 'where', required: false, isArray: true, description: 'metric ranges, e.g. latencyUs.get.p99<10' })
  @ApiQuery({ name: 'orderBy', required: false, description: 'createdAt or a metric name' })
  @ApiQuery({ name: 'direction', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'limit', required: false, description: '1–100 (default 20)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'systemPath', required: false })
  @ApiQuery({ name: 'workloadKind', required: false })
  @ApiQuery({ name: 'experimentId', required: false })
  @ApiQuery({ name: 'createdAfter', required: false })
  @ApiQuery({ name: 'createdBefore', required: false })
  async list(@ProjectId() projectId: string, @Query() q: Record<string, string | string[] | undefined>) {
    const one = (k: string) => (Array.isArray(q[k]) ? q[k][0] : q[k]);
    const limit = one('limit');
    const page = await this.query.page(projectId, {
      status: list(q.status),
      tags: list(q.tag),
      systemPath: one('systemPath'),
      workloadKind: one('workloadKind'),
      experimentId: one('experimentId'),
      createdAfter: date(one('createdAfter')),
      createdBefore: date(one('createdBefore')),
      where: list(q.where),
      orderBy: one('orderBy'),
      direction: one('direction') === 'asc' ? 'asc' : 'desc',
      first: limit === undefined ? undefined : Number(limit),
      after: one('cursor'),
    });
    return {
      items: page.runs.map(runView),
      nextCursor: page.hasNextPage ? encodeCursor(page.cursors.at(-1)!) : null,
      totalCount: page.totalCount,
    };
  }

  @Get(':id')
  async get(@ProjectId() projectId: string, @Param('id') id: string, @Req() req: Request) {
    return { ...runView(await this.query.run(projectId, id)), reportUrl: this.links.run(req, projectId, id) };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequiresScope('submit')
  async cancelRun(@ProjectId() projectId: string, @Param('id') id: string) {
    return runView(await this.cancel.execute(projectId, id));
  }
}
