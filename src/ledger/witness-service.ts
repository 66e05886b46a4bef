/**
 * This instance as a C2SP tlog-witness: it cosigns other logs' checkpoints after checking that each
 * is consistent with the last one it cosigned for that origin, and refuses a fork (same size, other
 * root; or a proof that does not hold). The decision itself is pure (witness/decide.ts); here it
 * is made atomic with the state update, as the spec requires: one witness process, requests
 * serialised in-process, state read and written in one transaction.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { verifyConsistency } from './merkle/index.ts';
import { type Cosigner, cosignerVerifierKeyFor, type NoteVerifier, parseVerifierKey } from './note/index.ts';
import { checkpointOrigin, decideAddCheckpoint, parseAddCheckpointRequest } from './witness/index.ts';

export interface WitnessServiceOptions {
  store: Store;
  clock: Clock;
  signer: Cosigner;
  /** Logs this witness follows: origin and the log's verifier key. */
  logs: Array<{ origin: string; key: string }>;
}

export interface WitnessResponse {
  status: number;
  contentType: string;
  body: string;
  code?: string;
}

export class WitnessService {
  private readonly o: WitnessServiceOptions;
  private readonly trusted = new Map<string, NoteVerifier[]>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(o: WitnessServiceOptions) {
    this.o = o;
    for (const l of o.logs) {
      const list = this.trusted.get(l.origin) ?? [];
      list.push(parseVerifierKey(l.key));
      this.trusted.set(l.origin, list);
    }
  }

  /** The verifier key a log operator configures to accept this witness's cosignatures. */
  get verifierKey(): string {
    return cosignerVerifierKeyFor(this.o.signer);
  }

  addCheckpoint(body: string): Promise<WitnessResponse> {
    const p = this.chain.then(() => this.handle(body));
    this.chain = p.catch(() => {});
    return p;
  }

  private async handle(body: string): Promise<WitnessResponse> {
    let request: ReturnType<typeof parseAddCheckpointRequest>;
    try {
      request = parseAddCheckpointRequest(body);
    } catch (e) {
      return {
        status: 400,
        contentType: 'text/plain; charset=utf-8',
        body: `${(e as Error).message}\n`,
        code: 'WITNESS_REQUEST_MALFORMED',
      };
    }
    const origin = checkpointOrigin(request.checkpointNote);
    return this.o.store.db.transaction().execute(async (trx) => {
      const row = origin
        ? await trx
            .selectFrom('witness_state')
            .select(['size', 'root'])
            .where('origin', '=', origin)
            .executeTakeFirst()
        : undefined;
      const decision = decideAddCheckpoint({
        request,
        trustedLogs: this.trusted,
        state: row ? { size: Number(row.size), root: new Uint8Array(row.root) } : null,
        verifyConsistency,
        witnessSigner: this.o.signer,
        now: this.o.clock.now(),
      });
      if (!decision.ok)
        return {
          status: decision.status,
          contentType: decision.contentType ?? 'text/plain; charset=utf-8',
          body: decision.body ?? `${decision.message}\n`,
          code: decision.code,
        };
      const values = {
        origin: decision.origin,
        size: decision.newState.size,
        root: Buffer.from(decision.newState.root),
        note: decision.cosignedNote,
        updated_at: this.o.clock.now().toISOString(),
      };
      await trx
        .insertInto('witness_state')
        .values(values)
        .onConflict((oc) =>
          oc.column('origin').doUpdateSet({
            size: values.size,
            root: values.root,
            note: values.note,
            updated_at: values.updated_at,
          }),
        )
        .execute();
      return { status: 200, contentType: 'text/plain; charset=utf-8', body: decision.cosignatureLine };
    });
  }
}

export const witnessRoutes: FastifyPluginAsync<{ witness: WitnessService }> = async (app, { witness }) => {
  app.post(
    '/add-checkpoint',
    { config: { permission: 'public' }, schema: { hide: true }, bodyLimit: 64 * 1024 },
    async (req, reply) => {
      if (typeof req.body !== 'string')
        return reply.code(400).type('text/plain; charset=utf-8').send('the body must be text/plain\n');
      const r = await witness.addCheckpoint(req.body);
      return reply.code(r.status).type(r.contentType).send(r.body);
    },
  );
  app.get('/key', { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').send(`${witness.verifierKey}\n`),
  );
};
