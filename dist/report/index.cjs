if (!(Number(process.versions.node.split('.')[0]) >= 24)) {
  process.stderr.write('Baton needs Node 24 or newer; this is Node ' + process.versions.node + ' (' + process.execPath + '). Get it with "nvm install 24", "fnm install 24" or from https://nodejs.org/en/download.\n');
  process.exit(1);
}
const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// step-bundle:build-push
var require_build_push = __commonJS({
  "step-bundle:build-push"(exports2, module2) {
    module2.exports = require("../cli/build-push.cjs");
  }
});

// step-bundle:bump
var require_bump = __commonJS({
  "step-bundle:bump"(exports2, module2) {
    module2.exports = require("../cli/bump.cjs");
  }
});

// step-bundle:validate
var require_validate = __commonJS({
  "step-bundle:validate"(exports2, module2) {
    module2.exports = require("../cli/validate.cjs");
  }
});

// step-bundle:verify
var require_verify = __commonJS({
  "step-bundle:verify"(exports2, module2) {
    module2.exports = require("../cli/verify.cjs");
  }
});

// step-bundle:promote
var require_promote = __commonJS({
  "step-bundle:promote"(exports2, module2) {
    module2.exports = require("../cli/promote.cjs");
  }
});

// step-bundle:rollback
var require_rollback = __commonJS({
  "step-bundle:rollback"(exports2, module2) {
    module2.exports = require("../cli/rollback.cjs");
  }
});

// step-bundle:status
var require_status = __commonJS({
  "step-bundle:status"(exports2, module2) {
    module2.exports = require("../cli/status.cjs");
  }
});

// step-bundle:history
var require_history = __commonJS({
  "step-bundle:history"(exports2, module2) {
    module2.exports = require("../cli/history.cjs");
  }
});

// step-bundle:release-hold
var require_release_hold = __commonJS({
  "step-bundle:release-hold"(exports2, module2) {
    module2.exports = require("../cli/release-hold.cjs");
  }
});

// step-bundle:update
var require_update = __commonJS({
  "step-bundle:update"(exports2, module2) {
    module2.exports = require("../cli/update.cjs");
  }
});

// step-bundle:drift
var require_drift = __commonJS({
  "step-bundle:drift"(exports2, module2) {
    module2.exports = require("../cli/drift.cjs");
  }
});

// step-bundle:report
var require_report = __commonJS({
  "step-bundle:report"(exports2, module2) {
    module2.exports = require("../cli/report.cjs");
  }
});

// src/specs/registry-inputs.ts
var insecureRegistriesInput = {
  name: "insecure-registries",
  type: "list",
  env: ["BATON_INSECURE_REGISTRIES"],
  description: "Registries (host:port) that may be reached over plain HTTP or without verifying TLS. Nothing else ever is."
};

// src/specs/build-push.ts
var buildPushSpec = {
  name: "build-push",
  title: "Baton build-push",
  description: "Build a container image once per source (buildx, buildah, podman, kaniko or the built-in layer builder), push it by digest and tag it last, with tags and OCI labels from the CI context.",
  branding: { icon: "package", color: "purple" },
  inputs: [
    {
      name: "image",
      type: "string",
      required: true,
      short: "i",
      description: "Repository to push to (ghcr.io/acme/api), or oci:<dir> for an OCI image layout. A tag given here is one more tag."
    },
    { name: "context", type: "string", default: ".", description: "Build context directory." },
    { name: "file", type: "string", short: "f", description: "Path to the Dockerfile. Default: <context>/Dockerfile." },
    { name: "target", type: "string", description: "Stage of a multi-stage Dockerfile to build." },
    { name: "build-args", type: "list", description: "Build arguments, KEY=VALUE, one per line." },
    {
      name: "platforms",
      type: "list",
      description: "Platforms to build (linux/amd64, linux/arm64); several make an image index. Default: the builder's own."
    },
    {
      name: "builder",
      type: "enum",
      options: ["auto", "buildx", "buildah", "podman", "kaniko", "layer"],
      default: "auto",
      description: "Builder to use. auto picks the first that works here, in this order, and says which; layer is the built-in builder that copies files onto a base (FROM, COPY, ENV, LABEL, CMD, \u2026 but no RUN)."
    },
    {
      name: "tags",
      type: "list",
      short: "t",
      description: "Tags besides the computed ones (sha-<7>, branch, pr-<n>, semver from a git tag), or templates: {{sha}}, {{branch}}, {{tag}}, {{version}}, {{major}}, {{minor}}, {{patch}}, {{pr}}, {{run}}, {{date}}."
    },
    {
      name: "labels",
      type: "list",
      freeText: true,
      description: "More image labels, KEY=VALUE, one per line (the OCI source, revision, created and version labels are set)."
    },
    { name: "push", type: "boolean", default: "true", description: "Push the image; false builds only." },
    {
      name: "username",
      type: "string",
      description: "Registry user name. Default: the docker/containers credential stores, or GitLab CI_REGISTRY_USER."
    },
    { name: "password", type: "string", secret: true, description: "Registry password or token (with username)." },
    insecureRegistriesInput,
    {
      name: "dry-run",
      type: "boolean",
      default: "false",
      description: "Compute tags, labels and the source key and check the registry; build and push nothing."
    }
  ],
  outputs: [
    { name: "image", description: "The image by digest, name@sha256:\u2026." },
    { name: "digest", description: "The registry's digest of the image (never a local image id)." },
    { name: "tags", description: "Every tag the image now has, as name:tag, newline separated." },
    { name: "skipped", description: '"true" when the registry already held an image for this source, so nothing was built.' },
    { name: "builder", description: "The builder that built the image (empty when nothing was built)." },
    { name: "metadata", description: "JSON: digest, digests per platform, source commit, source key, labels, tags, builder." }
  ]
};

// src/specs/env-inputs.ts
var repoInput = {
  name: "repo",
  type: "string",
  required: true,
  description: "The environment repo: an HTTPS URL or a local path.",
  env: ["BATON_REPO"]
};
var branchInput = {
  name: "branch",
  type: "string",
  description: "Branch of the environment. Default: the environment's branch in baton.yaml, else the repo's default branch."
};
var envInput = {
  name: "env",
  type: "string",
  description: "Environment name, resolved through baton.yaml at the repo root. Give env or path."
};
var pathInput = {
  name: "path",
  type: "string",
  description: "Directory inside the repo that holds the environment, when there is no baton.yaml."
};
var tokenInput = {
  name: "token",
  type: "string",
  secret: true,
  githubDefault: "${{ github.token }}",
  description: "Token with access to the env repo (write access to change it, and the forge API in pr mode).",
  env: ["BATON_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN"]
};
var modeInput = {
  name: "mode",
  type: "enum",
  options: ["push", "pr"],
  description: "push: commit to the branch; pr: open or update a pull/merge request. Default: baton.yaml's mode, else push."
};
var forgeInputs = [
  {
    name: "forge",
    type: "enum",
    options: ["auto", "github", "gitlab"],
    default: "auto",
    description: "Forge API for pr mode; auto picks by the repo URL and the CI environment."
  },
  {
    name: "api-url",
    type: "string",
    description: "Forge API base URL. Default: GITHUB_API_URL or CI_API_V4_URL."
  }
];
var authorInput = {
  name: "author",
  type: "string",
  freeText: true,
  default: "baton <baton@users.noreply.localhost>",
  description: 'Commit author as "Name <email>".'
};
var labelsInput = {
  name: "labels",
  type: "list",
  freeText: true,
  description: "Labels for the pull/merge request (comma or newline separated)."
};
var autoMergeInput = {
  name: "auto-merge",
  type: "boolean",
  default: "false",
  description: "Enable auto-merge on the pull/merge request."
};
var dryRunInput = {
  name: "dry-run",
  type: "boolean",
  default: "false",
  description: "Compute and show the diff and outputs; write nothing."
};
var envListInput = {
  name: "env",
  type: "list",
  description: "Environments to show, in this order. Default: every environment in baton.yaml."
};
var allowedSignersInput = {
  name: "allowed-signers",
  type: "string",
  description: "File of keys that may sign the env-repo commits this step acts on: an SSH allowed-signers file (principals keytype key per line) or GPG key fingerprints, one per line. When set, a commit without a good signature by one of them is refused."
};

