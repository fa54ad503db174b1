#!/bin/sh
# /init of the kernel_vm test's initramfs: PID 1 inside the qemu VM. Records
# a few actions with saker-capture, replays the recording through
# saker-engine and prints everything on the serial console, each own line
# prefixed "SAKER-VM <keyword>" (read by vm_console.c), then powers off.
# A run is finished only when "SAKER-VM done <nonce>" appears, the nonce
# coming from saker.nonce= on the kernel command line.
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# Kernel messages would tear the lines the host parses.
echo 1 >/proc/sys/kernel/printk

say() { echo "SAKER-VM $*"; }

# Prints file's lines as "SAKER-VM <keyword> <line>".
say_file() {
	while IFS= read -r line; do say "$1" "$line"; done <"$2"
}

finish() {
	say done "$nonce"
	sync
	poweroff -f
	echo o >/proc/sysrq-trigger
	# Still here: PID 1 exiting panics, and panic=-1 with qemu's -no-reboot ends the VM.
	exit 1
}

nonce=
for arg in $(cat /proc/cmdline); do
	case "$arg" in saker.nonce=*) nonce=${arg#saker.nonce=} ;; esac
done
# Sanitizer options of the host's test run (ASAN_OPTIONS, UBSAN_OPTIONS).
if [ -f /etc/saker-vm.env ]; then . /etc/saker-vm.env; fi

say kernel "$(cat /proc/version)"
if [ -e /sys/kernel/btf/vmlinux ]; then say btf yes; else say btf no; fi

: >/tmp/capture.log
saker-capture -w /tmp/rec.scap >/tmp/capture.log 2>&1 &
capture=$!
# Loading and verifying the programs under TCG takes seconds: up to 120 s.
tries=0
while [ "$tries" -lt 1200 ]; do
	if grep -q 'info: capturing' /tmp/capture.log; then break; fi
	if ! kill -0 "$capture" 2>/dev/null; then break; fi
	sleep 0.1
	tries=$((tries + 1))
done
if ! grep -q 'info: capturing' /tmp/capture.log; then
	kill -9 "$capture" 2>/dev/null
	wait "$capture"
	say capture-failed "exit $?"
	say_file capture-log /tmp/capture.log
	finish
fi
say capture-started

# The actions the rules in /etc/saker/rules.yaml look for. cat by its path:
# busybox's shell runs a bare applet name through /proc/self/exe, and the
# kernel then names the process "exe".
mkdir -p /tmp/vm-probe
echo "probe content" >/tmp/vm-probe/secret.txt
/bin/cat /tmp/vm-probe/secret.txt >/dev/null
/bin/cat /tmp/vm-probe/missing.txt 2>/dev/null
cp /bin/busybox /tmp/vm-probe/uname
/tmp/vm-probe/uname -r >/dev/null
# Two idle polls at most (2 ms each), then SIGINT drains and flushes:
# 10 s for that, then it counts as hung.
sleep 1
kill -INT "$capture"
tries=0
while [ "$tries" -lt 100 ] && kill -0 "$capture" 2>/dev/null; do
	sleep 0.1
	tries=$((tries + 1))
done
if kill -0 "$capture" 2>/dev/null; then
	say capture-hung "no exit 10 s after SIGINT: killed"
	kill -9 "$capture"
fi
wait "$capture"
say capture-exit "$?"
say_file capture-log /tmp/capture.log

saker-engine -e /tmp/rec.scap -r /etc/saker/rules.yaml -o json_output=true >/tmp/alerts.json 2>/tmp/engine.log
engine_rc=$?
say alerts-begin
cat /tmp/alerts.json
say alerts-end "rc=$engine_rc"
say_file engine-log /tmp/engine.log
finish
