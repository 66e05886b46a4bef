/** Threshold signing: FROST (RFC 9591) from @noble/curves with refresh and repair, and sealed key stores. */

export * from './authorize/index.ts';
export * from './bitcoin/index.ts';
export * from './frost/index.ts';
export * from './keystore/index.ts';
