/**
 * The `flux` provider: a Kustomization or HelmRelease read through the Kubernetes API and judged by
 * core/verify/flux.ts. With `reconcile`, it first asks the controller to reconcile now, the way
 * `flux reconcile` does: by setting the `reconcile.fluxcd.io/requestedAt` annotation.
 */
import { assessFlux, type FluxKind, type FluxRules } from '../../core/verify/flux.ts';
import { type TargetRef, targetLabel } from '../../core/verify/targets.ts';
import type { KubeObject } from '../../core/verify/types.ts';
import type { Clock } from './clock.ts';
import { isNotFound } from './kube-errors.ts';
import type { KubeApi } from './kube-http.ts';
import { collectionPath, objectPath, type ResourceCatalog, type ResourceType } from './kube-resources.ts';
import { WatchSet } from './kube-watch.ts';
import type { Observation, Probe } from './probe.ts';

/** The annotation Flux controllers watch for on-demand reconciliation. */
export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

/** What a Flux probe needs. */
export interface FluxContext {
  readonly api: KubeApi;
  readonly catalog: ResourceCatalog;
  readonly clock: Clock;
  readonly rules: FluxRules;
  /** Request a reconciliation before the first look. */
  readonly reconcile: boolean;
}

/** One Kustomization or HelmRelease. */
export class FluxProbe implements Probe {
  readonly label: string;
  readonly #ctx: FluxContext;
  readonly #target: TargetRef & { readonly name: string };
  readonly #namespace: string;
  #type?: ResourceType;
  #requested = false;
  #version?: string;
  #watches?: WatchSet;

  constructor(ctx: FluxContext, target: TargetRef & { readonly name: string }, namespace: string) {
    this.#ctx = ctx;
    this.#target = target;
    this.#namespace = target.namespace ?? namespace;
    this.label = targetLabel(target, this.#namespace);
  }

  async #requestReconcile(path: string): Promise<void> {
    this.#requested = true;
    const at = new Date(this.#ctx.clock.now()).toISOString();
    try {
      await this.#ctx.api.mergePatch(path, { metadata: { annotations: { [REQUESTED_AT]: at } } });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async observe(): Promise<Observation[]> {
    this.#type ??= await this.#ctx.catalog.resolve(this.#target);
    const type = this.#type;
    const path = objectPath(type, this.#namespace, this.#target.name);
    if (this.#ctx.reconcile && !this.#requested) await this.#requestReconcile(path);
    const object = (await this.#ctx.api.getOptional<KubeObject>(path)).body;
    this.#version = object?.metadata.resourceVersion;
    const assessment = assessFlux(this.#target.known?.kind as FluxKind, object, this.#ctx.rules, this.#target.name);
    return [{ target: this.label, ...assessment }];
  }

  watch(changed: () => void): void {
    if (!this.#type) return;
    this.#watches = new WatchSet(this.#ctx.api, changed);
    this.#watches.add(collectionPath(this.#type, this.#namespace), { fieldSelector: `metadata.name=${this.#target.name}` }, this.#version);
  }

  close(): void {
    this.#watches?.stop();
  }
}
