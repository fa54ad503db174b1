#!/usr/bin/env python3
"""Checks the docker-compose lab as docker-compose itself resolves it.

Usage: check_compose.py COMPOSE_FILE DOCKERFILE

Runs `docker-compose -f COMPOSE_FILE config` (Debian's docker-compose; no
Docker engine needed), then checks least privilege (capture: only the eBPF
capabilities, pid host, BTF and /proc read-only; nothing privileged), loopback
port publishing, the shared socket volume, profiles, that mounted config files
exist and use Falco/Falcosidekick key names, that the engine's http_output and
Prometheus reach the sidekick, and that every build target exists in the
Dockerfile. Then it breaks the resolved config on purpose, case by case, and
checks each break is reported. Exit 0 when all holds, 1 otherwise.
"""
import copy
import os
import re
import shutil
import subprocess
import sys
import urllib.parse

import yaml

EBPF_CAPS = {"BPF", "PERFMON", "SYS_RESOURCE", "SYS_PTRACE", "DAC_READ_SEARCH"}
SAKER_SERVICES = {"capture", "engine", "sidekick", "event-generator"}
DEFAULT_SERVICES = {"capture", "engine", "sidekick", "redis"}
PROFILED = {"event-generator": "generator", "loki": "loki", "grafana": "loki", "kafka": "kafka",
            "prometheus": "metrics"}
FALCO_YAML = "../shared/upstream/falco.yaml"
SIDEKICK_EXAMPLE = "../shared/upstream/falcosidekick/config_example.yaml"
SIDEKICK_EXTRA_KEYS = {"webui", "spool", "nng", "http", "plugindir", "drainms"}  # Saker's own sections beyond Falcosidekick's


def resolve(compose_file):
    proc = subprocess.run(["docker-compose", "-f", compose_file, "config"], capture_output=True, text=True,
                          timeout=60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"docker-compose config failed: {proc.stderr.strip()}")
    return yaml.safe_load(proc.stdout)


def mounts(svc):
    """(source, target, read_only) of every volume of a service."""
    out = []
    for v in svc.get("volumes") or []:
        if isinstance(v, str):
            parts = v.split(":")
            out.append((parts[0], parts[1], len(parts) > 2 and "ro" in parts[2].split(",")))
        else:
            out.append((v.get("source"), v.get("target"), bool(v.get("read_only"))))
    return out


def port_spec(p):
    """(host_ip, target) of a ports entry, long or short syntax."""
    if isinstance(p, dict):
        return p.get("host_ip"), int(p.get("target"))
    parts = str(p).split("/")[0].split(":")
    return (parts[0] if len(parts) == 3 else None), int(parts[-1])


def host_of(url):
    parsed = urllib.parse.urlsplit(url if "://" in url else "tcp://" + url)
    return parsed.hostname, parsed.port


