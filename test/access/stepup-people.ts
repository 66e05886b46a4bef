/** People over HTTP for step-up tests: enroll with a software authenticator, call with the session. */

import { createRole, listRoles } from '../../src/access/authz/index.ts';
import { activeRolesOf, approveGrant, listGrants, requestGrant } from '../../src/access/grants/index.ts';
import { issueFirstAdminEnrollment, issueInvitation } from '../../src/access/people/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import type { TestServer } from '../support/server.ts';
import { SoftAuthenticator } from './passkeys-authenticator.ts';

export interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; details?: Record<string, unknown> } };
  headers: Headers;
}

export class Person {
  cookie = '';
  csrf = '';
  id = '';
  readonly auth: SoftAuthenticator;
  constructor(
    readonly srv: TestServer,
    readonly name: string,
  ) {
    this.auth = new SoftAuthenticator(srv.app.baseUrl());
  }

  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers['cookie'] = this.cookie;
    if (this.csrf) headers['x-csrf-token'] = this.csrf;
    const r = await fetch(`${this.srv.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as Answer['body'], headers: r.headers };
  }

  /** Enroll (first administrator, or invited with these roles) and keep the session. */
  async enroll(roles?: string[]): Promise<this> {
    const { token } = roles
      ? await issueInvitation(this.srv.app.access, { roles, actor: 'system' })
      : await issueFirstAdminEnrollment(this.srv.app.access);
    const opts = await this.call('POST', '/api/v1/access/enroll/options', { token, name: this.name });
    if (opts.status !== 200) throw new Error(`enroll options: ${JSON.stringify(opts.body)}`);
    const response = this.auth.register(opts.body['options'] as never);
    const done = await fetch(`${this.srv.url}/api/v1/access/enroll/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, challengeId: opts.body['challengeId'], response }),
    });
    const body = (await done.json()) as { csrfToken: string; person: { id: string } };
    if (done.status !== 200) throw new Error(`enroll: ${JSON.stringify(body)}`);
    this.cookie = done.headers.get('set-cookie')!.split(';')[0]!;
    this.csrf = body.csrfToken;
    this.id = body.person.id;
    await approvePending(this.srv.app.ledger, `user:${this.id}`);
    return this;
  }

  /** Options for this action, answered by this person's authenticator (or `answerer`). */
  async stepUp(action: Record<string, unknown>, answerer = this.auth) {
    const o = await this.call('POST', '/api/v1/access/stepup/options', { action });
    if (o.status !== 200) throw new Error(`step-up options: ${JSON.stringify(o.body)}`);
    return {
      challengeId: o.body['challengeId'] as string,
      response: answerer.assert(o.body['options'] as never),
    };
  }
}

/**
 * A privileged role from an invitation waits for a second administrator (four eyes, tested in
 * grants-four-eyes and on the Access page); step-up tests approve it as that administrator would.
 */
export async function approvePending(ledger: Ledger, principal: string): Promise<void> {
  for (const g of await listGrants(ledger, { principal, status: 'pending' }))
    await approveGrant(ledger, { id: g.id, actor: 'user:second-administrator' });
  // The default transaction policy takes approvals from `treasury` (custody checks the approver
  // holds one of the policy's roles): approvers here are also in treasury, granted with four eyes.
  if ((await activeRolesOf(ledger, principal)).includes('approver')) {
    if (!(await listRoles(ledger)).some((r) => r.name === 'treasury'))
      await createRole(ledger, {
        name: 'treasury',
        permissions: ['access:self', 'custody:read', 'custody:analyze', 'custody:approve', 'ledger:read'],
        actor: 'user:first-administrator',
      });
    const g = await requestGrant(ledger, { principal, role: 'treasury', actor: 'user:first-administrator' });
    await approveGrant(ledger, { id: g.id, actor: 'user:second-administrator' });
  }
}