// src/specs/env-outputs.ts
var changedOutput = {
  name: "changed",
  description: '"true" when the env repo changed (or would, in dry-run).'
};
var prUrlOutput = { name: "pr-url", description: "URL of the pull/merge request (pr mode)." };
var prNumberOutput = {
  name: "pr-number",
  description: "Number of the pull/merge request (pr mode)."
};
var filesOutput = { name: "files", description: "Files changed, newline separated." };

// src/specs/bump.ts
var bumpSpec = {
  name: "bump",
  title: "Baton bump",
  description: "Write a new image tag or digest into an environment repo (kustomize, Helm values, plain manifests) with a byte-exact edit, as a commit or a pull/merge request.",
  branding: { icon: "arrow-up-circle", color: "blue" },
  inputs: [
    repoInput,
    {
      name: "branch",
      type: "string",
      description: "Branch to write to. Default: the environment's branch in baton.yaml, else the repo's default branch."
    },
    envInput,
    pathInput,
    {
      name: "image",
      type: "list",
      required: true,
      short: "i",
      description: "Image(s) to write: name:tag, name@sha256:\u2026, or name:tag@sha256:\u2026. One per line; several land in one commit."
    },
    {
      name: "pin",
      type: "enum",
      options: ["tag", "digest", "tag+digest"],
      default: "tag",
      description: "What to write where the file allows it: the tag, the digest, or both."
    },
    {
      name: "policy",
      type: "string",
      description: 'Write only the values marked with this Flux image policy (`# {"$imagepolicy": "<ns>:<policy>"}`, with or without `:tag`/`:name`), as Flux does; values of other policies and unmarked values are left alone. Give one image: the policy\'s latest.'
    },
    {
      name: "max-file-size",
      type: "string",
      default: "4MiB",
      description: "Files under the environment larger than this (bytes, or with KiB/MiB/GiB) are skipped with a notice when they do not mention the image, and refused when they do."
    },
    modeInput,
    {
      name: "token",
      type: "string",
      secret: true,
      githubDefault: "${{ github.token }}",
      description: "Token with write access to the env repo (and the forge API in pr mode).",
      env: ["BATON_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN"]
    },
    ...forgeInputs,
    authorInput,
    {
      name: "message",
      type: "string",
      freeText: true,
      description: 'Commit subject. Default: "<env>: bump <image> to <tag>". Trailers are always added.'
    },
    labelsInput,
    autoMergeInput,
    {
      name: "allow-downgrade",
      type: "boolean",
      default: "false",
      description: "Write the image even where the repo holds a higher semver version."
    },
    {
      name: "override-hold",
      type: "boolean",
      default: "false",
      description: "Write images that a rollback holds in the environment too, releasing the hold in the same commit. Without it, held images are skipped with a warning."
    },
    dryRunInput
  ],
  outputs: [
    changedOutput,
    { name: "commit", description: "The commit that carries the change (the existing head when nothing changed)." },
    prUrlOutput,
    prNumberOutput,
    { name: "old-tag", description: "Tag (or digest) held before, for the first image." },
    {
      name: "new-tag",
      description: "Tag (or digest) held after, for the first image; empty when a rollback holds it and it was not written."
    },
    { name: "image", description: "The first image as written, name:tag[@digest]." },
    filesOutput,
    { name: "held", description: "Requested images a rollback holds in the environment and that were not written, newline separated." }
  ]
};

// src/specs/cluster-inputs.ts
var kubeconfigInput = {
  name: "kubeconfig",
  type: "string",
  description: "Kubeconfig: a path or the content itself. Default: KUBECONFIG, then ~/.kube/config, then in-cluster."
};
var contextInput = {
  name: "context",
  type: "string",
  description: "Kubeconfig context to use instead of the current one."
};
var argocdServerInput = {
  name: "argocd-server",
  type: "string",
  env: ["ARGOCD_SERVER"],
  description: "Argo CD API server URL (argocd)."
};

// src/specs/drift.ts
var driftSpec = {
  name: "drift",
  title: "Baton drift",
  description: "Compare what runs (Kubernetes API, Argo CD or Flux) with the environment as Git renders it, report drifted objects field by field, keep one issue per environment open while drift lasts, and optionally ask the agent to fix it.",
  branding: { icon: "git-pull-request", color: "orange" },
  inputs: [
    {
      name: "provider",
      type: "enum",
      options: ["kubernetes", "argocd", "flux"],
      default: "kubernetes",
      description: "Where live state comes from: the Kubernetes API (compared with Git here), an Argo CD Application, or Flux Kustomizations/HelmReleases."
    },
    {
      name: "path",
      type: "string",
      short: "p",
      description: "The environment's directory in the env-repo checkout (kubernetes). Default: env's path in baton.yaml."
    },
    { name: "env", type: "string", description: "Environment name (baton.yaml); names the issue and the commit status too." },
    {
      name: "revision",
      type: "string",
      description: "Env-repo commit, branch or tag whose state is desired (kubernetes); default: the checkout as it is. Read from git; the checkout is not touched."
    },
    {
      name: "render",
      type: "enum",
      options: ["auto", "kustomize", "helm", "none"],
      default: "auto",
      description: "How the environment renders: a kustomization through kustomize, a chart through helm template (auto), or plain files (none)."
    },
    { name: "values", type: "list", description: "Helm values files for a chart, in order." },
    { name: "kubernetes-version", type: "string", default: "1.36.0", description: "Kubernetes version Helm renders for (--kube-version)." },
    {
      name: "namespace",
      type: "string",
      short: "n",
      description: "Namespace of objects that name none. Default: the kubeconfig context's namespace."
    },
    kubeconfigInput,
    contextInput,
    {
      name: "owned-by",
      type: "string",
      description: "What the environment owns, to find objects Git no longer has: a label selector (app.kubernetes.io/part-of=shop), applyset=<id>, argocd=<application> (its tracking label or annotation) or flux=<namespace>/<kustomization>."
    },
    {
      name: "ignore-differences",
      type: "string",
      description: "Differences to ignore, as Argo CD's ignoreDifferences (YAML or JSON list): group, kind, optional name and namespace, jsonPointers and/or managedFieldsManagers (e.g. kube-controller-manager for an autoscaler's replicas)."
    },
    argocdServerInput,
    {
      name: "argocd-token",
      type: "string",
      secret: true,
      env: ["ARGOCD_AUTH_TOKEN"],
      description: "Argo CD API token of an account that may get (and, with remediate, sync) the application (argocd)."
    },
    { name: "application", type: "list", description: "Argo CD application name(s), or namespace/name (argocd)." },
    {
      name: "targets",
      type: "list",
      short: "t",
      description: "Flux objects to read: kustomization/name, helmrelease/namespace/name (flux)."
    },
    {
      name: "fail-on-drift",
      type: "boolean",
      default: "true",
      description: "Exit 1 when the environment drifted; false reports drift and succeeds (outputs still say drifted)."
    },
    { name: "reports", type: "list", description: "Reports to write as format=path: json=drift.json, junit=drift-junit.xml." },
    {
      name: "alert",
      type: "enum",
      options: ["none", "issue"],
      default: "none",
      description: "issue: keep one issue per environment on the env repo (opened on drift, updated while it lasts, closed when gone)."
    },
    {
      name: "alert-label",
      type: "string",
      freeText: true,
      default: "baton-drift",
      description: "Label of the drift issue; with the title marker, how the issue is found again."
    },
    {
      name: "commit-status",
      type: "boolean",
      default: "false",
      description: "Also set a commit status (baton/drift/<env>) on the env repo's head."
    },
    {
      name: "repo",
      type: "string",
      env: ["BATON_REPO"],
      description: "The env repo (HTTPS URL) issues and commit statuses go to."
    },
    {
      name: "token",
      type: "string",
      secret: true,
      githubDefault: "${{ github.token }}",
      env: ["BATON_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN"],
      description: "Token that may write issues (and commit statuses) on the env repo."
    },
    {
      name: "remediate",
      type: "boolean",
      default: "false",
      description: "On drift, ask the agent that owns the environment to fix it (Argo CD sync, Flux reconcile request), then check again. Never writes the cluster itself."
    },
    { name: "timeout", type: "duration", default: "5m", description: "How long remediation may take before the drift stands." },
    { name: "interval", type: "duration", default: "5s", description: "How often to look again while remediation runs." },
    { name: "dry-run", type: "boolean", default: "false", description: "Report drift; open no issue, set no status, remediate nothing." }
  ],
  needsOneOf: [
    {
      inputs: ["path", "env"],
      when: { input: "provider", is: "kubernetes" },
      message: "path: give the environment's directory (path) or its name in baton.yaml (env), so drift knows what Git says."
    }
  ],
  outputs: [
    { name: "verdict", description: "in-sync or drifted." },
    { name: "drifted", description: '"true" when the environment drifted.' },
    { name: "checked", description: "Number of objects compared." },
    { name: "drifted-count", description: "Number of drifted (or unreadable) objects." },
    { name: "missing", description: "Objects in Git but not in the cluster." },
    { name: "changed", description: "Objects whose fields differ from Git." },
    { name: "extra", description: "Objects the environment owns that Git no longer has." },
    { name: "unreadable", description: "Kinds that could not be read (RBAC, not served)." },
    { name: "details", description: "JSON: the drifted objects with their field diffs (secret values hidden)." },
    { name: "report-paths", description: "Comma-separated paths of the reports written." },
    { name: "issue-url", description: "The drift issue opened or updated (empty when none is open)." },
    { name: "remediated", description: '"true" when remediation ran and the environment is back in sync.' }
  ],
  gitlab: { reports: { junit: "drift-junit.xml" }, inputDefaults: { reports: "junit=drift-junit.xml" } }
};

