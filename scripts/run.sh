#!/bin/sh
# The run command: installs what is missing, builds Saker into build/ and runs
# the live pipeline on the embedded default (scripts/pipeline.sh: capture,
# engine with the default rules, sidekick with alerts on stdout and the web UI).
# Usage (as root): scripts/run.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/install-deps.sh"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"
exec "$root/scripts/pipeline.sh" "$@"
