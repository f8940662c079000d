/**
 * Text from the env repo (file names, values, commit messages) reaches the GitHub log, where the runner
 * reads every output line that starts with `::` (after blanks) as a workflow command, and `##[` as its
 * older form. A file named `x\n::error::pwned.yaml` or a value holding `\n::set-output` must print as
 * text. @actions/core escapes the data of the commands it issues (annotations, groups, masks), but
 * `core.info` prints raw; so whatever may act is printed between `::stop-commands::<token>` and
 * `::<token>::`, GitHub's way to log untrusted text, with a token the text cannot know.
 */
import { randomUUID } from 'node:crypto';

/** The runner splits output into lines at `\n`, `\r\n` and a lone `\r`. */
const LINE_BREAK = /\r\n|\r|\n/;

/** Whether printing `text` could run a workflow command: a line starting with `::`, or `##[` anywhere. */
export function mayActAsCommand(text: string): boolean {
  return text.split(LINE_BREAK).some((line) => line.trimStart().startsWith('::') || line.includes('##['));
}

/**
 * `text` as it can be printed on the GitHub log: as it is when no line of it can act, else wrapped in
 * stop-commands with a one-time token (`token` is injectable for tests).
 */
export function inertText(text: string, token: () => string = () => randomUUID().replaceAll('-', '')): string {
  if (!mayActAsCommand(text)) return text;
  const stop = token();
  return `::stop-commands::${stop}\n${text}\n::${stop}::`;
}