// src/specs/history.ts
var historySpec = {
  name: "history",
  title: "Baton history",
  description: "List what an environment ran, newest first, from the env repo: commits, dates, image tags and digests, verification verdicts and rollbacks.",
  branding: { icon: "clock", color: "gray-dark" },
  inputs: [
    repoInput,
    branchInput,
    envInput,
    pathInput,
    {
      name: "limit",
      type: "number",
      default: "20",
      description: "How many states to list (each a change of an image version)."
    },
    tokenInput
  ],
  outputs: [
    { name: "entries", description: "JSON: the states, newest first, with commit, time, author, images, verdict and rollback." },
    { name: "current", description: "The env-repo commit the environment runs now (the newest that touched its path)." },
    { name: "count", description: "How many states were listed." }
  ]
};

// src/specs/promote.ts
var promoteSpec = {
  name: "promote",
  title: "Baton promote",
  description: "Carry the images a source environment was verified with, by digest, into the next environment(s): refuses unverified or unsoaked sources and held images, optionally copies the images to another registry.",
  branding: { icon: "fast-forward", color: "green" },
  inputs: [
    repoInput,
    {
      name: "from",
      type: "string",
      description: "Source environment. Default: each target's promote-from in baton.yaml."
    },
    {
      name: "to",
      type: "list",
      required: true,
      description: "Target environment(s) from baton.yaml; several promote the same images into each."
    },
    {
      name: "image",
      type: "list",
      short: "i",
      description: "Image name(s) to promote (no tag). Default: every image of the source environment."
    },
    {
      ...branchInput,
      description: "Branch of the target environment(s). Default: each environment's branch in baton.yaml, else the repo's default branch."
    },
    modeInput,
    {
      name: "require-verified",
      type: "boolean",
      default: "true",
      description: "Refuse unless the commit the source runs carries a healthy verification record (the note verify writes)."
    },
    {
      name: "soak",
      type: "duration",
      default: "0s",
      description: "Minimum time since the source was verified, e.g. 30m or 2h."
    },
    {
      name: "pin",
      type: "enum",
      options: ["tag+digest", "digest"],
      default: "tag+digest",
      description: "What to write where the file allows it: tag and digest, or the digest alone. The digest is always written."
    },
    {
      name: "copy-to",
      type: "string",
      description: "Registry (and path) to copy each image into by digest before writing it, e.g. prod.registry.example.com/team: the image keeps the last part of its name there."
    },
    {
      name: "tag-as",
      type: "string",
      description: "An extra tag to point at each promoted digest (in the copy-to registry when given), e.g. prod."
    },
    insecureRegistriesInput,
    {
      name: "override-hold",
      type: "boolean",
      default: "false",
      description: "Promote images a rollback holds in the target too, releasing the hold in the same commit."
    },
    {
      name: "allow-downgrade",
      type: "boolean",
      default: "false",
      description: "Write the image even where the target holds a higher semver version."
    },
    tokenInput,
    ...forgeInputs,
    {
      name: "source-token",
      type: "string",
      secret: true,
      description: "Token to read the images' source repositories on the forge (commits between the revisions). Default: token.",
      env: ["BATON_SOURCE_TOKEN"]
    },
    authorInput,
    labelsInput,
    autoMergeInput,
    dryRunInput,
    allowedSignersInput
  ],
  outputs: [
    { name: "changed", description: '"true" when any target changed (or would, in dry-run).' },
    { name: "commit", description: "The commit that carries the promotion, one line per target in `to` order." },
    { name: "pr-url", description: "URL of the pull/merge request (pr mode), one line per target in `to` order." },
    { name: "images", description: 'JSON: [{"env", "image", "old", "new", "digest", "digestFrom", "copiedTo"}] for each promoted image.' },
    { name: "verified-commit", description: "The source commit whose verification record the promotion relied on." }
  ]
};

// src/specs/release-hold.ts
var releaseHoldSpec = {
  name: "release-hold",
  title: "Baton release-hold",
  description: "Remove the hold a rollback left on images in an environment, as a commit, so bumps and promotions of them apply again.",
  branding: { icon: "unlock", color: "green" },
  inputs: [
    repoInput,
    branchInput,
    envInput,
    pathInput,
    {
      name: "image",
      type: "list",
      short: "i",
      description: "Image name(s) to release (no tag). Default: every held image of the environment."
    },
    {
      name: "reason",
      type: "string",
      freeText: true,
      description: "Why the hold can go: goes into the commit message."
    },
    modeInput,
    tokenInput,
    ...forgeInputs,
    authorInput,
    labelsInput,
    dryRunInput
  ],
  outputs: [
    { name: "changed", description: '"true" when a hold was removed (or would be, in dry-run).' },
    { name: "commit", description: "The commit that removes the holds (the existing head when nothing changed)." },
    prUrlOutput,
    { name: "released", description: "Images released, newline separated." }
  ]
};

