/** The core's Node-only surface: configuration from files and the environment. */
export * from './config.ts';
