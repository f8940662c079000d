/**
 * What the layer builder makes of a Dockerfile: a base (an image reference or `scratch`), files to
 * copy from the context into one layer, and config changes. Only instructions that need no running
 * container are taken; anything else names the line and the builders that can do it.
 */
import { posix } from 'node:path';
import type { UserError } from '../errors.ts';
import { type Dockerfile, dockerfileError, type Instruction, type Stage, targetStage } from './dockerfile.ts';
import { execForm, expandPairs, expandWords, type Variables } from './dockerfile-words.ts';
import type { KeyValue } from './key-values.ts';

/** One `COPY` from the context. */
export interface CopySpec {
  /** Paths relative to the context, as written (no wildcards). */
  readonly sources: readonly string[];
  /** Destination, absolute or relative to the base image's WorkingDir; ends with `/` for a directory. */
  readonly dest: string;
  readonly uid: number;
  readonly gid: number;
  /** Permission bits for every file and directory copied, from `--chmod`. */
  readonly mode?: number;
  readonly line: number;
}

/** Config fields the Dockerfile sets (undefined: inherited from the base). */
export interface ConfigChanges {
  readonly env: readonly KeyValue[];
  readonly labels: readonly KeyValue[];
  readonly entrypoint?: readonly string[] | null;
  readonly cmd?: readonly string[] | null;
  readonly workdir?: string;
  readonly user?: string;
  readonly exposedPorts: readonly string[];
  readonly volumes: readonly string[];
  readonly stopSignal?: string;
}

/** The whole plan for one platform. */
export interface LayerPlan {
  /** `scratch`, or an image reference (`oci:<dir>` allowed). */
  readonly base: string;
  readonly copies: readonly CopySpec[];
  readonly config: ConfigChanges;
}

/** The build's platform, for the automatic `TARGET*` args. */
export interface PlanPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  RUN: 'RUN needs a builder that runs commands',
  ADD: 'ADD (archives and URLs) is not taken by the layer builder; use COPY',
  ONBUILD: 'ONBUILD is not taken by the layer builder',
  HEALTHCHECK: 'HEALTHCHECK is not taken by the layer builder',
  MAINTAINER: 'MAINTAINER is deprecated; use LABEL',
};

function unsupported(file: string, instruction: Instruction, why: string): UserError {
  return dockerfileError(
    file,
    instruction.line,
    `${why}; the layer builder only copies files onto a base. Use builder buildah, buildx, podman or kaniko for this Dockerfile.`,
  );
}

function platformArgs(platform: PlanPlatform): Map<string, string> {
  const text = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
  return new Map([
    ['TARGETPLATFORM', text],
    ['TARGETOS', platform.os],
    ['TARGETARCH', platform.architecture],
    ['TARGETVARIANT', platform.variant ?? ''],
    ['BUILDPLATFORM', text],
    ['BUILDOS', platform.os],
    ['BUILDARCH', platform.architecture],
  ]);
}

/** `ARG NAME[=default]`: the build arg when given, else the default, else the automatic value. */
function declareArg(
  instruction: Instruction,
  scope: Map<string, string>,
  buildArgs: ReadonlyMap<string, string>,
  auto: ReadonlyMap<string, string>,
  escapeChar: string,
): void {
  for (const word of expandWords(instruction.args, scope, escapeChar)) {
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    const value = buildArgs.get(name) ?? (eq < 0 ? auto.get(name) : word.slice(eq + 1));
    if (value !== undefined) scope.set(name, value);
  }
}

