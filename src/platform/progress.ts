/**
 * A status line for long work (a build's stages, verify's wait). On a terminal it is one line that each
 * new status overwrites (a carriage return and padding, no ANSI codes); anywhere else — CI logs, a file,
 * a pipe — each status is a plain line of its own, written as often as the caller reports (verify reports
 * a change or a quiet minute, the build each stage).
 */

/** Where the line goes: stderr, or a stand-in in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** The progress writer of one stream. */
export interface ProgressLine {
  /** Shows `line` as the current status. */
  update(line: string): void;
  /** Ends the status line before other output, so log lines never mix with it. */
  clear(): void;
}

/** A progress writer for `stream` (see the module comment for terminal and non-terminal behaviour). */
export function progressLine(stream: ProgressStream): ProgressLine {
  let shown = 0;
  if (!stream.isTTY) {
    return { update: (line) => void stream.write(`${line}\n`), clear: () => {} };
  }
  // A pseudo-terminal without a size (script(1), some CI runners) reports 0 columns.
  const width = Math.max(20, (stream.columns || 80) - 1);
  return {
    update(line) {
      const text = line.replace(/\s+/g, ' ').slice(0, width);
      stream.write(`\r${text}${' '.repeat(Math.max(0, shown - text.length))}`);
      shown = text.length;
    },
    clear() {
      if (shown === 0) return;
      stream.write(`\r${' '.repeat(shown)}\r`);
      shown = 0;
    },
  };
}