// src/specs/report.ts
var reportSpec = {
  name: "report",
  title: "Baton report",
  description: "Write a static delivery dashboard from the env repo alone: where every version is, a timeline per environment, promotion lead time and the four delivery metrics per month, as one offline HTML page.",
  branding: { icon: "bar-chart-2", color: "blue" },
  inputs: [
    repoInput,
    envListInput,
    {
      name: "out",
      type: "string",
      default: "baton-report",
      description: "Directory the site is written to (index.html and report.json); publish it with GitHub Pages or GitLab Pages."
    },
    {
      name: "title",
      type: "string",
      freeText: true,
      default: "Baton delivery report",
      description: "The page's title."
    },
    {
      name: "forge",
      type: "enum",
      options: ["auto", "github", "gitlab"],
      default: "auto",
      description: "Shape of the commit and PR/MR links on the page; auto picks GitLab when the repo host names it."
    },
    tokenInput
  ],
  outputs: [
    { name: "page", description: "Path of the written index.html." },
    { name: "matrix", description: "JSON: the status matrix, as status writes it." },
    {
      name: "metrics",
      description: 'JSON: {env: [{"month", "deployments", "leadTimeMs", "changeFailureRate", "timeToRestoreMs", "failures"}]}.'
    },
    { name: "deployments", description: "How many deploys and promotions the history holds, all environments together." }
  ]
};

// src/specs/rollback.ts
var rollbackSpec = {
  name: "rollback",
  title: "Baton rollback",
  description: "Put an environment's images back to an earlier version found in the env repo's own history, as a new forward commit with the reason and actor, and leave a hold next to the value that bumps and promotions respect.",
  branding: { icon: "rotate-ccw", color: "red" },
  inputs: [
    repoInput,
    branchInput,
    envInput,
    pathInput,
    {
      name: "to",
      type: "string",
      default: "previous",
      description: "Where to go back to: previous, a number of steps back (2), a tag (1.4.1 or tag:1.4.1), a digest (sha256:\u2026) or an env-repo commit (abc1234 or commit:abc1234)."
    },
    {
      name: "image",
      type: "list",
      short: "i",
      description: "Image name(s) to roll back (no tag). Default: every image that differs from the chosen state."
    },
    {
      name: "reason",
      type: "string",
      freeText: true,
      required: true,
      description: "Why: goes into the commit message and the hold."
    },
    {
      name: "hold",
      type: "boolean",
      default: "true",
      description: "Leave a hold comment next to each rolled-back value, so bumps and promotions leave it alone until released."
    },
    modeInput,
    tokenInput,
    ...forgeInputs,
    authorInput,
    labelsInput,
    dryRunInput,
    allowedSignersInput
  ],
  outputs: [
    changedOutput,
    { name: "commit", description: "The commit that carries the rollback (the existing head when nothing changed)." },
    prUrlOutput,
    prNumberOutput,
    { name: "restored", description: "The env-repo commit whose state was restored." },
    { name: "images", description: 'JSON: [{"image", "from", "to"}] for each image written back.' },
    { name: "held", description: "Images held after the rollback, newline separated." },
    filesOutput
  ]
};

// src/specs/status.ts
var statusSpec = {
  name: "status",
  title: "Baton status",
  description: "Show a matrix of images \xD7 environments from the env repo: tag, digest, commit, age, verification verdict and holds, and which environments differ.",
  branding: { icon: "grid", color: "blue" },
  inputs: [
    repoInput,
    envListInput,
    {
      name: "image",
      type: "list",
      short: "i",
      description: "Image names to show. Default: every image found."
    },
    tokenInput
  ],
  outputs: [
    {
      name: "matrix",
      description: 'JSON: {"environments": [...], "rows": [{"image", "differs", "cells": {env: {tag, digest, commit, since, ageMs, verdict, hold}}}]}.'
    },
    { name: "differs", description: "Images whose versions differ between the environments, newline separated." },
    { name: "held", description: '"<env> <image>" for each hold, newline separated.' }
  ]
};

// src/specs/update.ts
var updateSpec = {
  name: "update",
  title: "Baton update",
  description: "Keep environments on the newest image version their policies in baton.yaml allow (semver, alphabetical, numerical, newest-build, digest), by pull/merge request per environment or by push; meant for a schedule, with a tag cache.",
  branding: { icon: "refresh-cw", color: "blue" },
  inputs: [
    repoInput,
    branchInput,
    {
      name: "env",
      type: "string",
      description: "Only this environment. Default: every environment of baton.yaml with update policies."
    },
    {
      name: "mode",
      type: "enum",
      options: ["pr", "push"],
      default: "pr",
      description: "pr: one pull/merge request per environment, updated in place by later runs; push: commit to the branch where the environment allows it (baton.yaml mode is not pr)."
    },
    tokenInput,
    ...forgeInputs,
    authorInput,
    labelsInput,
    autoMergeInput,
    {
      name: "cache",
      type: "string",
      description: "File that keeps tag listings with their ETags between runs (restore and save it with the CI cache), so a quiet run costs one conditional request per repository.",
      env: ["BATON_UPDATE_CACHE"]
    },
    insecureRegistriesInput,
    {
      name: "page-size",
      type: "number",
      description: "Tags per page asked of registries (?n=). Default: the registry's own page size."
    },
    {
      name: "import",
      type: "enum",
      options: ["flux", "argocd"],
      description: "Instead of updating: read Flux ImageRepository/ImagePolicy/ImageUpdateAutomation objects (flux) or an Application's argocd-image-updater annotations (argocd) in the repo and show the baton.yaml policies they amount to."
    },
    {
      name: "write",
      type: "boolean",
      default: "false",
      description: "With import: write the imported policies into baton.yaml (as a commit, by mode) instead of only showing the diff."
    },
    dryRunInput
  ],
  outputs: [
    { name: "updates", description: "JSON list of the updates found: env, policy, image, old, new, link (also when dry-run)." },
    changedOutput,
    { name: "pr-url", description: "URLs of the pull/merge requests opened or updated, one per line." },
    { name: "commit", description: "Commits pushed (push mode) or on the request branches, one per line." },
    filesOutput
  ]
};

