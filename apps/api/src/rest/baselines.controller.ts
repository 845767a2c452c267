import { Controller, Get, Param, Put, UseFilters } from '@nestjs/common';
import { z } from 'zod';
import { badInput, Baselines } from '#experiments';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { HttpErrorFilter } from '../errors/http-error.filter.js';
import { JsonBody } from './json-body.js';
import { ProjectId, RequiresScope } from '../auth/caller.js';

const body = z.object({ experimentId: z.string(), point: z.number().int().min(0).nullable().optional() }).strict();

@Controller('v1/baselines')
@UseFilters(HttpErrorFilter)
export class BaselinesController {
  constructor(private readonly baselines: Baselines) {}

  /** Points (or moves) the baseline at an experiment: `{"experimentId": "...", "point"?: n}`. */
  @Put(':name')
  @ApiOperation({ summary: 'Point (or move) a baseline at an experiment or a sweep point' })
  @ApiBody({ schema: { type: 'object', required: ['experimentId'], properties: { experimentId: { type: 'string', format: 'uuid' }, point: { type: 'integer', nullable: true } } } })
  @RequiresScope('submit')
  async set(@ProjectId() projectId: string, @Param('name') name: string, @JsonBody() input: unknown) {
    const parsed = body.safeParse(input ?? {});
    if (!parsed.success) throw badInput(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })));
    return this.baselines.set(projectId, name, parsed.data.experimentId, parsed.data.point);
  }

  @Get(':name')
  get(@ProjectId() projectId: string, @Param('name') name: string) {
    return this.baselines.get(projectId, name);
  }
}
