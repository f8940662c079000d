import * as core from '@actions/core';
import type { StepSpec } from '../specs/types.ts';
import type { Annotation, StepLog } from '../steps/shared/types.ts';
import type { RawInputs } from './inputs.ts';
import { Redactor } from './redactor.ts';
import type { Platform } from './types.ts';
import { inertText } from './workflow-commands.ts';

/** GitHub Actions: `INPUT_*` in, `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` out, workflow commands for the rest. */
export function githubPlatform(): Platform {
  const redactor = new Redactor();
  const log: StepLog = {
    info: (message) => core.info(inertText(redactor.apply(message))),
    // CI logs do not redraw lines: each status is a line of its own.
    progress: (message) => core.info(inertText(redactor.apply(message))),
    warn: (message) => core.warning(redactor.apply(message)),
    secret: (value) => {
      redactor.add(value);
      core.setSecret(value);
    },
    group: (title, body) => core.group(redactor.apply(title), body),
  };
  return {
    name: 'github',
    log,
    rawInputs(spec: StepSpec): RawInputs {
      const raw: Record<string, string> = {};
      for (const input of spec.inputs) raw[input.name] = core.getInput(input.name);
      return raw;
    },
    async setOutputs(outputs) {
      for (const [name, value] of Object.entries(outputs)) core.setOutput(name, redactor.apply(value));
    },
    async writeSummary(markdown) {
      if (!process.env['GITHUB_STEP_SUMMARY']) {
        core.info(inertText(redactor.apply(markdown)));
        return;
      }
      await core.summary.addRaw(redactor.apply(markdown), true).write();
    },
    annotate(annotations: readonly Annotation[]) {
      for (const annotation of annotations.slice(0, 50)) {
        const properties: core.AnnotationProperties = {
          ...(annotation.title ? { title: annotation.title } : {}),
          ...(annotation.file ? { file: annotation.file } : {}),
          ...(annotation.line ? { startLine: annotation.line } : {}),
          ...(annotation.column ? { startColumn: annotation.column } : {}),
        };
        const message = redactor.apply(annotation.message);
        if (annotation.level === 'error') core.error(message, properties);
        else if (annotation.level === 'warning') core.warning(message, properties);
        else core.notice(message, properties);
      }
    },
    fail(message, exitCode) {
      core.setFailed(redactor.apply(message));
      process.exitCode = exitCode;
    },
  };
}
