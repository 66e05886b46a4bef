/**
 * The replay check a node performs with its own store: a request (for a Bitcoin spend, a request
 * and input) is authorized for one message only, and only during one retry window.
 *
 * Why a window and not "once": when a node dies between the two FROST rounds, the coordinator
 * restarts the session with fresh commitments from the others (RFC 9591 needs a fresh nonce per
 * session, never a fresh request), so the surviving nodes are asked again for the SAME request
 * and message. That is safe — each session has its own nonce, destroyed on use — and must work.
 * What must not work is the same request id later (a replay) or with other bytes (a substitution).
 *
 * `authorizeSigning` looks the key up first and, when every check has passed, remembers it
 * (keeping the first record) before it returns — so the record is durable before any share is
 * released (fail closed: a crash after it only costs a retry inside the window).
 */
export interface ReplayRecord {
  /** lower-case hex SHA-256 of the message first authorized under this key */
  messageSha256: string;
  firstAuthorizedAt: Date;
}

export interface ReplayGuard {
  lookup(replayKey: string): ReplayRecord | undefined | Promise<ReplayRecord | undefined>;
  /** Stores the record unless one exists (the first one stays); durable before it resolves. */
  remember(replayKey: string, record: ReplayRecord): void | Promise<void>;
}

/** Default retry window: the signer node's default nonce lifetime (10 minutes). */
export const REPLAY_RETRY_WINDOW_MS = 10 * 60_000;

export type ReplayVerdict = 'new' | 'retry' | 'replayed' | 'substituted';

/** Pure: what an earlier record means for a request now. */
export function replayVerdict(
  previous: ReplayRecord | undefined,
  messageSha256: string,
  now: Date,
  windowMs = REPLAY_RETRY_WINDOW_MS,
): ReplayVerdict {
  if (!previous) return 'new';
  if (previous.messageSha256 !== messageSha256) return 'substituted';
  return now.getTime() - previous.firstAuthorizedAt.getTime() <= windowMs ? 'retry' : 'replayed';
}

/** In-memory guard: for tests and single-process tools, never for a node (it forgets on restart). */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly records = new Map<string, ReplayRecord>();
  lookup(replayKey: string): ReplayRecord | undefined {
    return this.records.get(replayKey);
  }
  remember(replayKey: string, record: ReplayRecord): void {
    if (!this.records.has(replayKey)) this.records.set(replayKey, { ...record });
  }
}
