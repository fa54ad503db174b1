#!/bin/sh
# The run command's back end (scripts/run.sh builds into build/ and calls it):
# saker-sidekick (alerts on stdout, web UI), saker-engine live with the
# default rules sending alerts over nng to the sidekick, and saker-capture.
# Ctrl-C (or SIGTERM) stops all three: capture first, then the engine drains
# into the sidekick, then the sidekick drains its outputs.
#
# Without root or kernel BTF there is no eBPF: it says so and, when
# SAKER_REPLAY names a capture (record one as root with
# `saker-capture -w FILE.scap`), replays it through the engine instead.
#
# Knobs (environment):
#   SAKER_BIN        binaries (default build/bin)
#   SAKER_STATE_DIR  sockets, configs and the spool (default /var/lib/saker/pipeline)
#   SAKER_DURATION   stop after this many seconds (default: run until Ctrl-C)
#   SAKER_HTTP_PORT  sidekick HTTP input on 127.0.0.1 (default 2801)
#   SAKER_WEBUI_PORT web UI on 127.0.0.1 (default 2802)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=${SAKER_BIN:-$root/build/bin}
state=${SAKER_STATE_DIR:-/var/lib/saker/pipeline}
duration=${SAKER_DURATION:-}
http_port=${SAKER_HTTP_PORT:-2801}
webui_port=${SAKER_WEBUI_PORT:-2802}
plugins=${SAKER_PLUGIN_DIR:-$(dirname "$bin")/lib/saker/plugins}

say() { echo "pipeline: $*" >&2; }

for b in saker-capture saker-engine saker-sidekick; do
	if [ ! -x "$bin/$b" ]; then
		say "$bin/$b is not built (run scripts/run.sh, or cmake --build build)"
		exit 1
	fi
done
case "$duration" in
'' | *[!0-9]*) [ -z "$duration" ] || { say "SAKER_DURATION=$duration: want whole seconds"; exit 2; } ;;
esac

replay_fallback() {
	demo=${SAKER_REPLAY:-}
	if [ -z "$demo" ] || [ ! -r "$demo" ]; then
		say "$1: no live capture. Set SAKER_REPLAY=FILE.scap to replay a capture"
		say "(record one as root: $bin/saker-capture -w FILE.scap --duration 10)"
		exit 1
	fi
	say "$1: no live capture; replaying $demo through the engine, alerts on stdout"
	exec "$bin/saker-engine" -c "$root/scripts/embedded/engine.yaml" -e "$demo" \
		-o nng_output.enabled=false -o stdout_output.enabled=true
}

if [ "$(id -u)" != 0 ]; then
	replay_fallback "not root (eBPF needs CAP_BPF and CAP_PERFMON)"
fi
if [ ! -r /sys/kernel/btf/vmlinux ]; then
	replay_fallback "no kernel BTF at /sys/kernel/btf/vmlinux"
fi

umask 077
mkdir -p "$state/spool"
# The embedded configs, with every socket and the spool inside the state dir.
sed -e "s|ipc:///run/saker/|ipc://$state/|" -e "s|/var/lib/saker/spool|$state/spool|" \
	-e "s|^listenport: 2801|listenport: $http_port|" -e "s|^  listenport: 2802|  listenport: $webui_port|" \
	"$root/scripts/embedded/sidekick.yaml" > "$state/sidekick.yaml"
sed -e "s|ipc:///run/saker/|ipc://$state/|" "$root/scripts/embedded/engine.yaml" > "$state/engine.yaml"

sidekick_pid='' engine_pid='' capture_pid=''
stop_all() {
	trap - INT TERM EXIT
	[ -z "$capture_pid" ] || kill -INT "$capture_pid" 2>/dev/null || true
	[ -z "$capture_pid" ] || wait "$capture_pid" 2>/dev/null || true
	[ -z "$engine_pid" ] || kill -TERM "$engine_pid" 2>/dev/null || true
	[ -z "$engine_pid" ] || wait "$engine_pid" 2>/dev/null || true
	[ -z "$sidekick_pid" ] || kill -TERM "$sidekick_pid" 2>/dev/null || true
	[ -z "$sidekick_pid" ] || wait "$sidekick_pid" 2>/dev/null || true
	say "stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

# Waits up to $2 tenths of a second for file $1 to contain $3.
wait_log() {
	i=0
	while [ "$i" -lt "$2" ]; do
		grep -q "$3" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	say "timed out waiting for '$3' in $1"
	return 1
}

: > "$state/sidekick.log"
"$bin/saker-sidekick" -c "$state/sidekick.yaml" --plugin-dir "$plugins" 2> "$state/sidekick.log" &
sidekick_pid=$!
wait_log "$state/sidekick.log" 100 "nng input on" || { cat "$state/sidekick.log" >&2; exit 1; }

: > "$state/engine.log"
"$bin/saker-engine" -c "$state/engine.yaml" --events "ipc://$state/events.sock" \
	--control "ipc://$state/control.sock" 2> "$state/engine.log" &
engine_pid=$!
wait_log "$state/engine.log" 100 "listening for saker-capture" || { cat "$state/engine.log" >&2; exit 1; }

: > "$state/capture.log"
set -- --events "ipc://$state/events.sock" --control "ipc://$state/control.sock"
[ -z "$duration" ] || set -- "$@" --duration "$duration"
"$bin/saker-capture" "$@" 2> "$state/capture.log" &
capture_pid=$!
wait_log "$state/capture.log" 150 "capturing" || { cat "$state/capture.log" >&2; exit 1; }

say "running: alerts print here (saker-sidekick stdout output), web UI http://127.0.0.1:$webui_port/"
say "logs in $state/{capture,engine,sidekick}.log; Ctrl-C stops"
# Returns when the capture ends (--duration) or a signal arrives.
wait "$capture_pid" || true
capture_pid=''
