/**
 * Bitcoin Taproot key-path spends signed by a FROST group (suite `secp256k1-tr`): keys and
 * addresses (BIP86), unsigned spends from prepared UTXOs, BIP341 sighashes, the approval digest,
 * finalization and an independent check of the finished transaction. Pure: no network, no I/O.
 */
export * from './errors.ts';
export * from './finalize.ts';
export * from './network.ts';
export * from './psbt.ts';
export * from './sighash.ts';
export * from './spend.ts';
export * from './summary.ts';
export * from './taproot.ts';
export * from './verify.ts';
