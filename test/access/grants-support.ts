/**
 * For authorization tests: people inserted directly (no passkey ceremony), bootstrap grants, and a
 * resolver that authenticates by a test header but authorizes through the real grants and
 * conditions (grantedPrincipal), exactly as a session or a signed request does.
 */
import { authzDb, grantedPrincipal } from '../../src/access/authz/index.ts';
import { insertGrant } from '../../src/access/grants/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import type { TestServer } from '../support/server.ts';

export async function addPerson(ledger: Ledger, id: string, name: string): Promise<string> {
  await authzDb(ledger.store.db)
    .insertInto('people')
    .values({
      id,
      name,
      user_handle: `h_${id}`,
      status: 'active',
      created_at: ledger.clock.now().toISOString(),
    })
    .execute();
  return `user:${id}`;
}

/** An active grant made outside the four-eyes flow (as the first administrator's enrollment does). */
export async function bootstrapGrant(ledger: Ledger, principal: string, role: string, privileged = true) {
  await ledger.transact(async (tx) => {
    const grant = await insertGrant(tx.db, {
      principal,
      role,
      status: 'active',
      privileged,
      requestedBy: 'test:bootstrap',
      approvedBy: 'test:bootstrap',
      now: ledger.clock.now().toISOString(),
    });
    tx.audit({
      actor: 'system',
      action: 'access.grant.requested',
      subject: principal,
      payload: { grant, role },
    });
  });
}

/** `x-test-principal: user:…` names the caller; what it may do comes from its grants. */
export function grantsResolver(srv: () => TestServer) {
  return async (req: { headers: Record<string, unknown> }) => {
    const id = req.headers['x-test-principal'];
    if (typeof id !== 'string') return undefined;
    return grantedPrincipal(srv().app.ledger, { id, kind: 'user' });
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; message: string; details?: Record<string, unknown> };
  };
}

export function caller(srv: () => TestServer) {
  return async (method: string, path: string, as: string | undefined, body?: unknown): Promise<Answer> => {
    const r = await fetch(`${srv().url}${path}`, {
      method,
      headers: {
        ...(as ? { 'x-test-principal': as } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as Answer['body'] };
  };
}
