#!/bin/sh
# The test command: installs what is missing, builds Saker twice (gcc with
# -Werror; clang with ASan+UBSan and the libFuzzer targets) and runs the whole
# ctest suite on the sanitizer build. Tests start and stop every peer they need
# (redis-server, the Kafka mock, HTTP receivers, Prometheus) themselves.
# Usage (as root, from anywhere): scripts/test.sh [ctest args...]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)

"$root/scripts/install-deps.sh"

echo "== gcc build (-Werror)"
cmake -S . -B build-gcc -DCMAKE_C_COMPILER=gcc -DSAKER_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-gcc -j "$jobs"

echo "== clang build (ASan+UBSan, fuzzers, -Werror)"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DSAKER_WERROR=ON -DSAKER_SANITIZE=ON -DSAKER_FUZZ=ON \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j "$jobs"

echo "== tests"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd build-asan
ctest --output-on-failure --timeout 600 "$@"
