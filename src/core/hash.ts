/** SHA-256 from @noble/hashes: the same code in Node, signer nodes and the browser. */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}
