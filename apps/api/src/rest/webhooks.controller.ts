import { Controller, Delete, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { deliveryView, WEBHOOK_EVENTS, Webhooks, webhookView } from '#experiments';
import { ProjectId, RequiresScope } from '../auth/caller.js';
import { HttpErrorFilter } from '../errors/http-error.filter.js';
import { JsonBody } from './json-body.js';

/**
 * A project's webhooks. Each completion of a run, experiment (sweep) or check POSTs a JSON payload
 * signed with the webhook's secret (X-Iopath-Signature: sha256=HMAC(secret, timestamp + '.' + body)),
 * retried with backoff until the receiver answers 2xx; every attempt is in the delivery history.
 */
@Controller('v1/webhooks')
@UseFilters(HttpErrorFilter)
export class WebhooksController {
  constructor(private readonly webhooks: Webhooks) {}

  /** 201 with the secret — the only time it is shown. */
  @Post()
  @RequiresScope('admin')
  @ApiOperation({ summary: 'Register a URL for completion events; the answer carries its signing secret, shown once' })
  @ApiBody({ schema: { type: 'object', required: ['url'], properties: { url: { type: 'string', example: 'https://ci.example.com/iopath' }, events: { type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENTS] } } } } })
  async create(@ProjectId() projectId: string, @JsonBody() body: unknown) {
    return webhookView(await this.webhooks.register(projectId, body), true);
  }

  @Get()
  @ApiOperation({ summary: "The project's webhooks (without their secrets)" })
  async list(@ProjectId() projectId: string) {
    return { items: (await this.webhooks.list(projectId)).map((w) => webhookView(w)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequiresScope('admin')
  @ApiOperation({ summary: 'Delete a webhook and its delivery history' })
  async remove(@ProjectId() projectId: string, @Param('id') id: string): Promise<void> {
    await this.webhooks.remove(projectId, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "A webhook's deliveries, newest first: event, status, attempts, the receiver's last answer" })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 50' })
  async deliveries(@ProjectId() projectId: string, @Param('id') id: string, @Query('limit') limit?: string) {
    return { items: (await this.webhooks.deliveries(projectId, id, limit === undefined ? undefined : Number(limit) || 50)).map(deliveryView) };
  }
}