// src/specs/validate.ts
var validateSpec = {
  name: "validate",
  title: "Baton validate",
  description: "Render (kustomize, Helm) and check the manifests of an environment before they merge: Kubernetes schemas offline and strict for a target version, CRDs, policies, and optionally that every image exists.",
  branding: { icon: "check-circle", color: "green" },
  inputs: [
    {
      name: "paths",
      type: "list",
      short: "p",
      positional: true,
      description: 'Files and directories to check, relative to the working directory ("." for all of it; "-" reads standard input). Default: the path of env in baton.yaml; give paths or env. On the command line, bare arguments are paths too.'
    },
    {
      name: "env",
      type: "string",
      description: "Environment name: its path comes from baton.yaml, and its levels from the policy file."
    },
    {
      name: "render",
      type: "enum",
      options: ["auto", "kustomize", "helm", "none"],
      default: "auto",
      description: "auto renders a directory with a kustomization through kustomize (or kubectl kustomize) and a chart through helm template; none reads files as they are."
    },
    {
      name: "values",
      type: "list",
      description: "Helm values files for charts, in order (after the env values file the chart has, values-<env>.yaml)."
    },
    {
      name: "kubernetes-version",
      type: "string",
      default: "1.36.0",
      description: "Kubernetes version to check against (x.y or x.y.z, or master for the newest): APIs it no longer (or not yet) serves are errors."
    },
    {
      name: "strict",
      type: "boolean",
      default: "true",
      description: "Unknown fields and duplicate keys are errors."
    },
    {
      name: "schema-location",
      type: "list",
      description: 'kubeconform-compatible schema locations: templates ({{ .ResourceKind }}, {{ .KindSuffix }}, \u2026), local directories, or "default" for the built-in schemas. Default: the built-in schemas.'
    },
    {
      name: "crd-dir",
      type: "list",
      description: "Directories (or files) with CustomResourceDefinitions whose schemas check custom resources; CRDs among the inputs count too."
    },
    {
      name: "ignore-missing-schemas",
      type: "boolean",
      default: "false",
      description: "Skip resources whose kind has no schema instead of failing on them."
    },
    {
      name: "skip-kinds",
      type: "list",
      description: "Kinds not to check: Kind or apiVersion/Kind (e.g. Secret, apps/v1/Deployment)."
    },
    {
      name: "reject-kinds",
      type: "list",
      description: "Kinds that must not appear: Kind or apiVersion/Kind."
    },
    {
      name: "policy",
      type: "string",
      description: "Policy file (YAML) that sets rule levels (error, warning, notice, off), for all environments and per environment."
    },
    {
      name: "check-images",
      type: "boolean",
      default: "false",
      description: "Check that every image reference resolves in its registry (HEAD on its manifest; credentials from the Docker config)."
    },
    {
      name: "output",
      type: "enum",
      options: ["text", "json", "junit", "sarif", "codequality"],
      default: "text",
      description: "Format of the report written to output-file, or printed when there is none."
    },
    {
      name: "output-file",
      type: "string",
      description: "Write the report here instead of printing it."
    },
    {
      name: "reports",
      type: "list",
      description: "More reports as format=path, e.g. junit=baton-junit.xml, codequality=gl-code-quality-report.json, sarif=baton.sarif."
    },
    {
      name: "fail-on",
      type: "enum",
      options: ["error", "warning"],
      default: "error",
      description: "Findings at this level or above fail the step."
    },
    {
      name: "allow-empty",
      type: "boolean",
      default: "false",
      description: "Pass when the inputs hold no Kubernetes objects (by default that fails: a renderer that printed nothing must not pass)."
    }
  ],
  // Why: the working directory of a CI job is the whole checkout, so checking it by default would fail on
  // files that were never manifests; and this is known before the schemas and renderers load.
  needsOneOf: [
    {
      inputs: ["paths", "env"],
      message: "paths: nothing to check; give paths (files and directories, e.g. envs/staging or .) or env (its path comes from baton.yaml)."
    }
  ],
  gitlab: {
    reports: { junit: "baton-junit.xml", codequality: "gl-code-quality-report.json" },
    inputDefaults: { reports: "junit=baton-junit.xml,codequality=gl-code-quality-report.json" }
  },
  outputs: [
    { name: "valid", description: '"true" when no finding reached fail-on.' },
    { name: "resources", description: "Number of resources checked." },
    { name: "files", description: "Number of files and rendered streams read." },
    { name: "errors", description: "Number of error findings." },
    { name: "warnings", description: "Number of warning findings." },
    { name: "skipped", description: "Number of resources skipped (skip-kinds, or no schema under ignore-missing-schemas)." },
    { name: "report-files", description: "Report files written, newline separated." }
  ]
};

// src/specs/verify.ts
var verifySpec = {
  name: "verify",
  title: "Baton verify",
  description: "Wait until an environment runs what Git says (Kubernetes rollout, Argo CD, Flux or an HTTP endpoint), fail fast when it cannot, and record the verdict on the env-repo commit.",
  branding: { icon: "check-circle", color: "green" },
  inputs: [
    {
      name: "provider",
      type: "enum",
      options: ["kubernetes", "argocd", "flux", "http"],
      default: "kubernetes",
      description: "What to ask: the Kubernetes API (workloads), Argo CD (Applications), Flux (Kustomizations, HelmReleases) or a URL."
    },
    {
      name: "targets",
      type: "list",
      short: "t",
      description: "What must be healthy: kind/name or kind/namespace/name (deployment/web, sts/db, kustomization/flux-system/apps, application/web, certificate.cert-manager.io/web). With selector, a kind alone (deployment)."
    },
    {
      name: "selector",
      type: "string",
      description: "Label selector for workloads instead of names (app=web); kinds from targets, else deployments, statefulsets and daemonsets."
    },
    {
      name: "namespace",
      type: "string",
      short: "n",
      description: "Namespace of targets that name none. Default: the kubeconfig context's namespace (flux: flux-system)."
    },
    kubeconfigInput,
    contextInput,
    {
      name: "expected-image",
      type: "string",
      description: "Image the new pods must run (name:tag, name@sha256:\u2026); checked by digest when given."
    },
    {
      name: "expected-revision",
      type: "string",
      description: "The env-repo commit that must be deployed (argocd, flux; bump's commit output). Also the commit the verdict is recorded on."
    },
    argocdServerInput,
    {
      name: "argocd-token",
      type: "string",
      secret: true,
      env: ["ARGOCD_AUTH_TOKEN"],
      description: "Argo CD API token of an account that may get the application (argocd)."
    },
    {
      name: "application",
      type: "list",
      description: "Argo CD application name(s), or namespace/name for apps outside the Argo CD namespace (argocd)."
    },
    {
      name: "project",
      type: "string",
      description: 'Argo CD project of the application(s); lets Argo CD tell "not found" from "not allowed".'
    },
    { name: "url", type: "string", description: "URL to poll (http)." },
    { name: "expect-status", type: "number", description: "Status code the URL must answer with (http). Default: any 2xx." },
    {
      name: "expect-json",
      type: "list",
      description: "path=value the JSON body must hold, e.g. version=1.4.2 or $.build.tag=1.4.2 (http)."
    },
    { name: "expect-header", type: "list", description: "name=value a response header must hold, e.g. x-version=1.4.2 (http)." },
    {
      name: "repo",
      type: "string",
      env: ["BATON_REPO"],
      description: "The env repo the verdict is recorded in (HTTPS URL or local path); with argocd, picks its source among several."
    },
    {
      name: "branch",
      type: "string",
      description: "Branch of the env repo. Default: the environment's branch in baton.yaml, else the default branch."
    },
    { name: "env", type: "string", description: "Environment the verdict is recorded for (a name in baton.yaml)." },
    {
      name: "token",
      type: "string",
      secret: true,
      githubDefault: "${{ github.token }}",
      env: ["BATON_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN"],
      description: "Token with write access to the env repo, to record the verdict."
    },
    { name: "timeout", type: "duration", default: "10m", description: "How long to wait for the verdict (90s, 10m, 1h)." },
    { name: "interval", type: "duration", default: "2s", description: "How often to look; Kubernetes watches wake verify sooner." },
    {
      name: "grace",
      type: "duration",
      default: "60s",
      description: "How long a new pod may fail to pull its image, be unschedulable or miss its config, from the pod's own timestamps."
    },
    {
      name: "restart-threshold",
      type: "number",
      default: "3",
      description: "Restarts after which a crash-looping new pod fails the rollout."
    },
    {
      name: "reconcile",
      type: "boolean",
      default: "false",
      description: "flux: ask the controller to reconcile now (reconcile.fluxcd.io/requestedAt) before waiting."
    },
    {
      name: "record",
      type: "boolean",
      default: "true",
      description: "Record the verdict as a git note (refs/notes/baton) on the verified env-repo commit and mirror it to the forge."
    },
    {
      name: "on-failure",
      type: "enum",
      options: ["fail", "rollback"],
      default: "fail",
      description: "fail: report and exit 1; rollback: also hand the environment to the rollback step."
    },
    { name: "dry-run", type: "boolean", default: "false", description: "Give the verdict; record nothing and roll nothing back." }
  ],
  needsOneOf: [
    {
      inputs: ["targets", "selector"],
      when: { input: "provider", is: "kubernetes" },
      message: "targets: give at least one kind/name (e.g. deployment/web), or a selector."
    }
  ],
  outputs: [
    { name: "status", description: "healthy, failed or timeout." },
    { name: "reason", description: "Why, in one line; on timeout the last state of each target." },
    { name: "details", description: "JSON: one object per target with outcome, reason, message and facts (revision, images, counts)." },
    { name: "revision", description: "The env-repo commit the verdict is about (expected-revision, else the one recorded on)." },
    { name: "recorded", description: '"true" when the verdict was recorded in the env repo.' },
    { name: "rollback", description: "What on-failure: rollback did, when it ran." }
  ]
};

