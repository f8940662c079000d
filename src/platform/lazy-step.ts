import type { StepSpec } from '../specs/types.ts';
import type { Step } from '../steps/shared/types.ts';
import type { HeadStarter } from './head-start.ts';

/** A step's module: builds the step with its side effects wired (src/entry/steps/<name>.ts). */
export interface StepModule {
  load(): Step | Promise<Step>;
}

/** Step modules by step name, each imported only when its step runs (src/entry/steps.ts). */
export type StepModules = Readonly<Record<string, () => Promise<StepModule>>>;

/**
 * A step that is its spec until it runs: inputs are read and checked against the spec first, and only
 * then is the step's module (its adapters, clients and schemas) loaded. A bad input or `--help` never
 * pays for it. With a `headStart`, the step's first clone starts before the module loads (see
 * ./head-start.ts); whatever the step did not take of it is killed and removed before `run` settles.
 */
export function lazyStep(spec: StepSpec, module: () => Promise<StepModule>, headStart?: HeadStarter): Step {
  let loaded: Promise<Step> | undefined;
  return {
    spec,
    run: async (inputs, context) => {
      const dispose = headStart?.(inputs, context.env);
      try {
        loaded ??= module().then((found) => found.load());
        return await (await loaded).run(inputs, context);
      } finally {
        await dispose?.();
      }
    },
  };
}
