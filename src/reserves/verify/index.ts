/** The browser-safe verifier surface: proof types, codes and `verifyProof` (no node: imports). */
export * from './proof.ts';
export { verifyProof } from './verify.ts';
