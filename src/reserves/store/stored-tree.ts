/**
 * A built tree on disk (docs/proof-of-reserves.md §5.4): proofs by user from the level files with
 * positioned reads — one or two index probes, the leaf and one sibling per height; the salt is
 * derived again from the build secret (§3.1).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes, NotFoundError, sha256, utf8 } from '../../core/index.ts';
import type { StoredMeta } from '../tree/build.ts';
import { FINGERPRINT_BYTES } from '../tree/chunk.ts';
import { saltInput } from '../tree/encoding.ts';
import { proofAt } from '../tree/proof.ts';
import type { InclusionProof } from '../verify/proof.ts';
import { probeIndex, readIndexHeader } from './user-index.ts';

export class StoredTree {
  readonly meta: StoredMeta;
  private readonly levelFds: number[] = [];
  private readonly secret: Uint8Array;
  private readonly indexFd: number;
  private readonly indexHeader: Uint32Array;

  private constructor(readonly dir: string) {
    this.meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as StoredMeta;
    for (let l = 0; l <= this.meta.height; l++)
      this.levelFds.push(openSync(join(dir, `level-${l}.bin`), 'r'));
    this.secret = hexToBytes(readFileSync(join(dir, 'secret.key'), 'utf8').trim());
    this.indexFd = openSync(join(dir, 'index.bin'), 'r');
    this.indexHeader = readIndexHeader(this.indexFd);
  }

  static open(dir: string): StoredTree {
    try {
      return new StoredTree(dir);
    } catch (e) {
      throw new NotFoundError(
        'RESERVES_BUILD_MISSING',
        `the build files at ${dir} cannot be read: ${(e as Error).message}`,
      );
    }
  }

  readNode = (level: number, index: number): Uint8Array => {
    const R = this.meta.recordBytes;
    const b = new Uint8Array(R);
    const n = readSync(this.levelFds[level]!, b, 0, R, index * R);
    if (n !== R) throw new Error(`level ${level} has no node ${index}`);
    return b;
  };

  /** The proof for `user`, or undefined when the user is not in this build. */
  proof(user: string): InclusionProof | undefined {
    const salt = sha256(saltInput(this.secret, utf8(user)));
    for (const position of probeIndex(this.indexFd, this.indexHeader, salt.subarray(0, FINGERPRINT_BYTES))) {
      const p = proofAt(this.meta, this.readNode, user, salt, position);
      if (p) return p;
    }
    return undefined;
  }

  close(): void {
    for (const fd of [...this.levelFds, this.indexFd]) closeSync(fd);
  }
}
