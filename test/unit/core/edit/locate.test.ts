import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EditOptions, locateImages } from '../../../../src/core/edit/index.ts';
import { UserError } from '../../../../src/core/errors.ts';
import { formatFamiliar } from '../../../../src/core/image-ref.ts';

const D1 = `sha256:${'a'.repeat(64)}`;
const OPTIONS: EditOptions = { pin: 'tag', allowDowngrade: false };

interface Row {
  readonly name: string;
  readonly file: string;
  readonly text: string;
  readonly options?: Partial<EditOptions>;
  /** `kind line:column image` per site, in file order. */
  readonly sites: readonly string[];
}

function found(file: string, text: string, options: Partial<EditOptions> = {}): string[] {
  return locateImages(file, text, { ...OPTIONS, ...options }).map(
    (site) => `${site.kind} ${site.line}:${site.column} ${formatFamiliar(site.image)}`,
  );
}

const ROWS: readonly Row[] = [
  {
    name: 'kustomization images: name, newName, newTag, digest',
    file: 'envs/dev/kustomization.yaml',
    text: `images:\n  - name: nginx\n    newTag: "1.25"\n  - name: app\n    newName: ghcr.io/acme/app\n    digest: ${D1}\n  - name: bare\n`,
    sites: ['kustomize 2:11 nginx:1.25', `kustomize 5:14 ghcr.io/acme/app@${D1}`, 'kustomize 7:11 bare'],
  },
  {
    name: 'Kustomization by kind in another file name; other top-level keys ignored',
    file: 'overlay.yml',
    text: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages: [{name: redis, newTag: "7"}]\nx:\n  image: nginx:1\n',
    sites: ['kustomize 3:17 redis:7'],
  },
  {
    name: 'a kustomization file is not Helm values even without apiVersion',
    file: 'kustomization.yaml',
    text: 'resources: [a.yaml]\nimage:\n  repository: nginx\n  tag: "1"\n',
    sites: [],
  },
  {
    name: 'Deployment containers and initContainers',
    file: 'deploy.yaml',
    text:
      'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n        - image: busybox:1.36\n' +
      '      containers:\n        - name: a\n          image: ghcr.io/acme/a:1.0.0\n',
    sites: ['container 7:18 busybox:1.36', 'container 10:18 ghcr.io/acme/a:1.0.0'],
  },
  {
    name: 'CronJob job template and ephemeralContainers',
    file: 'cron.yaml',
    text:
      'apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: ' +
      '[{name: c, image: "alpine:3.20"}]\n' +
      '          ephemeralContainers: [{name: d, image: busybox}]\n',
    sites: ['container 8:41 alpine:3.20', 'container 9:50 busybox'],
  },
  {
    name: 'a CRD with a pod template at any depth',
    file: 'crd.yaml',
    text:
      'apiVersion: acme.io/v1\nkind: Thing\nspec:\n  runners:\n    - pod:\n        spec:\n          containers:\n            - image: ' +
      'quay.io/acme/runner:2\n',
    sites: ['container 8:22 quay.io/acme/runner:2'],
  },
  {
    name: 'JSON manifest',
    file: 'pod.json',
    text: '{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "image": "nginx:1.27"}]}}',
    sites: ['container 1:84 nginx:1.27'],
  },
  {
    name: 'whole references under keys ending in image, any case, anywhere in a Kubernetes object; bare words are not sites',
    file: 'cm.yaml',
    text:
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  image: nginx:1.27\n  SIDECAR_IMAGE: ghcr.io/acme/side:2\n  baseImage: busybox\n  ' +
      'imagePullPolicy: Always\n',
    sites: ['container 4:10 nginx:1.27', 'container 5:18 ghcr.io/acme/side:2'],
  },
  {
    name: 'Helm values: split registry, nested maps, *Image strings, image map without a tag',
    file: 'values.yaml',
    text:
      'image:\n  registry: docker.io\n  repository: bitnami/redis\n  tag: 7.2.4\n' +
      'sidecar:\n  image:\n    repository: ghcr.io/acme/sidecar\n' +
      'metrics:\n  exporterImage: prom/statsd-exporter:v0.26.0\n' +
      'chart:\n  repository: https://charts.example.com\n  tag: x\n',
    sites: ['helm 3:15 bitnami/redis:7.2.4', 'helm 7:17 ghcr.io/acme/sidecar', 'helm 9:18 prom/statsd-exporter:v0.26.0'],
  },
  {
    name: 'a repository map without a tag outside an image key is not a site',
    file: 'values.yaml',
    text: 'git:\n  repository: acme/charts\n  branch: main\n',
    sites: [],
  },
  {
    name: 'HelmRelease spec.values, digest field',
    file: 'hr.yaml',
    text:
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  values:\n    image:\n      repository: nginx\n      digest: ` +
      `${D1}\n`,
    sites: [`helm 6:19 nginx@${D1}`],
  },
  {
    name: 'numeric-looking plain tags are read as written',
    file: 'values.yaml',
    text: 'a:\n  image: {repository: a, tag: 1.10}\nb:\n  image: {repository: b, tag: 0123}\n',
    sites: ['helm 2:23 a:1.10', 'helm 4:23 b:0123'],
  },
  {
    name: 'templated values are ignored',
    file: 'values.yaml',
    text: 'a:\n  image: "{{ .Values.x }}"\nb:\n  image: {repository: b, tag: "${TAG}"}\nc:\n  image: ${IMAGE}\n',
    sites: [],
  },
  {
    name: 'multi-document files, documents without content, BOM and CRLF',
    file: 'all.yaml',
    text: '\uFEFF# c\r\n---\r\n---\r\napiVersion: v1\r\nkind: Pod\r\nspec:\r\n  containers: [{image: a:1}]\r\n...\r\n---\r\nimage: b:2\r\n',
    sites: ['container 7:24 a:1', 'helm 10:8 b:2'],
  },
  {
    name: 'BOM is not counted as a column',
    file: 'values.yaml',
    text: '\uFEFFimage: nginx:1\n',
    sites: ['helm 1:8 nginx:1'],
  },
  {
    name: '# baton: markers of each shape',
    file: 'crd.yaml',
    text:
      'apiVersion: acme.io/v1\nkind: X\nspec:\n  whole: ghcr.io/acme/a:1.0 # baton: ghcr.io/acme/a\n' +
      '  parts:\n    name: ghcr.io/acme/b # baton: ghcr.io/acme/b:name\n    version: "2.0" # baton: ghcr.io/acme/b:tag\n' +
      `    sum: ${D1} #baton: ghcr.io/acme/b:digest\n` +
      '  list:\n    - v3 # baton: localhost:5000/c:tag\n',
    sites: ['marker 4:10 ghcr.io/acme/a:1.0', `marker 6:11 ghcr.io/acme/b:2.0@${D1}`, 'marker 10:7 localhost:5000/c:v3'],
  },
  {
    name: 'a marker overrides the heuristic for its value',
    file: 'deploy.yaml',
    text: 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: mirror.local/nginx:1.25 # baton: nginx\n',
    sites: ['marker 5:14 nginx:1.25'],
  },
  {
    name: 'a :tag marker makes its own site; the Helm map heuristic standing on that value is dropped',
    file: 'values.yaml',
    text: 'image:\n  repository: nginx\n  tag: 1.25 # baton: nginx:tag\n',
    sites: ['marker 3:8 nginx:1.25'],
  },
  {
    name: 'a :name marker borrows the unmarked tag beside it',
    file: 'values.yaml',
    text: 'image:\n  repository: ghcr.io/acme/x # baton: ghcr.io/acme/x:name\n  tag: 3.0\n',
    sites: ['marker 2:15 ghcr.io/acme/x:3.0'],
  },
  {
    name: 'Flux $imagepolicy markers, mapped with and without namespace; unmapped ones are ignored',
    file: 'deploy.yaml',
    text:
      'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n' +
      '    - image: ghcr.io/acme/a:1 # {"$imagepolicy": "flux-system:a"}\n' +
      '    - image: ghcr.io/acme/b:1 # {"$imagepolicy": "flux-system:b"}\n' +
      '    - image: ghcr.io/acme/c:1 # {"$imagepolicy": "flux-system:c"}\n',
    options: { policies: { 'flux-system:a': 'ghcr.io/acme/a', b: 'ghcr.io/acme/b' } },
    sites: ['flux-marker 5:14 ghcr.io/acme/a:1', 'flux-marker 6:14 ghcr.io/acme/b:1', 'container 7:14 ghcr.io/acme/c:1'],
  },
  {
    name: 'Flux field markers in Helm values',
    file: 'values.yaml',
    text: 'image:\n  repository: ghcr.io/acme/p # {"$imagepolicy": "apps:p:name"}\n' + '  tag: 6.6.0 # {"$imagepolicy": "apps:p:tag"}\n',
    options: { policies: { 'apps:p': 'ghcr.io/acme/p' } },
    sites: ['flux-marker 2:15 ghcr.io/acme/p:6.6.0'],
  },
  {
    name: 'an alias to an anchored scalar is read through the alias',
    file: 'values.yaml',
    text: 'v: &v 1.2.3\na:\n  image:\n    repository: nginx\n    tag: *v\n',
    sites: ['helm 4:17 nginx:1.2.3'],
  },
  {
    name: 'a Helm template that is not YAML yields nothing',
    file: 'templates/deploy.yaml',
    text: '{{- if .Values.enabled }}\napiVersion: v1\nkind: Pod\n  spec: {{ toYaml .Values.spec | nindent 2 }}\n{{- end }}\n',
    sites: [],
  },
  {
    name: 'an empty file and a comment-only file',
    file: 'empty.yaml',
    text: '# nothing here\n',
    sites: [],
  },
];