// src/specs/index.ts
var stepSpecs = [
  buildPushSpec,
  bumpSpec,
  validateSpec,
  verifySpec,
  promoteSpec,
  rollbackSpec,
  statusSpec,
  updateSpec,
  driftSpec,
  reportSpec
];
var cliOnlySpecs = [historySpec, releaseHoldSpec];
function specFor(name) {
  return [...stepSpecs, ...cliOnlySpecs].find((spec) => spec.name === name);
}

// node_modules/@actions/core/lib/command.js
var os = __toESM(require("os"), 1);

// node_modules/@actions/core/lib/utils.js
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}

// node_modules/@actions/core/lib/command.js
function issueCommand(command, properties, message) {
  const cmd = new Command(command, properties, message);
  process.stdout.write(cmd.toString() + os.EOL);
}
function issue(name, message = "") {
  issueCommand(name, {}, message);
}
var CMD_STRING = "::";
var Command = class {
  constructor(command, properties, message) {
    if (!command) {
      command = "missing.command";
    }
    this.command = command;
    this.properties = properties;
    this.message = message;
  }
  toString() {
    let cmdStr = CMD_STRING + this.command;
    if (this.properties && Object.keys(this.properties).length > 0) {
      cmdStr += " ";
      let first = true;
      for (const key in this.properties) {
        if (this.properties.hasOwnProperty(key)) {
          const val = this.properties[key];
          if (val) {
            if (first) {
              first = false;
            } else {
              cmdStr += ",";
            }
            cmdStr += `${key}=${escapeProperty(val)}`;
          }
        }
      }
    }
    cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
    return cmdStr;
  }
};
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// node_modules/@actions/core/lib/file-command.js
var crypto = __toESM(require("crypto"), 1);
var fs = __toESM(require("fs"), 1);
var os2 = __toESM(require("os"), 1);
function issueFileCommand(command, message) {
  const filePath = process.env[`GITHUB_${command}`];
  if (!filePath) {
    throw new Error(`Unable to find environment variable for file command ${command}`);
  }
  if (!fs.existsSync(filePath)) {
    throw new Error(`Missing file at path: ${filePath}`);
  }
  fs.appendFileSync(filePath, `${toCommandValue(message)}${os2.EOL}`, {
    encoding: "utf8"
  });
}
function prepareKeyValueMessage(key, value) {
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  const convertedValue = toCommandValue(value);
  if (key.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (convertedValue.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${os2.EOL}${convertedValue}${os2.EOL}${delimiter}`;
}

// node_modules/@actions/core/lib/core.js
var os4 = __toESM(require("os"), 1);

// node_modules/@actions/core/lib/summary.js
var import_os = require("os");
var import_fs = require("fs");
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var { access, appendFile, writeFile } = import_fs.promises;
var SUMMARY_ENV_VAR = "GITHUB_STEP_SUMMARY";
var Summary = class {
  constructor() {
    this._buffer = "";
  }
  /**
   * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
   * Also checks r/w permissions.
   *
   * @returns step summary file path
   */
  filePath() {
    return __awaiter(this, void 0, void 0, function* () {
      if (this._filePath) {
        return this._filePath;
      }
      const pathFromEnv = process.env[SUMMARY_ENV_VAR];
      if (!pathFromEnv) {
        throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
      }
      try {
        yield access(pathFromEnv, import_fs.constants.R_OK | import_fs.constants.W_OK);
      } catch (_a) {
        throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
      }
      this._filePath = pathFromEnv;
      return this._filePath;
    });
  }
  /**
   * Wraps content in an HTML tag, adding any HTML attributes
   *
   * @param {string} tag HTML tag to wrap
   * @param {string | null} content content within the tag
   * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
   *
   * @returns {string} content wrapped in HTML element
   */
  wrap(tag, content, attrs = {}) {
    const htmlAttrs = Object.entries(attrs).map(([key, value]) => ` ${key}="${value}"`).join("");
    if (!content) {
      return `<${tag}${htmlAttrs}>`;
    }
    return `<${tag}${htmlAttrs}>${content}</${tag}>`;
  }
  /**
   * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
   *
   * @param {SummaryWriteOptions} [options] (optional) options for write operation
   *
   * @returns {Promise<Summary>} summary instance
   */
  write(options) {
    return __awaiter(this, void 0, void 0, function* () {
      const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
      const filePath = yield this.filePath();
      const writeFunc = overwrite ? writeFile : appendFile;
      yield writeFunc(filePath, this._buffer, { encoding: "utf8" });
      return this.emptyBuffer();
    });
  }
  /**
   * Clears the summary buffer and wipes the summary file
   *
   * @returns {Summary} summary instance
   */
  clear() {
    return __awaiter(this, void 0, void 0, function* () {
      return this.emptyBuffer().write({ overwrite: true });
    });
  }
  /**
   * Returns the current summary buffer as a string
   *
   * @returns {string} string of summary buffer
   */
  stringify() {
    return this._buffer;
  }
  /**
   * If the summary buffer is empty
   *
   * @returns {boolen} true if the buffer is empty
   */
  isEmptyBuffer() {
    return this._buffer.length === 0;
  }
  /**
   * Resets the summary buffer without writing to summary file
   *
   * @returns {Summary} summary instance
   */
  emptyBuffer() {
    this._buffer = "";
    return this;
  }
  /**
   * Adds raw text to the summary buffer
   *
   * @param {string} text content to add
   * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
   *
   * @returns {Summary} summary instance
   */
  addRaw(text, addEOL = false) {
    this._buffer += text;
    return addEOL ? this.addEOL() : this;
  }
  /**
   * Adds the operating system-specific end-of-line marker to the buffer
   *
   * @returns {Summary} summary instance
   */
  addEOL() {
    return this.addRaw(import_os.EOL);
  }
  /**
   * Adds an HTML codeblock to the summary buffer
   *
   * @param {string} code content to render within fenced code block
   * @param {string} lang (optional) language to syntax highlight code
   *
   * @returns {Summary} summary instance
   */
  addCodeBlock(code, lang) {
    const attrs = Object.assign({}, lang && { lang });
    const element = this.wrap("pre", this.wrap("code", code), attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML list to the summary buffer
   *
   * @param {string[]} items list of items to render
   * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
   *
   * @returns {Summary} summary instance
   */
  addList(items, ordered = false) {
    const tag = ordered ? "ol" : "ul";
    const listItems = items.map((item) => this.wrap("li", item)).join("");
    const element = this.wrap(tag, listItems);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML table to the summary buffer
   *
   * @param {SummaryTableCell[]} rows table rows
   *
   * @returns {Summary} summary instance
   */
  addTable(rows) {
    const tableBody = rows.map((row) => {
      const cells = row.map((cell) => {
        if (typeof cell === "string") {
          return this.wrap("td", cell);
        }
        const { header, data, colspan, rowspan } = cell;
        const tag = header ? "th" : "td";
        const attrs = Object.assign(Object.assign({}, colspan && { colspan }), rowspan && { rowspan });
        return this.wrap(tag, data, attrs);
      }).join("");
      return this.wrap("tr", cells);
    }).join("");
    const element = this.wrap("table", tableBody);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds a collapsable HTML details element to the summary buffer
   *
   * @param {string} label text for the closed state
   * @param {string} content collapsable content
   *
   * @returns {Summary} summary instance
   */
  addDetails(label, content) {
    const element = this.wrap("details", this.wrap("summary", label) + content);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML image tag to the summary buffer
   *
   * @param {string} src path to the image you to embed
   * @param {string} alt text description of the image
   * @param {SummaryImageOptions} options (optional) addition image attributes
   *
   * @returns {Summary} summary instance
   */
  addImage(src, alt, options) {
    const { width, height } = options || {};
    const attrs = Object.assign(Object.assign({}, width && { width }), height && { height });
    const element = this.wrap("img", null, Object.assign({ src, alt }, attrs));
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML section heading element
   *
   * @param {string} text heading text
   * @param {number | string} [level=1] (optional) the heading level, default: 1
   *
   * @returns {Summary} summary instance
   */
  addHeading(text, level) {
    const tag = `h${level}`;
    const allowedTag = ["h1", "h2", "h3", "h4", "h5", "h6"].includes(tag) ? tag : "h1";
    const element = this.wrap(allowedTag, text);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML thematic break (<hr>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addSeparator() {
    const element = this.wrap("hr", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML line break (<br>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addBreak() {
    const element = this.wrap("br", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML blockquote to the summary buffer
   *
   * @param {string} text quote text
   * @param {string} cite (optional) citation url
   *
   * @returns {Summary} summary instance
   */
  addQuote(text, cite) {
    const attrs = Object.assign({}, cite && { cite });
    const element = this.wrap("blockquote", text, attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML anchor tag to the summary buffer
   *
   * @param {string} text link text/content
   * @param {string} href hyperlink
   *
   * @returns {Summary} summary instance
   */
  addLink(text, href) {
    const element = this.wrap("a", text, { href });
    return this.addRaw(element).addEOL();
  }
};
var _summary = new Summary();
var summary = _summary;

// node_modules/@actions/core/lib/platform.js
var import_os2 = __toESM(require("os"), 1);

// node_modules/@actions/io/lib/io-util.js
var fs2 = __toESM(require("fs"), 1);
var { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs2.promises;
var IS_WINDOWS = process.platform === "win32";
var READONLY = fs2.constants.O_RDONLY;

// node_modules/@actions/exec/lib/toolrunner.js
var IS_WINDOWS2 = process.platform === "win32";

// node_modules/@actions/core/lib/platform.js
var platform = import_os2.default.platform();
var arch = import_os2.default.arch();

// node_modules/@actions/core/lib/core.js
var __awaiter2 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var ExitCode;
(function(ExitCode2) {
  ExitCode2[ExitCode2["Success"] = 0] = "Success";
  ExitCode2[ExitCode2["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
function setSecret(secret) {
  issueCommand("add-mask", {}, secret);
}
function getInput(name, options) {
  const val = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options && options.required && !val) {
    throw new Error(`Input required and not supplied: ${name}`);
  }
  if (options && options.trimWhitespace === false) {
    return val;
  }
  return val.trim();
}
function setOutput(name, value) {
  const filePath = process.env["GITHUB_OUTPUT"] || "";
  if (filePath) {
    return issueFileCommand("OUTPUT", prepareKeyValueMessage(name, value));
  }
  process.stdout.write(os4.EOL);
  issueCommand("set-output", { name }, toCommandValue(value));
}
function setFailed(message) {
  process.exitCode = ExitCode.Failure;
  error(message);
}
function error(message, properties = {}) {
  issueCommand("error", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function warning(message, properties = {}) {
  issueCommand("warning", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function notice(message, properties = {}) {
  issueCommand("notice", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function info(message) {
  process.stdout.write(message + os4.EOL);
}
function startGroup(name) {
  issue("group", name);
}
function endGroup() {
  issue("endgroup");
}
function group(name, fn) {
  return __awaiter2(this, void 0, void 0, function* () {
    startGroup(name);
    let result;
    try {
      result = yield fn();
    } finally {
      endGroup();
    }
    return result;
  });
}

// src/adapters/exec.ts
function redact(text, secrets = []) {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join("***");
  }
  return out;
}

// src/platform/redactor.ts
var Redactor = class {
  secrets = [];
  /** Adds a secret and the encodings it commonly leaks in (base64 of itself and of `user:secret`). */
  add(value) {
    if (!value || value.length < 3 || this.secrets.includes(value)) return;
    this.secrets.push(value, Buffer.from(value).toString("base64"));
    this.secrets.sort((a, b) => b.length - a.length);
  }
  /** The text with every known secret replaced by `***`. */
  apply(text) {
    return redact(text, this.secrets);
  }
  /** The secrets known so far (for exec's own redaction). */
  list() {
    return this.secrets;
  }
};

// src/platform/workflow-commands.ts
var import_node_crypto = require("node:crypto");
var LINE_BREAK = /\r\n|\r|\n/;
function mayActAsCommand(text) {
  return text.split(LINE_BREAK).some((line) => line.trimStart().startsWith("::") || line.includes("##["));
}
function inertText(text, token = () => (0, import_node_crypto.randomUUID)().replaceAll("-", "")) {
  if (!mayActAsCommand(text)) return text;
  const stop = token();
  return `::stop-commands::${stop}
${text}
::${stop}::`;
}

// src/platform/github.ts
function githubPlatform() {
  const redactor = new Redactor();
  const log = {
    info: (message) => info(inertText(redactor.apply(message))),
    // CI logs do not redraw lines: each status is a line of its own.
    progress: (message) => info(inertText(redactor.apply(message))),
    warn: (message) => warning(redactor.apply(message)),
    secret: (value) => {
      redactor.add(value);
      setSecret(value);
    },
    group: (title, body) => group(redactor.apply(title), body)
  };
  return {
    name: "github",
    log,
    rawInputs(spec) {
      const raw = {};
      for (const input of spec.inputs) raw[input.name] = getInput(input.name);
      return raw;
    },
    async setOutputs(outputs) {
      for (const [name, value] of Object.entries(outputs)) setOutput(name, redactor.apply(value));
    },
    async writeSummary(markdown) {
      if (!process.env["GITHUB_STEP_SUMMARY"]) {
        info(inertText(redactor.apply(markdown)));
        return;
      }
      await summary.addRaw(redactor.apply(markdown), true).write();
    },
    annotate(annotations) {
      for (const annotation of annotations.slice(0, 50)) {
        const properties = {
          ...annotation.title ? { title: annotation.title } : {},
          ...annotation.file ? { file: annotation.file } : {},
          ...annotation.line ? { startLine: annotation.line } : {},
          ...annotation.column ? { startColumn: annotation.column } : {}
        };
        const message = redactor.apply(annotation.message);
        if (annotation.level === "error") error(message, properties);
        else if (annotation.level === "warning") warning(message, properties);
        else notice(message, properties);
      }
    },
    fail(message, exitCode) {
      setFailed(redactor.apply(message));
      process.exitCode = exitCode;
    }
  };
}

// src/platform/lazy-step.ts
function lazyStep(spec, module2, headStart) {
  let loaded;
  return {
    spec,
    run: async (inputs, context) => {
      const dispose = headStart?.(inputs, context.env);
      try {
        loaded ??= module2().then((found) => found.load());
        return await (await loaded).run(inputs, context);
      } finally {
        await dispose?.();
      }
    }
  };
}

// src/core/errors.ts
var USER_ERROR = /* @__PURE__ */ Symbol.for("baton.user-error");
var UserError = class extends Error {
  name = "UserError";
  [USER_ERROR] = true;
  /** The input (or file) the problem is in, e.g. `image` or `envs/staging/kustomization.yaml:4:3`. */
  input;
  constructor(message, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    this.input = options?.input;
  }
};
var VerdictError = class extends Error {
  name = "VerdictError";
};
function exitCodeFor(error2) {
  return isUserError(error2) ? 2 : 1;
}
function isUserError(error2) {
  return error2 instanceof UserError || typeof error2 === "object" && error2 !== null && error2[USER_ERROR] === true;
}
function describeError(error2) {
  if (!(error2 instanceof Error)) return String(error2);
  let text = error2.message;
  let cause = error2.cause;
  for (let depth = 0; cause !== void 0 && depth < 5; depth++) {
    const part = cause instanceof Error ? cause.message : String(cause);
    if (part && !text.includes(part)) text += `: ${part}`;
    cause = cause instanceof Error ? cause.cause : void 0;
  }
  return text;
}

// src/steps/shared/types.ts
var StepFailure = class extends VerdictError {
  name = "StepFailure";
  result;
  constructor(message, result) {
    super(message);
    this.result = result;
  }
};

// src/platform/free-text.ts
var TOKEN_VARIABLES = ["BATON_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "CI_REGISTRY_PASSWORD"];
var MIN_SECRET_LENGTH = 6;
function knownSecrets(spec, values, env) {
  const found = [];
  const variables = new Set(TOKEN_VARIABLES);
  for (const input of spec.inputs) {
    if (!input.secret) continue;
    const value = values[input.name];
    if (typeof value === "string") found.push({ value, source: `the ${input.name} input` });
    for (const name of input.env ?? []) variables.add(name);
  }
  for (const name of variables) {
    const value = env[name]?.trim();
    if (value) found.push({ value, source: `$${name}` });
  }
  return found.filter((secret) => secret.value.length >= MIN_SECRET_LENGTH);
}
function refuseSecretsInFreeText(spec, values, env) {
  const secrets = knownSecrets(spec, values, env);
  if (secrets.length === 0) return;
  for (const input of spec.inputs) {
    if (!input.freeText) continue;
    const value = values[input.name];
    const texts = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
    const secret = secrets.find((candidate) => texts.some((text) => text.includes(candidate.value)));
    if (secret) {
      throw new UserError(
        `${input.name}: holds the value of ${secret.source}, a secret; it would be written in clear where others read it (commit, hold, pull/merge request). Remove it.`,
        { input: input.name }
      );
    }
  }
}

// src/platform/inputs.ts
var TRUE_WORDS = /* @__PURE__ */ new Set(["true", "True", "TRUE", "yes", "1", "on"]);
var FALSE_WORDS = /* @__PURE__ */ new Set(["false", "False", "FALSE", "no", "0", "off"]);
var DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
function splitList(value) {
  const parts = typeof value === "string" ? [value] : value;
  return parts.flatMap((part) => part.split(/[\n,]/)).map((item) => item.trim()).filter((item) => item !== "");
}
function parseDuration(value, input) {
  const text = value.trim();
  if (!DURATION_RE.test(text)) {
    throw new UserError(`${input}: "${value}" is not a duration; write it like 90s, 10m or 1h30m.`, { input });
  }
  const unit = { ms: 1, s: 1e3, m: 6e4, h: 36e5 };
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(match[1]) * unit[match[2]];
  return total;
}
function parseOne(spec, raw) {
  const text = typeof raw === "string" ? raw.trim() : raw.join("\n");
  switch (spec.type) {
    case "string":
      return text;
    case "list":
      return splitList(raw);
    case "boolean":
      if (TRUE_WORDS.has(text)) return true;
      if (FALSE_WORDS.has(text)) return false;
      throw new UserError(`${spec.name}: "${text}" is not a boolean; use true or false.`, { input: spec.name });
    case "number": {
      const number = Number(text);
      if (text === "" || !Number.isFinite(number)) {
        throw new UserError(`${spec.name}: "${text}" is not a number.`, { input: spec.name });
      }
      return number;
    }
    case "duration":
      return parseDuration(text, spec.name);
    case "enum":
      if (!spec.options?.includes(text)) {
        throw new UserError(`${spec.name}: "${text}" is not one of ${spec.options?.join(", ")}.`, { input: spec.name });
      }
      return text;
  }
}
function isGiven(raw) {
  if (raw === void 0) return false;
  return typeof raw === "string" ? raw.trim() !== "" : raw.some((item) => item.trim() !== "");
}
function parseInputs(spec, raw, env) {
  const known = new Set(spec.inputs.map((input) => input.name));
  for (const name of Object.keys(raw)) {
    if (!known.has(name) && isGiven(raw[name])) {
      throw new UserError(`${name}: ${spec.name} has no such input; known inputs: ${[...known].join(", ")}.`, {
        input: name
      });
    }
  }
  const values = {};
  for (const input of spec.inputs) {
    let given = raw[input.name];
    if (!isGiven(given)) given = input.env?.map((name) => env[name]).find((value) => isGiven(value));
    if (!isGiven(given)) given = input.default;
    if (!isGiven(given)) {
      if (input.required) {
        throw new UserError(`${input.name}: this input is required. ${input.description}`, { input: input.name });
      }
      values[input.name] = input.type === "list" ? [] : input.type === "boolean" ? false : void 0;
      continue;
    }
    values[input.name] = parseOne(input, given);
  }
  checkNeedsOneOf(spec, values);
  return values;
}
function isEmpty(value) {
  return value === void 0 || value === false || Array.isArray(value) && value.length === 0;
}
function checkNeedsOneOf(spec, values) {
  for (const rule of spec.needsOneOf ?? []) {
    if (rule.when && values[rule.when.input] !== rule.when.is) continue;
    if (rule.inputs.every((name) => isEmpty(values[name]))) throw new UserError(rule.message, { input: rule.inputs[0] });
  }
}

// src/platform/run.ts
function resultOf(error2) {
  if (error2 instanceof StepFailure) return error2.result;
  const result = error2?.result;
  return error2 instanceof Error && typeof result === "object" && result !== null && typeof result.outputs === "object" ? result : void 0;
}
async function publish(platform2, result) {
  const logged = result.logged === true;
  if (result.summary && !(logged && platform2.name === "cli")) await platform2.writeSummary(result.summary);
  if (!(logged && platform2.name !== "github")) platform2.annotate(result.annotations);
}
async function runStep(step, platform2, env, cwd) {
  try {
    const raw = platform2.rawInputs(step.spec);
    for (const input of step.spec.inputs) {
      if (!input.secret) continue;
      const given = raw[input.name];
      const value = typeof given === "string" ? given : void 0;
      for (const candidate of [value, ...(input.env ?? []).map((name) => env[name])]) {
        if (candidate) platform2.log.secret(candidate);
      }
    }
    const inputs = parseInputs(step.spec, raw, env);
    refuseSecretsInFreeText(step.spec, inputs, env);
    const result = await step.run(inputs, { log: platform2.log, env, cwd });
    await platform2.setOutputs(result.outputs);
    await publish(platform2, result);
    return 0;
  } catch (error2) {
    const code = exitCodeFor(error2);
    const partial = resultOf(error2);
    if (partial) {
      await platform2.setOutputs(partial.outputs).catch(() => void 0);
      await publish(platform2, partial).catch(() => void 0);
    }
    platform2.fail(describeError(error2), code);
    return code;
  }
}

// src/platform/action-main.ts
async function actionMain(name, modules) {
  const spec = specFor(name);
  const module2 = modules[name];
  if (!spec || !module2) throw new Error(`no step "${name}" to run (a build without its spec or module)`);
  process.exitCode = await runStep(lazyStep(spec, module2), githubPlatform(), process.env, process.cwd());
}

// src/entry/steps.ts
var stepModules = {
  "build-push": () => Promise.resolve().then(() => __toESM(require_build_push(), 1)),
  bump: () => Promise.resolve().then(() => __toESM(require_bump(), 1)),
  validate: () => Promise.resolve().then(() => __toESM(require_validate(), 1)),
  verify: () => Promise.resolve().then(() => __toESM(require_verify(), 1)),
  promote: () => Promise.resolve().then(() => __toESM(require_promote(), 1)),
  rollback: () => Promise.resolve().then(() => __toESM(require_rollback(), 1)),
  status: () => Promise.resolve().then(() => __toESM(require_status(), 1)),
  history: () => Promise.resolve().then(() => __toESM(require_history(), 1)),
  "release-hold": () => Promise.resolve().then(() => __toESM(require_release_hold(), 1)),
  update: () => Promise.resolve().then(() => __toESM(require_update(), 1)),
  drift: () => Promise.resolve().then(() => __toESM(require_drift(), 1)),
  report: () => Promise.resolve().then(() => __toESM(require_report(), 1))
};

// src/action-report.ts
void actionMain("report", stepModules);
