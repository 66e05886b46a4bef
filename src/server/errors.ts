/**
 * Every error leaves as `{ error: { code, message, details? } }`: never a stack trace, never a
 * secret. Validation failures name the field that was wrong.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isRampartError } from '../core/index.ts';

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => {
        const where = `${err.validationContext ?? 'request'}${v.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`;
        return { path: where, message: v.message ?? 'invalid' };
      });
      return reply.code(400).send({
        error: {
          code: 'REQUEST_INVALID',
          message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
          details: { issues },
        },
      });
    }
    if (isRampartError(err)) {
      if (err.status >= 500) req.log.error({ code: err.code, msg: err.message }, 'request failed');
      // 429 (lock-out, rate limits): RFC 9110 §10.2.3 Retry-After, in seconds.
      const retry = err.details?.['retryAfterSeconds'];
      if (err.status === 429 && typeof retry === 'number') reply.header('retry-after', String(retry));
      return reply.code(err.status).send({ error: err.toJSON() });
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply
        .code(err.statusCode)
        .send({ error: { code: err.code ?? 'REQUEST_INVALID', message: err.message } });
    }
    req.log.error({ err }, 'unexpected error');
    return reply
      .code(500)
      .send({ error: { code: 'INTERNAL', message: 'internal error; see the server log' } });
  });
}
