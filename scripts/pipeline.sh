#!/bin/sh
# Starts the pipeline from build/bin on the embedded default. Called by run.sh.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/bin"
if [ ! -x "$bin/saker-engine" ]; then
	echo "pipeline: $bin/saker-engine is not built yet (the engine is still in progress)" >&2
	exit 1
fi
exec "$bin/saker-engine" "$@"