describe('locateImages', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      assert.deepEqual(found(row.file, row.text, row.options), row.sites);
    });
  }

  it('reports file and image for every site', () => {
    const [site] = locateImages('envs/a/values.yaml', 'image: ghcr.io/acme/a:1\n', OPTIONS);
    assert.deepEqual(site, {
      file: 'envs/a/values.yaml',
      line: 1,
      column: 8,
      kind: 'helm',
      image: { registry: 'ghcr.io', repository: 'acme/a', tag: '1' },
    });
  });

  it('throws a UserError with file:line:column and the reason for malformed YAML', () => {
    assert.throws(
      () => locateImages('envs/a/values.yaml', 'a: 1\nb: [1, 2\nc: 3\n', OPTIONS),
      (error: unknown) => error instanceof UserError && /^envs\/a\/values\.yaml:\d+:\d+: malformed YAML: .+/.test(error.message),
    );
    assert.throws(
      () => locateImages('x.yaml', 'a: 1\na: 2\n', OPTIONS),
      (error: unknown) => error instanceof UserError && error.message.startsWith('x.yaml:2:1: malformed YAML: Map keys must be unique'),
    );
  });

  it('throws a UserError for a # baton: marker naming an invalid image', () => {
    assert.throws(
      () => locateImages('v.yaml', 'image: a:1 # baton: UPPER//x\n', OPTIONS),
      (error: unknown) => error instanceof UserError && error.message.includes('v.yaml:1:8'),
    );
  });

  it('throws a UserError for a policy mapped to an invalid image', () => {
    assert.throws(
      () => locateImages('v.yaml', 'image: a:1 # {"$imagepolicy": "ns:p"}\n', { ...OPTIONS, policies: { 'ns:p': 'bad image' } }),
      (error: unknown) => error instanceof UserError && error.message.includes('policies["ns:p"]'),
    );
  });
});
