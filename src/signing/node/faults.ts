/**
 * Crash points for the durability tests: when RAMPART_SIGNER_FAULT names a point (comma-separated),
 * the node kills itself with SIGKILL exactly there — no handler runs, nothing is flushed — which is
 * what a power cut or an OOM kill does. Unset in production; the points cost one string compare.
 *   after-nonce-persist   the nonce is on disk, the commitment not yet released
 *   after-nonce-delete    the nonce is durably gone, the signature share not yet computed
 *   after-share-sent      the share has been written to the socket
 */
export type FaultPoint = 'after-nonce-persist' | 'after-nonce-delete' | 'after-share-sent';

const armed = new Set(
  (process.env.RAMPART_SIGNER_FAULT ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export function crashPoint(point: FaultPoint): void {
  if (armed.has(point)) process.kill(process.pid, 'SIGKILL');
}
