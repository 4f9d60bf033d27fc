# syntax=docker/dockerfile:1

# Node 24 runs the TypeScript sources directly (type stripping), so there is no
# build output: the first stage only proves the sources typecheck; `sandbox`
# adds the fakes (packages/fakes, packages/sandbox) for `docker compose up
# sandbox`; the last stage, the default target, is the production image: the
# bot's own sources and production dependencies, no fake, no sandbox
# (test/stack/image-files.test.ts proves it from this file).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- build: dev dependencies, typecheck --------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/fakes/package.json packages/fakes/
COPY packages/sandbox/package.json packages/sandbox/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY packages ./packages
RUN npm run typecheck

# --- sandbox: the bot against its fakes, no accounts (compose profile) -------
FROM ${NODE_IMAGE} AS sandbox
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/fakes/package.json packages/fakes/
COPY packages/sandbox/package.json packages/sandbox/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/src ./src
COPY --from=build /app/packages ./packages
COPY locales ./locales
COPY catalog ./catalog
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080 8081
CMD ["node", "--import", "./src/instrumentation.ts", "packages/sandbox/src/main.ts"]

# --- runtime: production dependencies only, non-root --------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
# Only the root's manifest: without the workspaces' package.json files npm
# installs none of their dependencies. --omit=dev also drops the `node`
# devDependency (a Node binary for older machines); the image is Node 24.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/src ./src
# Read at run time: translations and the model catalog.
COPY locales ./locales
COPY catalog ./catalog
# DATA_DIR (embedded PGlite in the sandbox) must be writable by the runtime
# user; a named volume mounted here inherits this ownership.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
CMD ["node", "--import", "./src/instrumentation.ts", "src/main.ts"]
