/** The TAXII 2.1 client: HTTP (Basic or signed), following collections, backoff. */
export * from './backoff.ts';
export * from './follow-config.ts';
export * from './follower.ts';
export * from './http-client.ts';
