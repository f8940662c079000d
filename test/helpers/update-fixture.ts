/** A registry behind the paginating, ETag-answering proxy, with helpers to tag one image many times. */
import { RegistryClient } from '../../src/adapters/registry/registry-client.ts';
import type { ImageRef } from '../../src/core/image-ref.ts';
import { makeImage, pushImage } from './registry-images.ts';
import { type RegistryProxy, startRegistryProxy } from './registry-proxy.ts';
import { type RunningRegistry, startRegistry, testClientOptions } from './registry.ts';

export const REGISTRY_USER = 'update-user';
export const REGISTRY_PASSWORD = 'update-pass-5c1d';

/** A running registry with htpasswd auth, its proxy and a client through the proxy. */
export interface UpdateRegistry {
  readonly registry: RunningRegistry;
  readonly proxy: RegistryProxy;
  readonly client: RegistryClient;
  /** A fresh client through the proxy, as a new run makes. */
  newClient(): RegistryClient;
  ref(repository: string, tag?: string): ImageRef;
  /** Pushes a small image (distinct per `seed`) under `tag`; returns its digest. */
  push(repository: string, tag: string, seed: string, created?: string): Promise<string>;
  /** Points more tags at the image `from` by manifest PUT only. */
  tag(repository: string, from: string, tags: readonly string[]): Promise<void>;
  /** Requests to tag lists since `start`. */
  listings(start: number): { url: string; status: number }[];
  stop(): Promise<void>;
}

/** Starts the registry and the proxy (pagination and ETags on). */
export async function startUpdateRegistry(): Promise<UpdateRegistry> {
  const registry = await startRegistry({ htpasswd: { [REGISTRY_USER]: REGISTRY_PASSWORD } });
  const proxy = await startRegistryProxy(registry.url, { paginateTags: true, etags: true });
  const newClient = () =>
    new RegistryClient(
      testClientOptions([proxy.host], { credentials: [{ registry: proxy.host, username: REGISTRY_USER, password: REGISTRY_PASSWORD }] }),
    );
  const client = newClient();
  const ref = (repository: string, tag?: string): ImageRef => ({ registry: proxy.host, repository, ...(tag ? { tag } : {}) });
  return {
    registry,
    proxy,
    client,
    newClient,
    ref,
    async push(repository, tag, seed, created) {
      return pushImage(client, ref(repository, tag), makeImage({ files: { seed }, ...(created ? { created } : {}) }));
    },
    async tag(repository, from, tags) {
      const manifest = await client.getManifest(ref(repository, from));
      for (const tag of tags) await client.putManifest(ref(repository, tag), manifest);
    },
    listings(start) {
      return proxy.requests
        .slice(start)
        .filter((r) => r.method === 'GET' && r.url.includes('/tags/list'))
        .map((r) => ({ url: r.url, status: r.status }));
    },
    async stop() {
      await client.close();
      await proxy.stop();
      await registry.stop();
    },
  };
}
