#!/usr/bin/env python3
"""Runs the example configurations `cmake --install` ships (deploy/config/)
through the real programs.

Usage: check_example_configs.py BUILD_DIR SAKER_ENGINE SAKER_SIDEKICK PLUGIN_DIR

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
The sidekick is stopped at the end, also on failure. Exit 0 when all holds,
1 otherwise.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

from run_sidekick import free_port, metric, request, start_sidekick, stop, try_request, wait_for

PREFIX = "/usr/local"  # the prefix the example files are written for
SCAP = "tests/data/scap/synthetic.scap"


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


def run(build_dir, engine, sidekick, plugin_dir, tmp):
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
            return len(rules)
        except RuntimeError as e:
            err.seek(0)
            raise RuntimeError(f"{e}\n--- saker-sidekick log:\n{err.read()[-2000:]}") from None
        finally:
            stop(daemon)


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="saker-examples-") as tmp:
        try:
            n = run(argv[1], argv[2], argv[3], argv[4], tmp)
        except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as e:
            print(f"check_example_configs: FAIL: {e}", file=sys.stderr)
            return 1
    print(f"check_example_configs: installed saker.yaml and sidekick.yaml run; {n} engine alerts reached the "
          f"sidekick over nng and its stdout output")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
