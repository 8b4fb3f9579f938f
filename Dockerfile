# syntax=docker/dockerfile:1
# One image per service, built from the repository root:
#   docker build --build-arg SERVICE=gateway  --build-arg PROBE_PORT=8080 -t jobwire/gateway:0.1.0 .
#   docker build --build-arg SERVICE=auth     --build-arg PROBE_PORT=9101 -t jobwire/auth:0.1.0 .
#   docker build --build-arg SERVICE=users    --build-arg PROBE_PORT=9102 -t jobwire/users:0.1.0 .
#   docker build --build-arg SERVICE=jobs     --build-arg PROBE_PORT=9103 -t jobwire/jobs:0.1.0 .
#   docker build --build-arg SERVICE=executor --build-arg PROBE_PORT=9104 -t jobwire/executor:0.1.0 .
# deploy/compose.yaml builds all five. The runtime stage holds only scripts/bundle.sh's
# output: compiled code and production dependencies; no sources, tests or dev tools.
ARG NODE_IMAGE=node:22.20.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
RUN test -n "$SERVICE" || { echo "--build-arg SERVICE=<gateway|auth|users|jobs|executor> is required" >&2; exit 1; }
ENV CI=true
RUN npm install -g --no-audit --no-fund --loglevel=error pnpm@10.34.8
WORKDIR /src
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/cron/package.json packages/cron/
COPY packages/devstack/package.json packages/devstack/
COPY packages/executor/package.json packages/executor/
COPY packages/scheduling/package.json packages/scheduling/
COPY packages/service-kit/package.json packages/service-kit/
COPY services/gateway/package.json services/gateway/
COPY services/auth/package.json services/auth/
COPY services/users/package.json services/users/
COPY services/jobs/package.json services/jobs/
COPY services/executor/package.json services/executor/
COPY tests/package.json tests/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile --filter "{./services/${SERVICE}}..."
COPY packages packages
COPY services services
COPY scripts/bundle.sh scripts/
RUN sh scripts/bundle.sh "$SERVICE" /out

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PROBE_PORT=8080
ENV NODE_ENV=production \
    JOBWIRE_SERVICE=${SERVICE} \
    JOBWIRE_PROBE_PORT=${PROBE_PORT}
WORKDIR /app
# Owned by root and only readable by the runtime user: the code cannot be changed at run time.
COPY --from=build /out /app
# The image's own non-root user (uid 1000); Kubernetes pins the same uid.
USER 1000:1000
EXPOSE ${PROBE_PORT}
# The gateway answers /healthz on PORT, every other service on HEALTH_PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||process.env.PORT||process.env.JOBWIRE_PROBE_PORT)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and handles SIGTERM and SIGINT itself (an ordered graceful shutdown).
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/main.js"]
