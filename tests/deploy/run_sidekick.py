#!/usr/bin/env python3
"""Runs the real saker-sidekick on the lab's and the image's config files.

Usage: run_sidekick.py SAKER_SIDEKICK PLUGIN_DIR CONFIG...
                       [--engine SAKER_ENGINE --engine-config FILE --scap FILE]

For each config file: starts a private redis-server on a free loopback port,
starts saker-sidekick with that file (environment variables in the
sidekick's Falcosidekick convention move the listeners, spool and nng socket
into a temp dir and point the `redis` output at the private Redis, the way the
compose file overrides settings), then checks /ping, /healthz, that a posted
Falco alert is accepted (200) and counted in /metrics; when the file turns the
web UI on, that its page loads and its API lists the alert; when it enables
the redis output, that the alert lands in Redis with the file's customfields.

With --engine, the lab's alert path minus the sensor runs too: the real
saker-engine replays a capture with the lab's engine config (FILE) and a rule
that matches it, its http_output posts to this sidekick, and every alert the
engine reports must arrive in Redis. Servers are stopped at the end, also on
failure. Exit 0 when everything holds, 1 otherwise, 77 when a program is
missing.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import yaml

from replay_fixture import REPLAY_RULE, REPLAY_RULE_NAME

DEADLINE_S = 10
ALERT = {
    "hostname": "lab-node",
    "output": "12:00:00.000000000: Warning Lab secret read (file=/tmp/saker-lab-secret)",
    "output_fields": {"fd.name": "/tmp/saker-lab-secret", "proc.name": "cat"},
    "priority": "Warning",
    "rule": "Lab secret read",
    "source": "syscall",
    "tags": ["lab"],
    "time": "",  # set to now when posting, so the web UI's default window shows it
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, probe):
    """Polls probe() until it returns a truthy value, for at most DEADLINE_S."""
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


def try_request(port, path):
    try:
        return request(port, "GET", path)
    except OSError:
        return None


def redis_cli(port, *args):
    out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "--raw", *args], capture_output=True,
                         text=True, timeout=5, check=False)
    return out.stdout.strip()


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def metric(text, name):
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


def check_webui(port):
    """The file turns the web UI on: its page loads and its API lists the alert."""
    status, body = wait_for("the web UI", lambda: try_request(port, "/"))
    if status != 200 or "<html" not in body.lower():
        raise RuntimeError(f"web UI / answered {status}")
    def listed():
        answer = try_request(port, "/api/v1/events?since=1h")
        return answer and answer[0] == 200 and any(
            e.get("rule") == ALERT["rule"] for e in json.loads(answer[1]).get("events", []))
    wait_for("the posted alert in the web UI's /api/v1/events", listed)


def replay_through(engine, tmp, http_port):
    """Replays engine.scap with engine.config and a rule matching the capture,
    posting to the sidekick; returns the number of alerts the engine raised."""
    rules = f"{tmp}/deploy_rule.yaml"
    with open(rules, "w", encoding="utf-8") as f:
        f.write(REPLAY_RULE)
    proc = subprocess.run([engine["path"], "-c", engine["config"], "-r", rules, "-o", "http_output.enabled=true",
                           "-o", f"http_output.url=http://127.0.0.1:{http_port}/", "-e", engine["scap"]],
                          capture_output=True, text=True, timeout=120, check=False)
    out = proc.stdout + proc.stderr
    found = re.search(r"alerts: (\d+)", out)
    if proc.returncode != 0 or not found or int(found.group(1)) == 0 or "deliveries failed" in out:
        raise RuntimeError(f"saker-engine replay with {engine['config']} (rc {proc.returncode}): {out[-1500:]}")
    return int(found.group(1))


def start_sidekick(argv, env, http_port, stdout, stderr):
    """Starts saker-sidekick and waits until /ping answers pong; on failure
    the process is stopped before the error is raised."""
    daemon = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr)
    try:
        wait_for("/ping", lambda: try_request(http_port, "/ping") or daemon.poll() is not None)
        if daemon.poll() is not None:
            raise RuntimeError(f"saker-sidekick exited with {daemon.returncode}")
        status, body = request(http_port, "GET", "/ping")
        if (status, body.strip()) != (200, "pong"):
            raise RuntimeError(f"/ping answered {status} {body!r}")
    except RuntimeError:
        stop(daemon)
        raise
    return daemon


def check_config(sidekick, plugin_dir, config, tmp, engine=None):
    with open(config, encoding="utf-8") as f:
        cfg = yaml.safe_load(f) or {}
    redis_cfg = cfg.get("redis") if isinstance(cfg.get("redis"), dict) else None
    redis_port, http_port, ui_port = free_port(), free_port(), free_port()
    env = dict(os.environ, LISTENADDRESS="127.0.0.1", LISTENPORT=str(http_port), SPOOL_DIR=f"{tmp}/spool",
               WEBUI_LISTENADDRESS="127.0.0.1", WEBUI_LISTENPORT=str(ui_port),
               NNG_LISTEN=f"ipc://{tmp}/alerts.sock", PLUGINDIR=plugin_dir,
               REDIS_ADDRESS=f"127.0.0.1:{redis_port}")
    redis = daemon = None
    log = open(f"{tmp}/sidekick.log", "w+", encoding="utf-8")
    try:
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for("redis-server", lambda: redis_cli(redis_port, "PING") == "PONG")
        daemon = start_sidekick([sidekick, "-c", config], env, http_port, log, subprocess.STDOUT)
        status, body = request(http_port, "GET", "/healthz")
        if status != 200 or json.loads(body).get("status") != "ok":
            raise RuntimeError(f"/healthz answered {status} {body!r}")
        now = time.time()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1e9):09d}Z"
        payload = json.dumps(dict(ALERT, time=stamp))
        status, body = request(http_port, "POST", "/", payload)
        if status != 200:
            raise RuntimeError(f"POST / answered {status} {body!r}")
        _, text = request(http_port, "GET", "/metrics")
        if metric(text, "falcosecurity_falcosidekick_inputs_total") < 1:
            raise RuntimeError("/metrics does not count the posted alert in falcosecurity_falcosidekick_inputs_total")
        if (cfg.get("webui") or {}).get("enabled"):
            check_webui(ui_port)
        if redis_cfg and redis_cfg.get("address"):
            key = redis_cfg.get("key") or "falco"
            stored = wait_for(f"the alert in Redis list {key}", lambda: redis_cli(redis_port, "LRANGE", key, "0", "-1"))
            delivered = json.loads(stored.splitlines()[0])
            if delivered.get("rule") != ALERT["rule"]:
                raise RuntimeError(f"Redis {key} holds {stored[:200]!r}")
            custom = cfg.get("customfields") if isinstance(cfg.get("customfields"), dict) else {}
            for name, value in custom.items():
                if delivered["output_fields"].get(name) != value:
                    raise RuntimeError(f"customfields {name}={value} not in the delivered alert: {stored[:300]}")
            if engine:
                count = replay_through(engine, tmp, http_port)
                wait_for(f"{count} engine alerts in Redis",
                         lambda: int(redis_cli(redis_port, "LLEN", key) or 0) >= 1 + count)
                rules = [json.loads(x)["rule"] for x in redis_cli(redis_port, "LRANGE", key, "0", "-1").splitlines()]
                if rules.count(REPLAY_RULE_NAME) != count:
                    raise RuntimeError(f"Redis {key} holds rules {rules}, expected {count} engine alerts")
                return f"redis output delivered the posted alert and {count} engine alerts"
            return "redis output delivered"
        return "no redis output in this file"
    except RuntimeError as e:
        log.seek(0)
        raise RuntimeError(f"{e}\n--- saker-sidekick log:\n{log.read()[-2000:]}") from None
    finally:
        stop(daemon)
        stop(redis)
        log.close()


def main(argv):
    parser = argparse.ArgumentParser(description="Run saker-sidekick on deployment config files")
    parser.add_argument("sidekick")
    parser.add_argument("plugin_dir")
    parser.add_argument("configs", nargs="+")
    parser.add_argument("--engine")
    parser.add_argument("--engine-config")
    parser.add_argument("--scap")
    args = parser.parse_args(argv[1:])
    engine = None
    if args.engine:
        engine = {"path": args.engine, "config": args.engine_config, "scap": args.scap}
    needed = [args.sidekick, shutil.which("redis-server"), shutil.which("redis-cli")]
    for program in needed + ([args.engine] if args.engine else []):
        if not program or not os.access(program, os.X_OK):
            print(f"run_sidekick: SKIP: {program or 'redis-server/redis-cli'} not available")
            return 77
    failed = 0
    for config in args.configs:
        with tempfile.TemporaryDirectory(prefix="saker-deploy-") as tmp:
            try:
                result = check_config(args.sidekick, args.plugin_dir, config, tmp, engine)
                print(f"run_sidekick: {config}: ok ({result})")
            except (RuntimeError, OSError, ValueError) as e:
                print(f"run_sidekick: {config}: FAIL: {e}", file=sys.stderr)
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
