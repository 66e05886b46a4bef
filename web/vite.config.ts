/**
 * The console build. Root is web/, output web/dist/ (served by the Rampart server at `/`).
 * The browser verifier imports the server's own TypeScript from ../src (ledger/note,
 * ledger/merkle, core), so the dev server may read the whole repository.
 * `npx vite --config web/vite.config.ts` proxies /api to RAMPART_URL (default http://127.0.0.1:8080).
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = fileURLToPath(new URL('..', import.meta.url));
const nodeBuiltins = new Set(builtinModules);

/**
 * The browser verifier shares the server's pure code (src/core/index.ts is browser-safe; the
 * Node-only config loader lives in src/core/node.ts). Anything in the browser graph that reaches
 * for a Node built-in fails the build instead of shipping a stub.
 */
function browserOnly(): Plugin {
  return {
    name: 'rampart-browser-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source.startsWith('node:') || nodeBuiltins.has(source)) {
        this.error(
          `${importer ?? 'the console'} imports the Node-only module "${source}"; browser code must stay pure`,
        );
      }
      return null;
    },
  };
}

export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [browserOnly(), react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    fs: { allow: [repoDir] },
    proxy: { '/api': { target: process.env['RAMPART_URL'] ?? 'http://127.0.0.1:8080' } },
  },
});
