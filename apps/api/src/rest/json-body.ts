import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { badInput } from '#experiments';

/**
 * The request's JSON body. An empty body or one that is not JSON is refused with 400: a CI script
 * that sends nothing by mistake must not run the default experiment (`{"spec": {}}` asks for it).
 */
export const JsonBody = createParamDecorator((_: unknown, context: ExecutionContext): unknown => {
  const req = context.switchToHttp().getRequest<Request>();
  if (!req.is('application/json')) {
    throw badInput([{ path: '(body)', message: `send JSON with Content-Type: application/json (got ${req.headers['content-type'] ?? 'none'})` }]);
  }
  if (req.headers['content-length'] === '0' || req.body === undefined) {
    throw badInput([{ path: '(body)', message: 'the body is empty; send a JSON object (e.g. {"spec": {}} runs the defaults)' }]);
  }
  return req.body;
});
