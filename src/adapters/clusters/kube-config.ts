/**
 * Loads the kubeconfig through @kubernetes/client-node (exec plugins, OIDC, client certificates and the
 * in-cluster service account all come from it), from the `kubeconfig` input (a path or the content
 * itself), else `KUBECONFIG`, else `~/.kube/config`, else in-cluster. Every failure here is the user's
 * to fix, so it is a UserError naming the input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../../core/errors.ts';

/** Where to find the kubeconfig. */
export interface KubeConfigSource {
  /** A path, or the kubeconfig's YAML/JSON content. */
  readonly kubeconfig?: string;
  /** The context to use instead of the current one. */
  readonly context?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** A loaded kubeconfig with its context resolved. */
export interface LoadedKubeConfig {
  readonly config: KubeConfig;
  readonly context: string;
  /** The context's namespace, else `default`. */
  readonly namespace: string;
  readonly server: string;
  /** Where it came from, for messages: a path, "the kubeconfig input", or "in-cluster". */
  readonly origin: string;
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** True when the input holds a kubeconfig itself rather than a path to one. */
export function isKubeconfigContent(value: string): boolean {
  return value.includes('\n') || /^\s*(\{|apiVersion\s*:|kind\s*:|clusters\s*:)/.test(value);
}

function parseError(where: string, error: unknown): UserError {
  const detail = error instanceof Error ? error.message : String(error);
  return new UserError(`kubeconfig: ${where} is not a usable kubeconfig: ${detail}`, { input: 'kubeconfig' });
}

function fromFile(config: KubeConfig, path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UserError(`kubeconfig: cannot read "${path}" (${code}); give a readable file or the kubeconfig content itself.`, {
      input: 'kubeconfig',
    });
  }
  try {
    const one = new KubeConfig();
    one.loadFromString(text);
    one.makePathsAbsolute(resolve(path, '..'));
    if (config.getContexts().length === 0 && config.getClusters().length === 0) config.loadFromOptions(optionsOf(one));
    else mergeFirstWins(config, one);
  } catch (error) {
    throw parseError(`"${path}"`, error);
  }
}

function optionsOf(config: KubeConfig): Record<string, unknown> {
  return {
    clusters: config.getClusters(),
    users: config.getUsers(),
    contexts: config.getContexts(),
    currentContext: config.getCurrentContext(),
  };
}

/** Merges as kubectl does with several KUBECONFIG files: the first file to name a thing wins. */
function mergeFirstWins(into: KubeConfig, from: KubeConfig): void {
  for (const cluster of from.getClusters()) if (!into.getCluster(cluster.name)) into.addCluster(cluster);
  for (const user of from.getUsers()) if (!into.getUser(user.name)) into.addUser(user);
  for (const context of from.getContexts()) if (!into.getContextObject(context.name)) into.addContext(context);
  if (!into.getCurrentContext() && from.getCurrentContext()) into.setCurrentContext(from.getCurrentContext());
}

function load(source: KubeConfigSource): { config: KubeConfig; origin: string } {
  const config = new KubeConfig();
  const given = source.kubeconfig?.trim();
  if (given && isKubeconfigContent(given)) {
    try {
      config.loadFromString(given);
    } catch (error) {
      throw parseError('the given content', error);
    }
    return { config, origin: 'the kubeconfig input' };
  }
  if (given) {
    const path = resolve(source.cwd, given);
    fromFile(config, path);
    return { config, origin: path };
  }
  const listed = (source.env['KUBECONFIG'] ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((p) => resolve(source.cwd, p));
  const files = listed.length
    ? listed.filter((p) => existsSync(p))
    : [join(source.env['HOME'] || source.env['USERPROFILE'] || '/nonexistent', '.kube', 'config')].filter((p) => existsSync(p));
  if (listed.length && files.length === 0) {
    throw new UserError(`kubeconfig: none of the files in KUBECONFIG exists (${listed.join(delimiter)}).`, { input: 'kubeconfig' });
  }
  for (const file of files) fromFile(config, file);
  if (files.length) return { config, origin: files.join(delimiter) };
  if (source.env['KUBERNETES_SERVICE_HOST'] && existsSync(IN_CLUSTER_TOKEN)) {
    config.loadFromCluster();
    return { config, origin: 'in-cluster' };
  }
  throw new UserError(
    'kubeconfig: no kubeconfig found; give the kubeconfig input (a path or the content), set KUBECONFIG, or run inside a cluster.',
    {
      input: 'kubeconfig',
    },
  );
}

function pickContext(config: KubeConfig, wanted: string | undefined, origin: string): string {
  const names = config.getContexts().map((c) => c.name);
  if (wanted) {
    if (!config.getContextObject(wanted)) {
      throw new UserError(`context: "${wanted}" is not in ${origin}; it has ${names.length ? names.join(', ') : 'no contexts'}.`, {
        input: 'context',
      });
    }
    config.setCurrentContext(wanted);
    return wanted;
  }
  const current = config.getCurrentContext();
  if (!current || !config.getContextObject(current)) {
    throw new UserError(
      `context: ${origin} has no current context; name one with the context input (${names.join(', ') || 'none defined'}).`,
      { input: 'context' },
    );
  }
  return current;
}

/**
 * The credentials inside kubeconfig content (tokens, passwords, client keys and certificates, exec
 * plugin environment values), each to be masked on its own: CI runners mask a multi-line value badly.
 */
export function kubeconfigSecrets(content: string): string[] {
  const config = new KubeConfig();
  try {
    config.loadFromString(content);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const user of config.getUsers()) {
    found.push(user.token ?? '', user.password ?? '', user.keyData ?? '', user.certData ?? '');
    for (const variable of (user.exec as { env?: { value?: string }[] } | undefined)?.env ?? []) found.push(variable.value ?? '');
  }
  return found.filter((value) => value.length >= 4);
}

/** Loads and checks a kubeconfig; throws a UserError naming `kubeconfig` or `context` on any problem. */
export function loadKubeConfig(source: KubeConfigSource): LoadedKubeConfig {
  const { config, origin } = load(source);
  const context = pickContext(config, source.context?.trim() || undefined, origin);
  const cluster = config.getCurrentCluster();
  if (!cluster?.server)
    throw new UserError(`kubeconfig: context "${context}" in ${origin} names no cluster with a server.`, { input: 'kubeconfig' });
  const namespace = config.getContextObject(context)?.namespace || 'default';
  return { config, context, namespace, server: cluster.server, origin };
}
