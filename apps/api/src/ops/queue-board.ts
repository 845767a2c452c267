import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { ProjectRepository } from '#persistence';
import { QueueName } from '#queue';
import { bearerToken, grants } from '../auth/caller.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues: the runs and webhooks queues, their jobs and failures, for
 * operators. It is a browser page whose own requests carry no bearer token, so it also takes the
 * admin token as the password of HTTP Basic auth (any user name): the browser asks for it once.
 */
export function mountQueueBoard(app: NestExpressApplication): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [QueueName.Runs, QueueName.Webhooks].map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }))),
    serverAdapter,
  });
  app.use(QUEUE_BOARD_PATH, adminOnly(app.get(ProjectRepository)), serverAdapter.getRouter());
}

function adminOnly(projects: ProjectRepository) {
  return (req: Request, res: Response, next: NextFunction) => {
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearerToken(req.headers.authorization) ?? (basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined);
    const refuse = (status: number, code: string, message: string) => {
      if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="iopath queues", charset="UTF-8"');
      res.status(status).json({ error: { code, message } });
    };
    if (!token) return refuse(401, 'UNAUTHENTICATED', 'the queue board needs an admin token: as the password of HTTP Basic auth (any user name) or as a bearer token');
    projects.findToken(token).then(
      (record) => {
        if (!record) return refuse(401, 'UNAUTHENTICATED', 'this API token is unknown or revoked');
        if (!grants(record.scopes, 'admin')) return refuse(403, 'FORBIDDEN', `this token's scopes are [${record.scopes.join(', ')}]; the queue board needs admin`);
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
