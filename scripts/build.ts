/**
 * Bundles Baton into dist/ with esbuild, one CommonJS file per thing that starts, so that each command
 * reads only what it runs:
 *
 * - `dist/cli/<step>.cjs`: one step with everything it uses, from `src/entry/steps/<step>.ts`;
 * - `dist/cli/index.cjs`: the `baton` command: usage, `--version`, the specs (for `--help` and input
 *   checks) and the platforms; it requires `./<step>.cjs` only when that step runs;
 * - `dist/<step>/index.cjs`: the GitHub action of each step in `stepSpecs` (`runs.using: node24`): reads
 *   and checks `INPUT_*`, then requires `../cli/<step>.cjs`.
 *
 * Steps are found, not listed: every file in src/entry/steps/ is a step bundle, every spec in
 * `stepSpecs` an action. dist/licenses.txt lists the licence of every package bundled anywhere.
 * `--out DIR` writes elsewhere (the freshness test).
 */
import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, type BuildResult, build, type Plugin } from 'esbuild';
import { stepSpecs } from '../src/specs/index.ts';
import { bundledPackages, renderLicenses } from './licenses.ts';

const root = join(import.meta.dirname, '..');
const outIndex = process.argv.indexOf('--out');
const outDir = outIndex > 0 ? process.argv[outIndex + 1]! : join(root, 'dist');

/**
 * The first statement of every bundle: on an older Node, one plain line naming the Node that Baton
 * needs, before any dependency is loaded (older Node fails inside them, far from the cause).
 */
const NODE_CHECK = `if (!(Number(process.versions.node.split('.')[0]) >= 24)) {
  process.stderr.write('Baton needs Node 24 or newer; this is Node ' + process.versions.node + ' (' + process.execPath + '). Get it with "nvm install 24", "fnm install 24" or from https://nodejs.org/en/download.\\n');
  process.exit(1);
}`;

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // Why: metafile paths relative to the repository, whatever the working directory.
  absWorkingDir: root,
  // Why: Node's built-in punycode prints a deprecation warning on every start; a dependency of the
  // schema validators requires it, and the userland package of the same code is already installed.
  alias: { punycode: 'punycode/punycode.js' },
  // Why: some ESM dependencies read import.meta.url; give them the bundle's own URL in CommonJS.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: `${NODE_CHECK}\nconst importMetaUrl = require('node:url').pathToFileURL(__filename).href;` },
};

/**
 * Turns src/entry/steps.ts's `import('./steps/<step>.ts')` into a plain `require` of the step's own
 * bundle, `<prefix><step>.cjs`, so no step's code is in the entry bundle. A `require`, not a native
 * `import()`: Node would load a CommonJS file through its ESM loader and first scan all of its source
 * for exports (cjs-module-lexer, about 15 ms for a 2 MB step bundle), then read and decode it once more.
 */
function stepBundles(prefix: string): Plugin {
  return {
    name: 'step-bundles',
    setup(builder) {
      builder.onResolve({ filter: /^\.\/steps\/[a-z0-9-]+\.ts$/ }, (args) => {
        if (!args.importer.endsWith(join('src', 'entry', 'steps.ts'))) return undefined;
        return { path: args.path.slice('./steps/'.length, -'.ts'.length), namespace: 'step-bundle' };
      });
      builder.onLoad({ filter: /.*/, namespace: 'step-bundle' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`${prefix}${args.path}.cjs`)});`,
        loader: 'js',
      }));
      builder.onResolve({ filter: /\.cjs$/ }, (args) =>
        args.namespace === 'step-bundle' ? { path: args.path, external: true } : undefined,
      );
    },
  };
}

/**
 * Leaves `@actions/http-client` (790 kB: it bundles its own undici) out of the action entries. Only
 * `core.getIDToken` (OIDC) uses it there, and Baton never asks for an OIDC token; a call would throw
 * this message instead of reaching the network. Step bundles keep the real package.
 */
const withoutActionsHttpClient: Plugin = {
  name: 'without-actions-http-client',
  setup(builder) {
    builder.onResolve({ filter: /^@actions\/http-client(\/|$)/ }, (args) => ({ path: args.path, namespace: 'no-http-client' }));
    builder.onLoad({ filter: /.*/, namespace: 'no-http-client' }, () => ({
      contents: `const refuse = () => { throw new Error('OIDC tokens (core.getIDToken) are not available in a Baton action entry'); };
export class HttpClient { constructor() { refuse(); } }
export class BearerCredentialHandler { constructor() { refuse(); } }`,
      loader: 'js',
    }));
  },
};

/**
 * One undici in a bundle instead of two: the `@actions/*` packages pin undici 6 for `ProxyAgent` and
 * `fetch` only (both unchanged in Baton's undici 7), and Baton hands Octokit its own fetch anyway.
 * Each copy is about 900 kB that every step bundle with a forge would read and run at start-up.
 * (@kubernetes/client-node keeps its undici 8.)
 */
const oneUndici: Plugin = {
  name: 'one-undici',
  setup(builder) {
    builder.onResolve({ filter: /^undici$/ }, (args) => {
      if (!/node_modules[\\/]@actions[\\/]/.test(args.importer)) return undefined;
      return builder.resolve('undici', { kind: args.kind, resolveDir: root });
    });
  },
};

/**
 * The `baton` command turns on Node's on-disk compile cache before a step's bundle is parsed: a repeated
 * `baton` call (a pipeline's later steps, twenty jobs on one runner) skips most of its compile time.
 * Actions start once per job, so they need none.
 */
const COMPILE_CACHE = 'try { require("node:module").enableCompileCache?.(); } catch {}';

await rm(outDir, { recursive: true, force: true });
const steps = (await readdir(join(root, 'src/entry/steps'))).filter((file) => file.endsWith('.ts')).sort();
const results: BuildResult[] = [];
const bundle = async (options: BuildOptions) => void results.push(await build(options));
await Promise.all(
  steps.map((file) =>
    bundle({
      ...common,
      entryPoints: [join(root, 'src/entry/steps', file)],
      outfile: join(outDir, 'cli', file.replace(/\.ts$/, '.cjs')),
      plugins: [oneUndici],
    }),
  ),
);
await bundle({
  ...common,
  entryPoints: [join(root, 'src/entry/cli.ts')],
  outfile: join(outDir, 'cli', 'index.cjs'),
  // The shebang and the run bit (below) let `npm install -g` and a plain checkout start it as `baton`.
  banner: { js: `#!/usr/bin/env node\n${common.banner?.['js']}\n${COMPILE_CACHE}` },
  plugins: [stepBundles('./')],
});
for (const spec of stepSpecs) {
  await bundle({
    ...common,
    stdin: {
      contents:
        `import { actionMain } from './platform/action-main.ts';\nimport { stepModules } from './entry/steps.ts';\n\nvoid ` +
        `actionMain(${JSON.stringify(spec.name)}, stepModules);\n`,
      resolveDir: join(root, 'src'),
      sourcefile: `action-${spec.name}.ts`,
      loader: 'ts',
    },
    outfile: join(outDir, spec.name, 'index.cjs'),
    plugins: [stepBundles('../cli/'), withoutActionsHttpClient],
  });
}
await chmod(join(outDir, 'cli', 'index.cjs'), 0o755);
const inputs = results.flatMap((result) => Object.keys(result.metafile?.inputs ?? {}));
await writeFile(join(outDir, 'licenses.txt'), renderLicenses(await bundledPackages(root, inputs)));
console.log(
  `built ${steps.length} step bundle(s), the baton command and ${stepSpecs.length} action(s) into ${outIndex > 0 ? outDir : 'dist/'}`,
);
