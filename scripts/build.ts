/**
 * Bundles each entry in src/entry/ into one CommonJS file, dist/<entry>/index.cjs, for the runners
 * (`runs.using: node24`) and the `baton` command. `--out DIR` writes elsewhere (the freshness test).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outIndex = process.argv.indexOf('--out');
const outDir = outIndex > 0 ? process.argv[outIndex + 1]! : join(root, 'dist');

const entries = (await readdir(join(root, 'src/entry'))).filter((file) => file.endsWith('.ts')).sort();
await rm(outDir, { recursive: true, force: true });
for (const file of entries) {
  const name = file.replace(/\.ts$/, '');
  await build({
    entryPoints: [join(root, 'src/entry', file)],
    outfile: join(outDir, name, 'index.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    legalComments: 'none',
    // Why: Node's built-in punycode prints a deprecation warning on every start; a dependency of the
    // schema validators requires it, and the userland package of the same code is already installed.
    alias: { punycode: 'punycode/punycode.js' },
    logLevel: 'warning',
    // Why: some ESM dependencies read import.meta.url; give them the bundle's own URL in CommonJS.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
}
console.log(`built ${entries.length} bundle(s) into ${outIndex > 0 ? outDir : 'dist/'}`);
