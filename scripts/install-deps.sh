#!/bin/sh
# Installs every Debian package Saker's build, tests and benchmarks need on a fresh
# Debian bookworm machine. Idempotent: re-running installs nothing new.
# Usage (as root): scripts/install-deps.sh
set -eu

packages="
  build-essential cmake pkg-config git ca-certificates
  clang llvm lld bpftool libbpf-dev libelf-dev libcap-dev
  libyaml-dev libnng-dev libcurl4-openssl-dev libjson-c-dev librdkafka-dev
  libhiredis-dev libpcre2-dev libmicrohttpd-dev libgnutls28-dev zlib1g-dev libssl-dev
  libnats-dev nats-server libmosquitto-dev mosquitto libpq-dev postgresql
  librabbitmq-dev rabbitmq-server libxml2-dev libprotobuf-c-dev protobuf-c-compiler
  libclang-rt-14-dev
  redis-server redis-tools influxdb prometheus sysdig procps iproute2 mount util-linux curl openssl
  chromium
  docker-compose
  golang-1.19-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev
  python3 python3-yaml
  python3-aiosmtpd python3-botocore python3-jwt python3-cryptography
  qemu-system-x86 busybox-static
"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "install-deps: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  # Debian starts redis-server, influxdb, prometheus, nats-server, mosquitto,
  # postgresql and rabbitmq-server (with epmd) as services on install; the
  # test suite starts its own instances on private ports, so stop the
  # system ones.
  for svc in redis-server influxdb prometheus nats-server mosquitto postgresql rabbitmq-server epmd; do
    if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
    if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
  done
else
  echo "install-deps: all packages present"
fi

# Debian bookworm's stock kernel (6.1, the cloud flavour: serial console and
# BTF built in, quick to boot) for tests/kernel_vm, which boots it under qemu
# with an initramfs. Only unpacked into a cache dir, never installed here.
kernel_cache=/var/cache/saker-test/kernel-6.1
# The versioned package the metapackage points at (linux-image-6.1.0-N-cloud-amd64).
kernel_package() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.1\./ { print $2; exit }'
}
if ! ls "$kernel_cache"/boot/vmlinuz-6.1.* >/dev/null 2>&1; then
  kernel_pkg=$(kernel_package)
  if [ -z "$kernel_pkg" ]; then
    apt-get update -qq
    kernel_pkg=$(kernel_package)
  fi
  if [ -z "$kernel_pkg" ]; then
    echo "install-deps: linux-image-cloud-amd64 depends on no 6.1 kernel package" >&2
    exit 1
  fi
  echo "install-deps: unpacking $kernel_pkg into $kernel_cache"
  kernel_tmp=$(mktemp -d)
  (cd "$kernel_tmp" && apt-get download -qq -o APT::Sandbox::User=root "$kernel_pkg")
  dpkg -x "$kernel_tmp"/*.deb "$kernel_tmp/root"
  if ! grep -q '^CONFIG_DEBUG_INFO_BTF=y' "$kernel_tmp"/root/boot/config-*; then
    echo "install-deps: $kernel_pkg has no BTF (CONFIG_DEBUG_INFO_BTF)" >&2
    rm -rf "$kernel_tmp"
    exit 1
  fi
  # The VM boots from an initramfs with everything it needs built in: the
  # modules are not kept.
  mkdir -p "$kernel_cache"
  rm -rf "$kernel_cache/boot"
  mv "$kernel_tmp/root/boot" "$kernel_cache/boot"
  rm -rf "$kernel_tmp"
fi

# Node.js + npm drive the web UI's browser test (playwright-core with Debian's
# chromium). Machines that ship their own Node keep it; others get Debian's.
if ! command -v npm >/dev/null 2>&1; then
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# The web UI tests' npm packages (playwright-core only; it drives Debian's
# chromium and downloads no browser). npm ci is skipped when they are present.
if [ ! -d "$(dirname "$0")/../tests/webui/node_modules/playwright-core" ]; then
  (cd "$(dirname "$0")/../tests/webui" && npm ci --no-audit --no-fund >/dev/null)
fi

# The OTLP tests' npm packages (OpenTelemetry's generated protobuf module,
# @opentelemetry/otlp-transformer, and protobufjs under it; the gRPC server
# @grpc/grpc-js).
otlp_modules="$(dirname "$0")/../tests/otlp/node_modules"
if [ ! -d "$otlp_modules/@opentelemetry/otlp-transformer" ] || [ ! -d "$otlp_modules/@grpc/grpc-js" ]; then
  (cd "$(dirname "$0")/../tests/otlp" && npm ci --no-audit --no-fund >/dev/null)
fi