class Checker:
    def __init__(self, cfg, dockerfile):
        self.cfg = cfg
        self.services = cfg.get("services") or {}
        self.dockerfile = dockerfile
        self.errors = []

    def fail(self, what):
        self.errors.append(what)

    def run(self):
        for check in (self.check_services, self.check_privileges, self.check_capture, self.check_ports,
                      self.check_shared_socket, self.check_files, self.check_engine_config,
                      self.check_sidekick_config, self.check_prometheus, self.check_build_targets):
            check()
        return self.errors

    def check_services(self):
        for name in DEFAULT_SERVICES:
            if name not in self.services:
                self.fail(f"service {name} missing")
            elif self.services[name].get("profiles"):
                self.fail(f"service {name} must start by default, has profiles {self.services[name]['profiles']}")
        for name, profile in PROFILED.items():
            svc = self.services.get(name)
            if svc is None:
                self.fail(f"service {name} missing")
            elif profile not in (svc.get("profiles") or []):
                self.fail(f"service {name}: not in profile {profile}")

    def check_privileges(self):
        for name, svc in self.services.items():
            if svc.get("privileged"):
                self.fail(f"{name}: privileged")
            if svc.get("network_mode") == "host":
                self.fail(f"{name}: host network")
            if name in SAKER_SERVICES and "ALL" not in (svc.get("cap_drop") or []):
                self.fail(f"{name}: does not drop all capabilities")
        for name in ("engine", "sidekick", "redis"):
            if self.services.get(name, {}).get("cap_add"):
                self.fail(f"{name}: adds capabilities {self.services[name]['cap_add']}")
        user = str(self.services.get("sidekick", {}).get("user", "0")).split(":")[0]
        if user in ("0", "root"):
            self.fail("sidekick: runs as root")

    def check_capture(self):
        cap = self.services.get("capture")
        if cap is None:
            return
        if set(cap.get("cap_add") or []) != EBPF_CAPS:
            self.fail(f"capture: cap_add {cap.get('cap_add')} != {sorted(EBPF_CAPS)}")
        if cap.get("pid") != "host":
            self.fail("capture: not pid: host")
        if "apparmor:unconfined" not in (cap.get("security_opt") or []):
            self.fail("capture: not apparmor:unconfined (docker-default hides the host's /proc/<pid>/fd)")
        m = {target: (source, ro) for source, target, ro in mounts(cap)}
        for source, target in (("/sys/kernel/btf", "/sys/kernel/btf"), ("/proc", "/host/proc")):
            if m.get(target) != (source, True):
                self.fail(f"capture: {source} not mounted read-only at {target}")

    def check_ports(self):
        for name, svc in self.services.items():
            for p in svc.get("ports") or []:
                if port_spec(p)[0] != "127.0.0.1":
                    self.fail(f"{name}: port {p} is published beyond the host's loopback")
        published = {port_spec(p)[1] for p in self.services.get("sidekick", {}).get("ports") or []}
        for port in (2801, 2802):
            if port not in published:
                self.fail(f"sidekick: port {port} not published")

    def check_shared_socket(self):
        sources = {}
        for name in ("capture", "engine"):
            for source, target, _ in mounts(self.services.get(name, {})):
                if target == "/run/saker":
                    sources[name] = source
        if len(sources) != 2 or len(set(sources.values())) != 1:
            self.fail(f"capture and engine do not share one /run/saker volume: {sources}")

    def bind_sources(self):
        for name, svc in self.services.items():
            for source, target, _ in mounts(svc):
                if source and source.startswith("/") and "/config/" in source:
                    yield name, source, target

    def check_files(self):
        for name, source, _ in self.bind_sources():
            if not os.path.exists(source):
                self.fail(f"{name}: mounted file {source} does not exist")
            elif os.path.isfile(source) and source.endswith((".yaml", ".yml")):
                try:
                    with open(source, encoding="utf-8") as f:
                        list(yaml.safe_load_all(f))
                except yaml.YAMLError as e:
                    self.fail(f"{source}: invalid YAML: {e}")

    def mounted_file(self, service, target):
        for source, tgt, _ in mounts(self.services.get(service, {})):
            if tgt == target and os.path.isfile(source):
                with open(source, encoding="utf-8") as f:
                    return yaml.safe_load(f) or {}
        self.fail(f"{service}: nothing mounted at {target}")
        return {}

    def check_engine_config(self):
        cfg = self.mounted_file("engine", "/etc/saker/saker.yaml")
        with open(FALCO_YAML, encoding="utf-8") as f:
            falco_keys = set(yaml.safe_load(f))
        for key in sorted(set(cfg) - falco_keys):
            self.fail(f"engine config: {key!r} is not a falco.yaml key")
        targets = {t for _, t, _ in mounts(self.services.get("engine", {}))}
        for path in cfg.get("rules_files") or []:
            if path.startswith("/etc/") and path not in targets:
                self.fail(f"engine config: rules file {path} is not mounted")
        http = cfg.get("http_output") or {}
        if http.get("enabled"):
            host, port = host_of(http.get("url", ""))
            if host != "sidekick" or port != 2801:
                self.fail(f"engine config: http_output.url {http.get('url')} is not the sidekick's 2801")
        # A published webserver port needs the engine listening on the
        # container's network at that port (it binds loopback unless told).
        web = cfg.get("webserver") or {}
        for _, target in (port_spec(p) for p in self.services.get("engine", {}).get("ports") or []):
            if not web.get("enabled") or web.get("listen_address") != "0.0.0.0" or web.get("listen_port") != target:
                self.fail(f"engine config: port {target} is published but webserver is "
                          f"{web.get('enabled')} on {web.get('listen_address')}:{web.get('listen_port')}")

    def check_sidekick_config(self):
        cfg = self.mounted_file("sidekick", "/etc/saker/sidekick.yaml")
        with open(SIDEKICK_EXAMPLE, encoding="utf-8") as f:
            known = set(yaml.safe_load(f)) | {"listenaddress", "listenport"} | SIDEKICK_EXTRA_KEYS
        for key in sorted(set(cfg) - known):
            self.fail(f"sidekick config: {key!r} is not a Falcosidekick key")
        ui = cfg.get("webui") or {}
        if not ui.get("enabled"):
            self.fail("sidekick config: web UI not enabled")
        # The sidekick binds loopback unless told; in a container that would
        # make the published ports dead.
        for where, addr, port, want in (("listen", cfg.get("listenaddress"), cfg.get("listenport", 2801), 2801),
                                        ("webui.listen", ui.get("listenaddress"), ui.get("listenport", 2802), 2802)):
            if addr != "0.0.0.0" or port != want:
                self.fail(f"sidekick config: {where}address:port is {addr}:{port}, expected 0.0.0.0:{want}")
        for section, value in cfg.items():
            address = value.get("address") or value.get("hostport") if isinstance(value, dict) else None
            if address:
                host, _ = host_of(address.split(",")[0])
                if host not in self.services:
                    self.fail(f"sidekick config: {section} points at {host}, not a compose service")

    def check_prometheus(self):
        cfg = self.mounted_file("prometheus", "/etc/prometheus/prometheus.yml")
        targets = [t for job in cfg.get("scrape_configs") or [] for sc in job.get("static_configs") or []
                   for t in sc.get("targets") or []]
        if "sidekick:2801" not in targets:
            self.fail(f"prometheus: does not scrape sidekick:2801 (targets {targets})")
        engine = self.mounted_file("engine", "/etc/saker/saker.yaml")
        web = engine.get("webserver") or {}
        if web.get("prometheus_metrics_enabled") and (engine.get("metrics") or {}).get("enabled"):
            if f"engine:{web.get('listen_port')}" not in targets:
                self.fail(f"prometheus: does not scrape the engine's /metrics (targets {targets})")

    def check_build_targets(self):
        with open(self.dockerfile, encoding="utf-8") as f:
            stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", f.read(), re.M | re.I))
        for name, svc in self.services.items():
            build = svc.get("build")
            if build and build.get("target") not in stages:
                self.fail(f"{name}: build target {build.get('target')} not in {self.dockerfile} ({sorted(stages)})")


