/**
 * The standalone verifier page: `npm run build:verifier` writes ONE self-contained HTML file,
 * web/dist-verifier/rampart-verify.html (scripts and styles inlined by vite-plugin-singlefile), that
 * a user opens from disk. It imports the pure verifier from src/reserves/verify; a Node built-in
 * anywhere in its graph fails the build.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

const here = fileURLToPath(new URL('.', import.meta.url));
const nodeBuiltins = new Set(builtinModules);

function browserOnly(): Plugin {
  return {
    name: 'rampart-verifier-browser-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source.startsWith('node:') || nodeBuiltins.has(source))
        this.error(`${importer ?? 'the verifier'} imports the Node-only module "${source}"`);
      return null;
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [browserOnly(), react(), viteSingleFile({ removeViteModuleLoader: true })],
  build: {
    outDir: '../dist-verifier',
    emptyOutDir: true,
    target: 'es2022',
    // no modulepreload polyfill: it is the only code in the bundle that could call fetch()
    modulePreload: { polyfill: false },
    rollupOptions: { input: fileURLToPath(new URL('rampart-verify.html', import.meta.url)) },
  },
});
