# One image for every CareTrail process; the command chooses which:
#   docker run caretrail api | projector | relay | cli <command...>
# docs/deployment.md describes the image, docker-compose.yml and infra/k8s.

ARG NODE_IMAGE=node:20.19-bookworm-slim

# ---- build: every dependency (SWC, Nx, TypeScript), then the apps to dist/
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY infra/scripts/build-app.mjs infra/scripts/
COPY libs libs
COPY apps apps
# The apps' own build targets (apps/*/project.json), one per process.
RUN for app in api projector relay cli; do node infra/scripts/build-app.mjs "$app" || exit 1; done

# ---- runtime: production dependencies and the built apps only, not root
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
COPY infra/docker/entrypoint.sh infra/docker/entrypoint.sh
# DATA_DIR: the local signing key (and the embedded store when DATABASE_URL
# is unset), owned by the user the processes run as.
RUN mkdir -p /data && chown 1000:1000 /data
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can
# verify it without reading /etc/passwd.
USER 1000:1000
# The API; the projector and relay serve their probes on
# PROJECTOR_STATUS_PORT and RELAY_STATUS_PORT when those are set.
EXPOSE 3000
ENTRYPOINT ["/app/infra/docker/entrypoint.sh"]
CMD ["api"]
