# The Baton job image: Node 24, git and the `baton` command (dist/cli/), with kustomize and helm
# for validate's rendering. The GitLab components run it as <image_registry>/baton:<component commit>
# (templates/*.yml); this repository's .gitlab-ci.yml builds it for every commit and pushes it as
# $CI_REGISTRY_IMAGE/baton:$CI_COMMIT_SHA, from a checkout whose dist/ CI has checked to be fresh.
# Every base is an ARG, so a mirror or an air-gapped registry can build it from its own copies.
ARG NODE_IMAGE=node:24-bookworm-slim
ARG KUSTOMIZE_IMAGE=registry.k8s.io/kustomize/kustomize:v5.4.3
ARG HELM_IMAGE=alpine/helm:3.16.2

FROM ${KUSTOMIZE_IMAGE} AS kustomize
FROM ${HELM_IMAGE} AS helm

FROM ${NODE_IMAGE}
# git for the env repo; ca-certificates for registries and forges; openssh-client for ssh remotes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates openssh-client \
 && rm -rf /var/lib/apt/lists/*
COPY --from=kustomize /app/kustomize /usr/local/bin/kustomize
COPY --from=helm /usr/bin/helm /usr/local/bin/helm
COPY dist/cli/ /opt/baton/
RUN printf '#!/bin/sh\nexec node /opt/baton/index.cjs "$@"\n' > /usr/local/bin/baton \
 && chmod 0755 /usr/local/bin/baton \
 && baton --version && git --version && kustomize version && helm version --short
LABEL org.opencontainers.image.title="baton" \
      org.opencontainers.image.description="GitOps image promotion as composable CI steps: the baton command for GitLab components and other container-based CI." \
      org.opencontainers.image.licenses="Apache-2.0"
# No ENTRYPOINT: GitLab runs the job's script through the image's shell.
CMD ["baton", "--help"]
