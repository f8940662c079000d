/** What a renderer printed, or why it could not render. */
export type RenderResult =
  | { readonly ok: true; readonly text: string; readonly command: string }
  | { readonly ok: false; readonly message: string; readonly command: string };

/** Renders one directory. */
export type Renderer = (dir: string, options: RenderOptions) => Promise<RenderResult>;

/** What every renderer takes. */
export interface RenderOptions {
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** Kubernetes version to render for (Helm's --kube-version). */
  readonly kubernetesVersion: string;
  /** Helm values files, in order. */
  readonly valuesFiles?: readonly string[];
  /** Extra environment for the renderer. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

// klog's line header (`E1122 02:46:52.908030  508 run.go:72] `), which kubectl puts before its errors.
const KLOG_RE = /^[EWIF]\d{4} [\d:.]+\s+\d+ [\w.-]+:\d+\] /;
const COMMAND_FAILED_RE = /^"command failed" err="(.*)"$/;

function cleanLine(line: string): string {
  const bare = line.replace(KLOG_RE, '');
  const failed = COMMAND_FAILED_RE.exec(bare);
  return failed ? failed[1]!.replace(/\\"/g, '"') : bare;
}

/** The renderer's own words: the last lines of its error output, without kubectl's log headers. */
export function rendererMessage(stderr: string, stdout: string): string {
  const lines = (stderr || stdout)
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(cleanLine);
  return lines.slice(-6).join('\n') || 'it exited with an error and printed nothing';
}
