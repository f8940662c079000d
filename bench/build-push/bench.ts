/**
 * build-push figures: a real build and push (buildah, and the layer builder) against a skipped
 * rebuild of the same source, which only adds tags by manifest PUT. Median of several runs each, on
 * Debian's docker-registry on loopback with htpasswd auth. Goal (issue 3): a skipped build under 2 s.
 *
 *   node bench/build-push/bench.ts [--runs 5]
 */
import { parseArgs } from 'node:util';
import { startRegistry } from '../../test/helpers/registry.ts';
import { appCheckout, buildahStorage, runBuildPush, scratch } from '../../test/integration/build-push/setup.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const USER = 'bench';
const PASSWORD = 'bench-pass';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const tmp = await scratch('baton-bench-bp-');
const [registry, app, buildahEnv] = await Promise.all([startRegistry({ htpasswd: { [USER]: PASSWORD } }), appCheckout(tmp.dir), buildahStorage(tmp.dir)]);

async function timedRun(builder: string, run: number, nonce: string): Promise<{ ms: number; skipped: string }> {
  const file = builder === 'buildah' ? `${app.dir}/Dockerfile.multistage` : `${app.dir}/Dockerfile`;
  const start = performance.now();
  const result = await runBuildPush(
    { image: `${registry.host}/bench/${builder}`, context: app.dir, file, builder, 'build-args': `GREETING=${nonce}\nVERSION=${nonce}`, tags: `run-${run}`, username: USER, password: PASSWORD, 'insecure-registries': registry.host },
    { ...buildahEnv, HOME: tmp.dir },
  );
  if (result.code !== 0) throw new Error(result.error);
  return { ms: performance.now() - start, skipped: result.outputs['skipped']! };
}

try {
  console.log(`build-push: median of ${runs} runs, docker-registry on loopback`);
  console.log('builder   real build   skipped rebuild   ratio');
  for (const builder of ['buildah', 'layer']) {
    const built: number[] = [];
    const skipped: number[] = [];
    for (let i = 0; i < runs; i++) {
      const first = await timedRun(builder, i, `n${i}`);
      const second = await timedRun(builder, i + 1000, `n${i}`);
      if (first.skipped !== 'false' || second.skipped !== 'true') throw new Error(`unexpected skip flags ${first.skipped}/${second.skipped}`);
      built.push(first.ms);
      skipped.push(second.ms);
    }
    const [b, s] = [median(built), median(skipped)];
    console.log(`${builder.padEnd(9)} ${(b / 1000).toFixed(2).padStart(8)} s   ${(s / 1000).toFixed(2).padStart(10)} s   ${(b / s).toFixed(1).padStart(5)}x`);
  }
} finally {
  await registry.stop();
  await tmp.cleanup();
}
