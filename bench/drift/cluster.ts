/**
 * The bench's cluster: the Kubernetes API test server in a process of its own (as a real API server
 * would be), filled with the environment, answering the parent over IPC: `ready` with the kubeconfig,
 * `requests` with what it has served so far.
 */
import type { KubeDoc } from '../../src/core/drift/types.ts';
import { manualClock, startKubeApi } from '../../test/helpers/kube-api.ts';
import { applyAll } from '../../test/helpers/drift-harness.ts';

/** Messages from the parent. */
export type ClusterRequest =
  | { kind: 'seed'; docs: KubeDoc[]; namespace: string }
  | { kind: 'drift' }
  | { kind: 'requests' }
  | { kind: 'stop' };

const api = await startKubeApi({ clock: manualClock() });
process.on('message', async (message: ClusterRequest) => {
  if (message.kind === 'seed') {
    applyAll(api, message.docs, message.namespace);
    process.send?.({ kind: 'seeded' });
  } else if (message.kind === 'drift') {
    // A little drift, so that the comparison has something to find.
    api.update('Deployment', 'team-03', 'app-1', (o) => {
      (o.spec['template'] as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image = 'registry.example/app-1:hotfix';
    });
    api.remove('ConfigMap', 'team-07', 'app-2');
    process.send?.({ kind: 'drifted' });
  } else if (message.kind === 'requests') {
    process.send?.({ kind: 'requests', requests: api.requests.map((r) => r.path) });
  } else {
    await api.stop();
    process.exit(0);
  }
});
process.send?.({ kind: 'ready', kubeconfig: api.kubeconfig({ namespace: 'default' }) });
