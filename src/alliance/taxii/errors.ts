/**
 * TAXII 2.1 error messages (§3.6.1 "error" resource: title required; description, error_id,
 * error_code, http_status, external_details, details). Rampart's stable error code travels as
 * `error_code`; the house error shape `error: {code, message}` rides along (a custom property, as
 * TAXII resources may carry), so one client handles Rampart and TAXII errors alike. Nothing else
 * (no stack, no secret) leaves.
 */
import type { FastifyError } from 'fastify';
import { isRampartError } from '../../core/index.ts';

export interface TaxiiErrorResource {
  title: string;
  description?: string;
  error_code?: string;
  http_status: string;
  details?: Record<string, unknown>;
  error: { code: string; message: string };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
};

export function toTaxiiError(err: unknown): { status: number; body: TaxiiErrorResource } {
  if (isRampartError(err)) {
    const status = err.status;
    return {
      status,
      body: {
        title: TITLES[status] ?? 'Error',
        description: err.message,
        error_code: err.code,
        http_status: String(status),
        ...(err.details ? { details: err.details } : {}),
        error: { code: err.code, message: err.message },
      },
    };
  }
  const e = err as FastifyError;
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const status = e.statusCode;
    const code =
      e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'TAXII_BODY_TOO_LARGE'
        : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'TAXII_MEDIA_TYPE_UNSUPPORTED'
          : 'REQUEST_INVALID';
    return {
      status,
      body: {
        title: TITLES[status] ?? 'Error',
        description: e.message,
        error_code: code,
        http_status: String(status),
        error: { code, message: e.message },
      },
    };
  }
  return {
    status: 500,
    body: {
      title: TITLES[500]!,
      description: 'internal error; see the server log',
      error_code: 'INTERNAL',
      http_status: '500',
      error: { code: 'INTERNAL', message: 'internal error; see the server log' },
    },
  };
}
