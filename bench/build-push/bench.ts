/**
 * build-push figures: a real build and push (buildah, and the layer builder) against a skipped
 * rebuild of the same source, which only adds tags by manifest PUT. Median of several runs each, on
 * Debian's docker-registry on loopback with htpasswd auth. Goal (issue 3): a skipped build under 2 s.
 * bench/registry runs the same measurement ({@link measureBuildPush}) through its counting proxy.
 *
 *   node bench/build-push/bench.ts [--runs 5]
 */
import { parseArgs } from 'node:util';
import { startRegistry } from '../../test/helpers/registry.ts';
import { appCheckout, buildahStorage, runBuildPush, scratch } from '../../test/helpers/build-push.ts';

/** Which timed run a sample is: the first build of a source, or the rebuild that should be skipped. */
export interface BuildPushPhase {
  readonly builder: string;
  readonly phase: 'build' | 'skip';
  readonly run: number;
}

/** Where to push: a registry (or a proxy in front of one) that takes these credentials over plain HTTP. */
export interface BuildPushTarget {
  readonly host: string;
  readonly username: string;
  readonly password: string;
}

/** How to measure. */
export interface BuildPushBenchOptions {
  readonly runs: number;
  readonly builders?: readonly string[];
  /** Push here; by default a fresh docker-registry with htpasswd auth, stopped at the end. */
  readonly target?: BuildPushTarget;
  /** Wraps each timed run, e.g. to count what went through a proxy during it; must return the run's result. */
  readonly around?: <T>(phase: BuildPushPhase, run: () => Promise<T>) => Promise<T>;
}

/** Wall-clock milliseconds of every run, per builder. */
export interface BuildPushFigures {
  readonly builder: string;
  readonly built: number[];
  readonly skipped: number[];
}

/** The median (the upper middle one for an even count). */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * For each builder, `runs` pairs of runs of the build-push step on the fixture app: a build of a new
 * source (a build arg nobody used before), then the same source again under another tag, which must be
 * skipped. Throws when the skip flags are not as expected.
 */
export async function measureBuildPush(options: BuildPushBenchOptions): Promise<BuildPushFigures[]> {
  const builders = options.builders ?? ['buildah', 'layer'];
  const tmp = await scratch('baton-bench-bp-');
  const own = options.target ? undefined : await startRegistry({ htpasswd: { bench: 'bench-pass' } });
  const target = options.target ?? { host: own!.host, username: 'bench', password: 'bench-pass' };
  const around = options.around ?? (<T>(_phase: BuildPushPhase, run: () => Promise<T>) => run());
  const nonce = Date.now().toString(36);
  try {
    const [app, buildahEnv] = await Promise.all([
      appCheckout(tmp.dir),
      builders.includes('buildah') ? buildahStorage(tmp.dir) : Promise.resolve({}),
    ]);
    const timedRun = async (builder: string, tag: string, source: string) => {
      const file = builder === 'buildah' ? `${app.dir}/Dockerfile.multistage` : `${app.dir}/Dockerfile`;
      const start = performance.now();
      const result = await runBuildPush(
        {
          image: `${target.host}/bench/${builder}`,
          context: app.dir,
          file,
          builder,
          'build-args': `GREETING=${source}\nVERSION=${source}`,
          tags: tag,
          username: target.username,
          password: target.password,
          'insecure-registries': target.host,
        },
        { ...buildahEnv, HOME: tmp.dir },
      );
      if (result.code !== 0) throw new Error(result.error);
      return { ms: performance.now() - start, skipped: result.outputs['skipped']! };
    };
    const figures: BuildPushFigures[] = [];
    for (const builder of builders) {
      const built: number[] = [];
      const skipped: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        const source = `${nonce}-${i}`;
        const first = await around({ builder, phase: 'build', run: i }, () => timedRun(builder, `run-${i}`, source));
        const second = await around({ builder, phase: 'skip', run: i }, () => timedRun(builder, `again-${i}`, source));
        if (first.skipped !== 'false' || second.skipped !== 'true')
          throw new Error(`unexpected skip flags ${first.skipped}/${second.skipped}`);
        built.push(first.ms);
        skipped.push(second.ms);
      }
      figures.push({ builder, built, skipped });
    }
    return figures;
  } finally {
    await own?.stop();
    await tmp.cleanup();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  console.log(`build-push: median of ${runs} runs, docker-registry on loopback`);
  console.log('builder   real build   skipped rebuild   ratio');
  for (const { builder, built, skipped } of await measureBuildPush({ runs })) {
    const [b, s] = [median(built), median(skipped)];
    console.log(
      `${builder.padEnd(9)} ${(b / 1000).toFixed(2).padStart(8)} s   ${(s / 1000).toFixed(2).padStart(10)} s   ` +
        `${(b / s).toFixed(1).padStart(5)}x`,
    );
  }
}
