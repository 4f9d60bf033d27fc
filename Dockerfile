# syntax=docker/dockerfile:1

# Node 24 runs the TypeScript sources directly (type stripping), so there is no
# build output: the first stage only proves the sources typecheck, the second
# carries production dependencies and the sources.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- build: dev dependencies, typecheck --------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run typecheck

# --- runtime: production dependencies only, non-root --------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev also drops the `node` devDependency (a Node binary for machines
# with an older Node); the base image already is Node 24.
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
