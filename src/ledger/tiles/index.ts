/** c2sp.org/tlog-tiles: tile and entry-bundle paths, entry bundle encoding. */
export * from './bundle.ts';
export * from './path.ts';