/** `path` against the stage's WORKDIR; stays relative (to the base image's WorkingDir) before any WORKDIR. */
function absolute(path: string, workdir: string): string {
  if (workdir === '' && !path.startsWith('/')) return path;
  const joined = posix.join(path.startsWith('/') ? '/' : workdir, path);
  return path.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

/** Mutable state while walking a stage. */
interface Walk {
  readonly file: string;
  readonly escape: string;
  readonly scope: Map<string, string>;
  readonly env: Map<string, string>;
  readonly labels: Map<string, string>;
  readonly copies: CopySpec[];
  readonly ports: string[];
  readonly volumes: string[];
  shell: string[];
  workdir: string;
  entrypoint?: string[] | null;
  cmd?: string[] | null;
  user?: string;
  stopSignal?: string;
  setWorkdir: boolean;
}

function vars(walk: Walk): Variables {
  return new Map([...walk.scope, ...walk.env]);
}

function command(walk: Walk, instruction: Instruction): string[] {
  return execForm(instruction.args) ?? [...walk.shell, instruction.args];
}

function parseCopy(walk: Walk, instruction: Instruction): CopySpec {
  const { flags } = instruction;
  if (flags['from']) throw unsupported(walk.file, instruction, 'COPY --from copies from another stage or image');
  const known = new Set(['chown', 'chmod', 'link']);
  const unknown = Object.keys(flags).find((flag) => !known.has(flag));
  if (unknown) throw unsupported(walk.file, instruction, `COPY --${unknown} is not taken by the layer builder`);
  const words =
    execForm(instruction.args)?.map((word) => expandWords(word, vars(walk), walk.escape, false)[0] ?? '') ??
    expandWords(instruction.args, vars(walk), walk.escape);
  if (words.length < 2) throw dockerfileError(walk.file, instruction.line, 'COPY needs at least one source and a destination.');
  const sources = words.slice(0, -1);
  const wild = sources.find((source) => /[*?[]/.test(source));
  if (wild) throw unsupported(walk.file, instruction, `COPY with a wildcard ("${wild}") is not taken by the layer builder`);
  let dest = absolute(words.at(-1)!, walk.workdir);
  if (sources.length > 1 && !dest.endsWith('/')) dest += '/';
  const owner = flags['chown'] ? parseChown(walk, instruction, flags['chown']) : { uid: 0, gid: 0 };
  const mode = flags['chmod'] ? parseChmod(walk, instruction, flags['chmod']) : undefined;
  return { sources, dest, ...owner, ...(mode === undefined ? {} : { mode }), line: instruction.line };
}

function parseChown(walk: Walk, instruction: Instruction, value: string): { uid: number; gid: number } {
  const match = /^(\d+)(?::(\d+))?$/.exec(value);
  // Names need the base image's /etc/passwd, which the layer builder does not read.
  if (!match) throw unsupported(walk.file, instruction, `COPY --chown=${value} needs numeric ids (uid:gid) with the layer builder`);
  return { uid: Number(match[1]), gid: Number(match[2] ?? match[1]) };
}

function parseChmod(walk: Walk, instruction: Instruction, value: string): number {
  if (!/^[0-7]{3,4}$/.test(value))
    throw dockerfileError(walk.file, instruction.line, `COPY --chmod=${value} is not an octal mode such as 0755.`);
  return Number.parseInt(value, 8);
}

function apply(walk: Walk, instruction: Instruction, buildArgs: ReadonlyMap<string, string>, auto: ReadonlyMap<string, string>): void {
  const v = () => vars(walk);
  switch (instruction.keyword) {
    case 'ARG':
      declareArg(instruction, walk.scope, buildArgs, auto, walk.escape);
      return;
    case 'ENV':
      for (const [key, value] of expandPairs(instruction.args, v(), walk.escape, true)) walk.env.set(key, value);
      return;
    case 'LABEL':
      for (const [key, value] of expandPairs(instruction.args, v(), walk.escape, true)) walk.labels.set(key, value);
      return;
    case 'COPY':
      walk.copies.push(parseCopy(walk, instruction));
      return;
    case 'WORKDIR':
      walk.workdir = absolute(expandWords(instruction.args, v(), walk.escape, false)[0] || '/', walk.workdir);
      walk.setWorkdir = true;
      return;
    case 'USER':
      walk.user = expandWords(instruction.args, v(), walk.escape, false)[0] ?? '';
      return;
    case 'EXPOSE':
      for (const port of expandWords(instruction.args, v(), walk.escape)) walk.ports.push(port.includes('/') ? port : `${port}/tcp`);
      return;
    case 'VOLUME':
      walk.volumes.push(...(execForm(instruction.args) ?? expandWords(instruction.args, v(), walk.escape)));
      return;
    case 'STOPSIGNAL':
      walk.stopSignal = expandWords(instruction.args, v(), walk.escape, false)[0];
      return;
    case 'SHELL': {
      const shell = execForm(instruction.args);
      if (!shell) throw dockerfileError(walk.file, instruction.line, 'SHELL takes the JSON form: SHELL ["/bin/sh", "-c"].');
      walk.shell = shell;
      return;
    }
    case 'ENTRYPOINT':
      walk.entrypoint = command(walk, instruction);
      // Docker: a new ENTRYPOINT resets the CMD inherited from the base.
      if (walk.cmd === undefined) walk.cmd = null;
      return;
    case 'CMD':
      walk.cmd = command(walk, instruction);
      return;
    default:
      throw unsupported(
        walk.file,
        instruction,
        UNSUPPORTED[instruction.keyword] ?? `${instruction.keyword} is not an instruction the layer builder knows`,
      );
  }
}

function resolveBase(dockerfile: Dockerfile, stage: Stage, globals: Variables): string {
  const base = expandWords(stage.base, globals, dockerfile.escape, false)[0] ?? '';
  if (dockerfile.stages.some((other) => other !== stage && other.name === base.toLowerCase() && other.from.line < stage.from.line)) {
    throw unsupported(dockerfile.file, stage.from, `FROM ${base} builds on another stage (a multi-stage build)`);
  }
  if (stage.from.flags['platform'])
    throw unsupported(dockerfile.file, stage.from, 'FROM --platform is not taken by the layer builder; use the platforms input');
  return base;
}

/**
 * The layer plan for the target stage (or the last) on one platform. Throws a UserError naming the
 * Dockerfile line of the first instruction the layer builder cannot carry out.
 */
export function planLayer(
  dockerfile: Dockerfile,
  options: { target?: string; buildArgs: readonly KeyValue[]; platform: PlanPlatform },
): LayerPlan {
  const stage = targetStage(dockerfile, options.target);
  const buildArgs = new Map(options.buildArgs);
  const auto = platformArgs(options.platform);
  const globals = new Map<string, string>();
  for (const arg of dockerfile.globalArgs) declareArg(arg, globals, buildArgs, auto, dockerfile.escape);
  const base = resolveBase(dockerfile, stage, globals);
  const walk: Walk = {
    file: dockerfile.file,
    escape: dockerfile.escape,
    scope: new Map(),
    env: new Map(),
    labels: new Map(),
    copies: [],
    ports: [],
    volumes: [],
    shell: ['/bin/sh', '-c'],
    workdir: '',
    setWorkdir: false,
  };
  for (const instruction of stage.instructions) apply(walk, instruction, buildArgs, auto);
  const config: ConfigChanges = {
    env: [...walk.env],
    labels: [...walk.labels],
    exposedPorts: walk.ports,
    volumes: walk.volumes,
    ...(walk.entrypoint === undefined ? {} : { entrypoint: walk.entrypoint }),
    ...(walk.cmd === undefined ? {} : { cmd: walk.cmd }),
    ...(walk.setWorkdir ? { workdir: walk.workdir } : {}),
    ...(walk.user === undefined ? {} : { user: walk.user }),
    ...(walk.stopSignal === undefined ? {} : { stopSignal: walk.stopSignal }),
  };
  return { base, copies: walk.copies, config };
}