def promtool_check(cfg):
    """promtool validates the lab's Prometheus config when it is installed."""
    if not shutil.which("promtool"):
        return []
    for source, target, _ in mounts(cfg["services"]["prometheus"]):
        if target == "/etc/prometheus/prometheus.yml":
            proc = subprocess.run(["promtool", "check", "config", "--syntax-only", source], capture_output=True,
                                  text=True, timeout=60, check=False)
            return [] if proc.returncode == 0 else [f"promtool: {proc.stdout}{proc.stderr}".strip()]
    return ["prometheus: config not mounted"]


def set_path(cfg, path, value):
    node = cfg
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


# Each break must be reported with a message containing the needle.
BREAKS = [
    (("services", "capture", "privileged"), True, "capture: privileged"),
    (("services", "capture", "cap_add"), ["BPF", "PERFMON", "SYS_RESOURCE", "SYS_PTRACE", "DAC_READ_SEARCH", "SYS_ADMIN"],
     "capture: cap_add"),
    (("services", "capture", "pid"), None, "not pid: host"),
    (("services", "capture", "security_opt"), ["no-new-privileges:true"], "not apparmor:unconfined"),
    (("services", "capture", "volumes"), ["saker-run:/run/saker:rw", "/proc:/host/proc:rw"], "not mounted read-only"),
    (("services", "engine", "cap_add"), ["NET_ADMIN"], "engine: adds capabilities"),
    (("services", "engine", "cap_drop"), [], "engine: does not drop all capabilities"),
    (("services", "sidekick", "user"), "0:0", "sidekick: runs as root"),
    (("services", "sidekick", "ports"), [{"published": 2801, "target": 2801, "host_ip": "0.0.0.0"}],
     "beyond the host's loopback"),
    (("services", "loki", "profiles"), None, "not in profile loki"),
    (("services", "engine", "ports"), ["127.0.0.1:9999:9999"], "engine config: port 9999 is published"),
    (("services", "engine", "build"), {"context": ".", "target": "nope"}, "build target nope"),
]


def self_test(cfg, dockerfile):
    problems = []
    for path, value, needle in BREAKS:
        broken = copy.deepcopy(cfg)
        set_path(broken, path, value)
        errors = Checker(broken, dockerfile).run()
        if not any(needle in e for e in errors):
            problems.append(f"self-test: setting {'.'.join(path)} = {value!r} was not reported "
                            f"(expected {needle!r}; got {errors})")
    return problems


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        cfg = resolve(argv[1])
    except RuntimeError as e:
        print(f"check_compose: {e}", file=sys.stderr)
        return 1
    errors = Checker(cfg, argv[2]).run() + promtool_check(cfg) + self_test(cfg, argv[2])
    for e in errors:
        print(f"check_compose: {e}", file=sys.stderr)
    print(f"check_compose: {len(cfg['services'])} services, {len(BREAKS)} deliberate breaks, "
          f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
