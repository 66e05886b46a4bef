/**
 * The coordinator's HTTP client for one signer node: every request signed (RFC 9421, the
 * coordinator's key), every response checked against the node's key (response-signature.ts) before
 * its body is read. A node's refusal comes back as a RampartError with the node's stable code.
 */
import { signRequest } from '../../access/index.ts';
import { hexToBytes, RampartError } from '../../core/index.ts';
import { verifyResponse } from '../node/index.ts';
import type { CoordinatorKey } from './coordinator-key.ts';

export interface NodeIdentityView {
  nodeId: string;
  signingPublic: string;
  boxPublic: string;
  keystore: string;
  suites: string[];
}

export class NodeCallError extends RampartError {
  override readonly name = 'NodeCallError';
  constructor(
    readonly node: string,
    code: string,
    message: string,
    status: number,
    details?: Record<string, unknown>,
  ) {
    super(code, message, { status, details: { node, ...details } });
  }
}

export interface NodeClientOptions {
  timeoutMs?: number;
}

export class NodeClient {
  readonly url: string;
  #publicKey: Uint8Array | undefined;

  constructor(
    url: string,
    private readonly key: CoordinatorKey,
    /** The node's Ed25519 key (hex); undefined only to fetch its identity the first time. */
    publicKey?: string,
    private readonly opts: NodeClientOptions = {},
  ) {
    this.url = url.replace(/\/+$/, '');
    this.#publicKey = publicKey ? hexToBytes(publicKey) : undefined;
  }

  /**
   * The node's identity. With a pinned key the answer must be signed by it; without one (first
   * contact) it must be signed by the key it announces (proof of possession; trust on first use,
   * recorded in the ledger by the ceremony).
   */
  async identity(): Promise<NodeIdentityView> {
    return (await this.call('GET', '/v1/identity', undefined, (body) => {
      const id = body as NodeIdentityView;
      if (typeof id?.signingPublic !== 'string' || !/^[0-9a-f]{64}$/.test(id.signingPublic))
        throw new NodeCallError(
          this.url,
          'SIGNER_RESPONSE_INVALID',
          'the node announced no signing key',
          502,
        );
      return hexToBytes(id.signingPublic);
    })) as NodeIdentityView;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return (await this.call('POST', path, body)) as T;
  }

  async get<T>(path: string): Promise<T> {
    return (await this.call('GET', path, undefined)) as T;
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    keyFromBody?: (body: unknown) => Uint8Array,
  ): Promise<unknown> {
    const url = `${this.url}${path}`;
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    const sig = signRequest(
      { method, url, headers, body: text },
      { keyId: this.key.keyId, privateKey: this.key.privateKey, created: new Date() },
    );
    const sent = { ...headers, ...sig } as Record<string, string>;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: sent,
        ...(body === undefined ? {} : { body: text }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (e) {
      throw new NodeCallError(
        this.url,
        'SIGNER_NODE_UNREACHABLE',
        `signer node ${this.url} is unreachable`,
        503,
        {
          reason:
            (e as Error).cause instanceof Error
              ? ((e as Error).cause as Error).message
              : (e as Error).message,
        },
      );
    }
    const resText = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(resText);
    } catch {
      throw new NodeCallError(
        this.url,
        'SIGNER_RESPONSE_INVALID',
        'the node answered with something that is not JSON',
        502,
        {
          status: res.status,
        },
      );
    }
    const key = this.#publicKey ?? keyFromBody?.(parsed);
    if (!key) throw new NodeCallError(this.url, 'SIGNER_NODE_UNKNOWN', 'no key is known for this node', 500);
    const fields = Object.entries(sent).map(([name, value]) => ({ name: name.toLowerCase(), value }));
    try {
      await verifyResponse(
        { method, url, fields },
        { status: res.status, headers: res.headers, body: resText },
        key,
      );
    } catch {
      // An unsigned refusal (e.g. our own request signature refused) still tells us its code.
      const err = (parsed as { error?: { code?: string; message?: string } })?.error;
      throw new NodeCallError(
        this.url,
        'SIGNER_RESPONSE_UNVERIFIED',
        `the answer of ${this.url} is not signed by the node's key${err?.code ? ` (it says ${err.code})` : ''}`,
        502,
        { status: res.status, ...(err?.code ? { claimed: err.code } : {}) },
      );
    }
    if (!res.ok) {
      const err = (
        parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
      )?.error;
      throw new NodeCallError(
        this.url,
        err?.code ?? 'SIGNER_NODE_ERROR',
        `${this.url}: ${err?.message ?? `HTTP ${res.status}`}`,
        res.status >= 500 ? 502 : res.status,
        err?.details,
      );
    }
    return parsed;
  }
}
