# The tfxai command in a container: docker build -t tfxai . && docker run --rm tfxai --help
# Build stage: install from the lock file, compile, and pack the public packages.
FROM node:20-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund \
 && npm run build \
 && mkdir /packs \
 && npm pack --pack-destination /packs \
      -w tfxai -w @tfxai/cli -w @tfxai/node -w @tfxai/core -w @tfxai/integrated-gradients \
      -w @tfxai/cam -w @tfxai/gradient-maps -w @tfxai/perturbation -w @tfxai/wasm-kernels

# Runtime stage: the tarballs as a user installs them (npm run test:install checks the
# same install in an empty folder), with tfjs and its WebAssembly backend. No build tools.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /opt/tfxai
COPY --from=build /packs /tmp/packs
RUN npm install --omit=dev --no-audit --no-fund /tmp/packs/*.tgz \
      @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 \
 && rm -rf /tmp/packs \
 && npm cache clean --force
ENV PATH=/opt/tfxai/node_modules/.bin:$PATH
# Mount your data here; relative paths in the arguments are relative to it.
WORKDIR /work
USER node
ENTRYPOINT ["tfxai"]
CMD ["--help"]
