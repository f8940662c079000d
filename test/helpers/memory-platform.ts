/** A platform that keeps everything in memory, to run a step in-process the way a platform would. */
import type { RawInputs } from '../../src/platform/inputs.ts';
import { runStep } from '../../src/platform/run.ts';
import type { Platform } from '../../src/platform/types.ts';
import type { Annotation, Step } from '../../src/steps/shared/types.ts';

/** What a step run left behind. */
export interface MemoryRun {
  readonly code: 0 | 1 | 2;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly logs: string[];
  readonly annotations: Annotation[];
  readonly error: string | undefined;
}

/** Runs `step` with raw inputs and environment, as the platforms do (parsing, masking, outputs). */
export async function runInMemory(step: Step, raw: RawInputs, env: Record<string, string | undefined> = {}): Promise<MemoryRun> {
  const logs: string[] = [];
  const annotations: Annotation[] = [];
  let outputs: Record<string, string> = {};
  let summary = '';
  let error: string | undefined;
  const platform: Platform = {
    name: 'cli',
    log: {
      info: (m) => logs.push(m),
      warn: (m) => logs.push(`warning: ${m}`),
      secret: () => {},
      group: async (title, body) => {
        logs.push(`== ${title}`);
        return body();
      },
    },
    rawInputs: () => raw,
    setOutputs: async (o) => {
      outputs = { ...o };
    },
    writeSummary: async (m) => {
      summary += m;
    },
    annotate: (a) => annotations.push(...a),
    fail: (message) => {
      error = message;
    },
  };
  const code = await runStep(step, platform, { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env }, process.cwd());
  return { code, outputs, summary, logs, annotations, error };
}
