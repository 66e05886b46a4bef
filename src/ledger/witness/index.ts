/** The witness side of c2sp.org/tlog-witness as pure logic; the HTTP server wraps it. */
export * from './decide.ts';
export * from './request.ts';
