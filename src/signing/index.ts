/**
 * Threshold signing: FROST (RFC 9591) from @noble/curves with refresh and repair, sealed key stores,
 * signer nodes (one process each) and the coordinator that runs ceremonies over them.
 */

export * from './authorize/index.ts';
export * from './bitcoin/index.ts';
export * as coordinator from './coordinator/index.ts';
export * from './frost/index.ts';
export * from './keystore/index.ts';
export * as signerNode from './node/index.ts';
