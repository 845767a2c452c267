import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { loadConfig } from '#config';
import { describeError, type ErrorBody } from '#experiments';

const HTTP_CODES: Record<number, ErrorBody['code']> = {
  400: 'BAD_USER_INPUT',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/**
 * REST errors as `{ error: { code, message, problems? } }` with the status the code maps to.
 * Global, so errors before any controller (a body over the size limit, an unknown route) get the
 * same shape; GraphQL's errors are left to Apollo's formatError.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      // Nest's own: an unknown route, a body that is not JSON, a payload over the size limit.
      const status = exception.getStatus();
      const code = HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT');
      const detail = exception.getResponse();
      const message = typeof detail === 'object' && detail !== null && 'message' in detail ? String(detail.message) : exception.message;
      const said =
        status === 400
          ? `malformed request: ${message}`
          : status === 413
            ? `the request body is over the limit of ${loadConfig().MAX_BODY_BYTES.toLocaleString('en-US')} bytes (MAX_BODY_BYTES)`
            : message;
      res.status(status).json({ error: { code, message: said } });
      return;
    }
    const { status, body, internal } = describeError(exception);
    if (internal) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    res.status(status).json({ error: body });
  }
}
