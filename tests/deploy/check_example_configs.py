#!/usr/bin/env python3
"""Runs the example configurations `cmake --install` ships (deploy/config/)
through the real programs.

Usage: check_example_configs.py BUILD_DIR SAKER_ENGINE SAKER_SIDEKICK PLUGIN_DIR [SAKER_CAPTURE]

1. The install rules of BUILD_DIR (top level and rules/) into prefix TMP:
   saker.yaml and sidekick.yaml land in TMP/etc/saker, and every rules file
   saker.yaml loads (its /usr/local prefix mapped to TMP) is installed.
2. saker-sidekick starts with the installed sidekick.yaml (listeners, spool and
   nng socket moved into TMP through its environment variables) and answers
   /ping; the file's web UI serves its page.
3. saker-engine replays a capture with the installed saker.yaml and
   -r rules/saker_rules.yaml: alerts are JSON lines on its stdout, and its
   nng_output (pointed at the sidekick's socket) delivers every one of them:
   the sidekick counts them as accepted nng inputs and its stdout output
   prints them.
4. With SAKER_CAPTURE, as root on a kernel with BTF: live mode. The engine
   runs on the installed saker.yaml listening on ipc sockets in TMP, the
   capture dials them, `cat /etc/shadow` must raise the default rule "Read
   sensitive file untrusted" on the engine's stdout and at the sidekick, and
   SIGHUP must reload the rules with the engine still running.
Every process is stopped at the end, also on failure. Exit 0 when all holds,
1 otherwise.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import yaml

from run_sidekick import free_port, metric, request, start_sidekick, stop, try_request, wait_for

PREFIX = "/usr/local"  # the prefix the example files are written for
SCAP = "tests/data/scap/synthetic.scap"
LIVE_RULE = "Read sensitive file untrusted"  # a default rule `cat /etc/shadow` triggers
LIVE_DEADLINE_S = 20


def install(build_dir, prefix):
    # Only the install rules of the top level (configs) and rules/: the
    # programs are run from the build tree.
    for where in (build_dir, f"{build_dir}/rules"):
        proc = subprocess.run(["cmake", f"-DCMAKE_INSTALL_PREFIX={prefix}", "-DCMAKE_INSTALL_LOCAL_ONLY=1", "-P",
                               f"{where}/cmake_install.cmake"], capture_output=True, text=True, timeout=120,
                              check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"installing {where} failed: {proc.stderr[-800:]}")
    configs = {}
    for name in ("saker.yaml", "sidekick.yaml"):
        path = f"{prefix}/etc/saker/{name}"
        if not os.path.isfile(path):
            raise RuntimeError(f"cmake --install did not install {path}")
        with open(path, encoding="utf-8") as f:
            configs[name] = (path, yaml.safe_load(f) or {})
    rules = configs["saker.yaml"][1].get("rules_files") or []
    if not rules:
        raise RuntimeError("saker.yaml loads no rules_files")
    for path in rules:
        if not path.startswith(PREFIX + "/") or not os.path.exists(prefix + path[len(PREFIX):]):
            raise RuntimeError(f"saker.yaml: rules file {path} is not where cmake --install puts it "
                               f"(nothing at {prefix + path[len(PREFIX):]})")
    return configs


def replay(engine, config, sock):
    proc = subprocess.run([engine, "-c", config, "-r", "rules/saker_rules.yaml", "-o", f"nng_output.url={sock}",
                           "-e", SCAP], capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r"alerts: (\d+)", proc.stderr)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not found or int(found.group(1)) == 0 or len(lines) != int(found.group(1)):
        raise RuntimeError(f"saker-engine -c {config} (rc {proc.returncode}): {len(lines)} JSON lines on stdout, "
                           f"{proc.stderr[-1200:]}")
    for alert in lines:
        for key in ("hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"):
            if key not in alert:
                raise RuntimeError(f"engine alert without {key!r}: {alert}")
    return [a["rule"] for a in lines]


def read(f):
    f.seek(0)
    return f.read()


def live(engine, capture, config, tmp, sock, printed):
    """The installed saker.yaml in live mode: the engine listens on ipc
    sockets in tmp, saker-capture dials them, and reading /etc/shadow must
    raise LIVE_RULE on the engine's stdout and at the sidekick (nng). SIGHUP
    then reloads the rules and the engine keeps running."""
    links = ["--events", f"ipc://{tmp}/events.sock", "--control", f"ipc://{tmp}/control.sock"]
    eng = cap = None
    with open(f"{tmp}/engine.out", "w+", encoding="utf-8") as eout, \
            open(f"{tmp}/engine.err", "w+", encoding="utf-8") as eerr, \
            open(f"{tmp}/capture.err", "w+", encoding="utf-8") as cerr:
        try:
            eng = subprocess.Popen([engine, "-c", config, "-r", "rules/saker_rules.yaml", "-o",
                                    f"nng_output.url={sock}"] + links, stdout=eout, stderr=eerr)
            wait_for("the engine's control socket",
                     lambda: os.path.exists(f"{tmp}/control.sock") or eng.poll() is not None)
            cap = subprocess.Popen([capture] + links, stdout=subprocess.DEVNULL, stderr=cerr)
            end = time.monotonic() + LIVE_DEADLINE_S
            while time.monotonic() < end and LIVE_RULE not in printed() and None in (eng.poll(), cap.poll()):
                subprocess.run(["cat", "/etc/shadow"], stdout=subprocess.DEVNULL, timeout=5, check=False)
                time.sleep(0.5)
            if LIVE_RULE not in printed() or LIVE_RULE not in read(eout):
                raise RuntimeError(f"reading /etc/shadow raised no {LIVE_RULE!r} within {LIVE_DEADLINE_S} s "
                                   f"(engine stdout {read(eout)[-600:]!r})")
            eng.send_signal(signal.SIGHUP)
            wait_for("the rules reload after SIGHUP", lambda: "(generation 2)" in read(eerr) or eng.poll() is not None)
            if eng.poll() is not None:
                raise RuntimeError(f"saker-engine exited with {eng.returncode} after SIGHUP")
        except RuntimeError as e:
            raise RuntimeError(f"live: {e}\n--- saker-engine log:\n{read(eerr)[-1500:]}\n"
                               f"--- saker-capture log:\n{read(cerr)[-1500:]}") from None
        finally:
            stop(cap)
            stop(eng)


def run(build_dir, engine, sidekick, plugin_dir, tmp, capture):
    configs = install(build_dir, f"{tmp}/prefix")
    http_port, ui_port = free_port(), free_port()
    sock = f"ipc://{tmp}/alerts.sock"
    env = dict(os.environ, LISTENPORT=str(http_port), WEBUI_LISTENPORT=str(ui_port), SPOOL_DIR=f"{tmp}/spool",
               NNG_LISTEN=sock, PLUGINDIR=plugin_dir)
    daemon = None
    with open(f"{tmp}/sidekick.out", "w+", encoding="utf-8") as out, \
            open(f"{tmp}/sidekick.err", "w+", encoding="utf-8") as err:
        try:
            daemon = start_sidekick([sidekick, "-c", configs["sidekick.yaml"][0]], env, http_port, out, err)
            if (configs["sidekick.yaml"][1].get("webui") or {}).get("enabled"):
                status, _ = wait_for("the web UI", lambda: try_request(ui_port, "/"))
                if status != 200:
                    raise RuntimeError(f"web UI / answered {status}")
            rules = replay(engine, configs["saker.yaml"][0], sock)

            def accepted():
                text = request(http_port, "GET", "/metrics")[1]
                return metric(text, 'falcosecurity_falcosidekick_inputs_total{source="nng",status="accepted"}')
            wait_for(f"{len(rules)} nng inputs accepted", lambda: accepted() >= len(rules))
            if accepted() != len(rules):
                raise RuntimeError(f"the sidekick accepted {accepted()} alerts over nng, the engine sent {len(rules)}")

            def printed():
                out.seek(0)
                return [json.loads(line)["rule"] for line in out.read().splitlines() if line.startswith("{")]
            wait_for("the alerts on the sidekick's stdout output", lambda: len(printed()) >= len(rules))
            if sorted(printed()) != sorted(rules):
                raise RuntimeError(f"sidekick stdout printed {printed()}, the engine raised {rules}")
            if capture is None:
                return f"{len(rules)} replayed alerts reached it; live mode not tried (not root or no BTF)"
            live(engine, capture, configs["saker.yaml"][0], tmp, sock, printed)
            return f"{len(rules)} replayed alerts and a live {LIVE_RULE!r} alert reached it; SIGHUP reloaded"
        except RuntimeError as e:
            err.seek(0)
            raise RuntimeError(f"{e}\n--- saker-sidekick log:\n{err.read()[-2000:]}") from None
        finally:
            stop(daemon)


def main(argv):
    if len(argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    capture = argv[5] if len(argv) == 6 else None
    if os.geteuid() != 0 or not os.path.exists("/sys/kernel/btf/vmlinux"):
        capture = None
    with tempfile.TemporaryDirectory(prefix="saker-examples-") as tmp:
        try:
            result = run(argv[1], argv[2], argv[3], argv[4], tmp, capture)
        except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as e:
            print(f"check_example_configs: FAIL: {e}", file=sys.stderr)
            return 1
    print(f"check_example_configs: the installed saker.yaml and sidekick.yaml run: {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
