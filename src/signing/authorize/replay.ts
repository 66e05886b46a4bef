/**
 * The replay check a node performs with its own store: a request id (and, for a Bitcoin spend,
 * the input) is signed at most once. `authorizeSigning` only asks; the node records the key
 * durably when it releases its signature share (in the same store transaction that deletes the
 * nonce), so a crash between the two never lets a request through twice.
 */
export interface ReplayGuard {
  /** true when this node already signed (or started releasing a share for) the key */
  alreadySigned(replayKey: string): boolean | Promise<boolean>;
}

/** In-memory guard: for tests and single-process tools, never for a node (it forgets on restart). */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Set<string>();
  alreadySigned(replayKey: string): boolean {
    return this.seen.has(replayKey);
  }
  record(replayKey: string): void {
    this.seen.add(replayKey);
  }
}
