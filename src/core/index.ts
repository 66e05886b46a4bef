/** The core's browser-safe surface (no node: imports). Node-only parts: ./node.ts. */
export * from './bytes.ts';
export * from './canonical-json.ts';
export * from './clock.ts';
export * from './ed25519-openssl.ts';
export * from './errors.ts';
export * from './hash.ts';
