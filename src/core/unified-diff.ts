import { createTwoFilesPatch } from 'diff';
import type { FileEdit } from './edit/types.ts';

/** A unified diff of the edited files, as `git diff` would show it (3 lines of context). */
export function unifiedDiff(edits: readonly FileEdit[]): string {
  return edits
    .map((edit) =>
      createTwoFilesPatch(`a/${edit.file}`, `b/${edit.file}`, edit.before, edit.after, undefined, undefined, {
        context: 3,
      })
        .split('\n')
        .slice(1)
        .join('\n'),
    )
    .join('');
}
