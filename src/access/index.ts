/** Zero-trust access: people (passkeys, sessions), services (RFC 9421 signed requests), roles. */
export * from './http-signatures/index.ts';
export * from './people/index.ts';
export * from './roles.ts';
export * from './services/index.ts';
