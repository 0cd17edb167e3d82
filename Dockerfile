# syntax=docker/dockerfile:1
# Build stage: Debian 12 with the same packages scripts/setup.sh installs.
FROM debian:bookworm AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -q && apt-get install -y -q --no-install-recommends \
      g++ make cmake ninja-build ccache pkg-config git ca-certificates tzdata \
      libboost1.81-dev libboost-url1.81-dev libssl-dev \
      nlohmann-json3-dev libhiredis-dev libspdlog-dev libhowardhinnant-date-dev \
      libgtest-dev libgmock-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DMC_BUILD_TESTS=OFF -DMC_BUILD_BENCH=OFF -DMC_WERROR=ON \
    && cmake --build build -j "$(nproc)" --target microcourse \
    && strip build/microcourse

# Runtime stage: only the shared libraries the binary links, CA certificates and time zones.
FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -q && apt-get install -y -q --no-install-recommends \
      ca-certificates tzdata curl \
      libhiredis0.14 libspdlog1.10 libfmt9 libssl3 libboost-url1.81.0 libdate-tz3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app --shell /usr/sbin/nologin microcourse
WORKDIR /app
COPY --from=build /src/build/microcourse /usr/local/bin/microcourse
COPY --from=build /src/content /app/content
USER microcourse
ENV PORT=8080 BIND=0.0.0.0 CONTENT_DIR=/app/content
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1
# Docker sends SIGTERM on stop: serve finishes in-flight requests and sends, then exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/microcourse"]
CMD ["serve"]
