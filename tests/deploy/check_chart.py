#!/usr/bin/env python3
"""Renders deploy/helm/saker with helmlite and checks the objects.

Usage: check_chart.py HELMLITE CHART [VALUES_OVERRIDE] [--engine=SAKER_ENGINE]

What is expected follows from the values (chart defaults merged with the
override, the way helm merges them): which kinds exist, the capability list,
the hostPath mounts, the Service ports, the sidekick's environment. Exit 0 when
every check passes, 1 with one line per problem otherwise. With --engine, the
rendered engine config must also drive a real replay of a shared capture.
"""
import base64
import re
import subprocess
import sys
import tempfile

import yaml

from replay_fixture import REPLAY_RULE, REPLAY_SCAP

NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
ENV_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")
EBPF_CAPS = {"BPF", "PERFMON"}
CHART_KEYS = {"existingSecret", "extraEnv", "extraArgs"}
FALCO_YAML = "../shared/upstream/falco.yaml"
SIDEKICK_EXAMPLE = "../shared/upstream/falcosidekick/config_example.yaml"
# saker-sidekick's settings beyond Falcosidekick's (spool.maxbytes -> SPOOL_MAXBYTES, ...).
SAKER_SIDEKICK_SECTIONS = {"SPOOL", "NNG", "HTTP", "WEBUI", "PLUGINDIR", "DRAINMS"}
# Falcosidekick outputs newer than the reference config_example.yaml
NEWER_FALCOSIDEKICK_SECTIONS = {"SPLUNK", "OPENREPORT"}


def merge(dst, src):
    """Deep merge like helm: maps merge key by key, anything else replaces."""
    for key, value in src.items():
        if isinstance(value, dict) and isinstance(dst.get(key), dict):
            merge(dst[key], value)
        else:
            dst[key] = value
    return dst


def load_values(chart, override):
    with open(f"{chart}/values.yaml", encoding="utf-8") as f:
        values = yaml.safe_load(f) or {}
    if override:
        with open(override, encoding="utf-8") as f:
            merge(values, yaml.safe_load(f) or {})
    return values


def render(helmlite, chart, override):
    cmd = [helmlite, chart] + ([override] if override else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return [d for d in yaml.safe_load_all(proc.stdout) if d is not None]


class Checker:
    """Collects problems about one rendering; each check appends to .errors."""

    def __init__(self, docs, values):
        self.docs = docs
        self.values = values
        self.errors = []

    def fail(self, what):
        self.errors.append(what)

    def of_kind(self, kind):
        return [d for d in self.docs if d.get("kind") == kind]

    def one(self, kind, name):
        found = [d for d in self.of_kind(kind) if d["metadata"].get("name") == name]
        if len(found) != 1:
            self.fail(f"expected one {kind} named {name}, found {len(found)}")
            return None
        return found[0]

    def run(self):
        for check in (self.check_objects, self.check_kinds, self.check_agent, self.check_engine_config,
                      self.check_rules, self.check_sidekick, self.check_services, self.check_job):
            check()
        return self.errors

    def check_objects(self):
        seen = set()
        for doc in self.docs:
            kind, meta = doc.get("kind"), doc.get("metadata") or {}
            name = meta.get("name")
            if not doc.get("apiVersion") or not kind or not name:
                self.fail(f"object without apiVersion/kind/metadata.name: {str(doc)[:120]}")
                continue
            if len(name) > 63 or not NAME_RE.match(name):
                self.fail(f"{kind}/{name}: not a DNS-1123 label")
            if kind not in ("ClusterRole", "ClusterRoleBinding") and not meta.get("namespace"):
                self.fail(f"{kind}/{name}: no metadata.namespace")
            if (kind, name) in seen:
                self.fail(f"{kind}/{name}: defined twice")
            seen.add((kind, name))
            for pod in self.pod_specs(doc):
                self.check_pod(f"{kind}/{name}", pod)

    @staticmethod
    def pod_specs(doc):
        spec = (doc.get("spec") or {}).get("template", {}).get("spec")
        return [spec] if spec else []

    def check_pod(self, where, pod):
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        containers = (pod.get("containers") or []) + (pod.get("initContainers") or [])
        if not pod.get("containers"):
            self.fail(f"{where}: no containers")
        for c in containers:
            cname = f"{where}/{c.get('name')}"
            if not c.get("image") or ":" not in c["image"]:
                self.fail(f"{cname}: image without a tag: {c.get('image')}")
            for m in c.get("volumeMounts") or []:
                vol = volumes.get(m["name"])
                if vol is None:
                    self.fail(f"{cname}: mounts undeclared volume {m['name']}")
                elif "hostPath" in vol and not m.get("readOnly"):
                    self.fail(f"{cname}: hostPath {vol['hostPath']['path']} mounted read-write")
        for name, vol in volumes.items():
            if "configMap" in vol:
                ref = vol["configMap"]["name"]
                if ref not in self.names("ConfigMap") and not self.is_user_supplied(vol):
                    self.fail(f"{where}: volume {name} refers to missing ConfigMap {ref}")
            if "persistentVolumeClaim" in vol and vol["persistentVolumeClaim"]["claimName"] not in self.names(
                    "PersistentVolumeClaim"):
                self.fail(f"{where}: volume {name} refers to a missing PersistentVolumeClaim")

    def is_user_supplied(self, vol):
        return any(v.get("name") == vol["name"] for v in self.values.get("mounts", {}).get("volumes") or [])

    def names(self, kind):
        return {d["metadata"]["name"] for d in self.of_kind(kind)}

    def engine_metrics(self):
        """Whether the values ask for the engine's Prometheus endpoint."""
        cfg = self.values["saker"]
        web, metrics = cfg.get("webserver") or {}, cfg.get("metrics") or {}
        return bool(web.get("enabled") and web.get("prometheus_metrics_enabled") and metrics.get("enabled"))

    def report_outputs(self):
        """Which report outputs (policyreport, openreport) the sidekick runs."""
        sk = self.values["sidekick"]
        if not sk["enabled"]:
            return []
        return [o for o in ("policyreport", "openreport") if (sk["config"].get(o) or {}).get("enabled")]

    def policy_reports(self):
        """Whether the sidekick writes reports (and needs API rights)."""
        return bool(self.report_outputs())

    def expected_kinds(self):
        v, sk = self.values, self.values["sidekick"]
        engine_sm = self.engine_metrics() and v["serviceMonitor"]["create"]
        kinds = {"DaemonSet": True, "ConfigMap": True,
                 "ServiceAccount": v["serviceAccount"]["create"] or self.policy_reports(),
                 "ClusterRole": self.policy_reports(), "ClusterRoleBinding": self.policy_reports(),
                 "Deployment": sk["enabled"], "Service": sk["enabled"] or self.engine_metrics(),
                 "Secret": sk["enabled"],
                 "ServiceMonitor": (sk["enabled"] and sk["serviceMonitor"]["enabled"]) or engine_sm,
                 "PersistentVolumeClaim": sk["enabled"] and sk["persistence"]["enabled"],
                 "Job": v["eventGenerator"]["enabled"]}
        return kinds

    def check_kinds(self):
        for kind, wanted in self.expected_kinds().items():
            present = bool(self.of_kind(kind))
            if present != bool(wanted):
                self.fail(f"kind {kind}: expected {'present' if wanted else 'absent'}, "
                          f"is {'present' if present else 'absent'}")
        known = set(self.expected_kinds())
        for doc in self.docs:
            if doc.get("kind") not in known:
                self.fail(f"unexpected kind {doc.get('kind')}")

    def fullname(self):
        return f"test-{self.values.get('nameOverride') or 'saker'}"

    def check_agent(self):
        ds = self.one("DaemonSet", self.fullname())
        if ds is None:
            return
        drv = self.values["driver"]
        pod = ds["spec"]["template"]["spec"]
        labels = ds["spec"]["template"]["metadata"].get("labels") or {}
        if not set(ds["spec"]["selector"]["matchLabels"].items()) <= set(labels.items()):
            self.fail("DaemonSet: selector does not match the pod labels")
        if bool(pod.get("hostPID")) != bool(drv["enabled"]):
            self.fail(f"DaemonSet: hostPID is {pod.get('hostPID')}, driver.enabled is {drv['enabled']}")
        if not any(t.get("operator") == "Exists" and not t.get("key") for t in pod.get("tolerations") or []):
            self.fail("DaemonSet: does not tolerate every taint (operator: Exists)")
        containers = {c["name"]: c for c in pod["containers"]}
        want = {"engine", "capture"} if drv["enabled"] else {"engine"}
        if set(containers) != want:
            self.fail(f"DaemonSet: containers {sorted(containers)}, expected {sorted(want)}")
        for c in containers.values():
            if not (c.get("resources") or {}).get("limits"):
                self.fail(f"DaemonSet/{c['name']}: no resource limits")
            if not any(m["mountPath"] == "/run/saker" for m in c.get("volumeMounts") or []):
                self.fail(f"DaemonSet/{c['name']}: /run/saker (the ipc sockets) not mounted")
        self.check_run_volume(pod)
        self.check_engine_container(containers.get("engine"))
        if drv["enabled"] and "capture" in containers:
            self.check_capture_container(containers["capture"], pod)
        annotations = ds["spec"]["template"]["metadata"].get("annotations") or {}
        apparmor = annotations.get("container.apparmor.security.beta.kubernetes.io/capture")
        want_apparmor = drv.get("apparmorProfile") or None if drv["enabled"] else None
        if apparmor != want_apparmor:
            self.fail(f"DaemonSet: capture's AppArmor annotation is {apparmor!r}, driver.apparmorProfile "
                      f"{drv.get('apparmorProfile')!r}")
        self.check_host_paths(pod)

    def check_run_volume(self, pod):
        run = [v for v in pod.get("volumes") or [] if v["name"] == "run"]
        if len(run) != 1 or "emptyDir" not in run[0]:
            self.fail("DaemonSet: the shared /run/saker volume is not an emptyDir")

    def check_engine_container(self, engine):
        if engine is None:
            return
        sc = engine.get("securityContext") or {}
        if sc.get("privileged"):
            self.fail("DaemonSet/engine: privileged")
        if (sc.get("capabilities") or {}).get("add"):
            self.fail(f"DaemonSet/engine: adds capabilities {sc['capabilities']['add']}")
        args = engine.get("args") or []
        if args[:2] != ["-c", "/etc/saker/saker.yaml"]:
            self.fail(f"DaemonSet/engine: args {args} do not start with -c /etc/saker/saker.yaml")
        for extra in self.values["extra"]["args"] or []:
            if extra not in args:
                self.fail(f"DaemonSet/engine: extra.args {extra!r} missing")
        env = engine.get("env") or []
        for item in self.values["extra"]["env"] or []:
            if item not in env:
                self.fail(f"DaemonSet/engine: extra.env {item.get('name')} missing")
        node_name = {"name": "SAKER_HOSTNAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}
        user_set = any(e.get("name") == "SAKER_HOSTNAME" for e in self.values["extra"]["env"] or [])
        if (node_name in env) != (self.values["sakerHostnameEnv"] and not user_set):
            self.fail("DaemonSet/engine: SAKER_HOSTNAME from spec.nodeName does not follow sakerHostnameEnv")
        self.check_engine_probes(engine)

    def check_engine_probes(self, engine):
        """With the webserver on, both probes call its healthz endpoint on its port."""
        web = (self.engine_config() or {}).get("webserver") or {}
        ports = {p.get("name"): p.get("containerPort") for p in engine.get("ports") or []}
        if not web.get("enabled"):
            for probe in ("livenessProbe", "readinessProbe"):
                if probe in engine:
                    self.fail(f"DaemonSet/engine: {probe} without webserver.enabled (it could never pass)")
            return
        if ports.get("web") != web.get("listen_port"):
            self.fail(f"DaemonSet/engine: port web is {ports.get('web')}, webserver.listen_port is "
                      f"{web.get('listen_port')}")
        if web.get("listen_address") not in ("0.0.0.0", "::"):
            self.fail(f"DaemonSet/engine: webserver.listen_address {web.get('listen_address')} is not reachable "
                      f"by the kubelet's probes")
        for probe in ("livenessProbe", "readinessProbe"):
            get = (engine.get(probe) or {}).get("httpGet") or {}
            scheme = "HTTPS" if web.get("ssl_enabled") else "HTTP"
            if get.get("path") != web.get("k8s_healthz_endpoint") or get.get("port") != "web" or \
                    get.get("scheme") != scheme:
                self.fail(f"DaemonSet/engine: {probe} is {engine.get(probe)}, expected GET "
                          f"{web.get('k8s_healthz_endpoint')} on port web over {scheme}")
            for key, value in self.values["healthChecks"][probe].items():
                if (engine.get(probe) or {}).get(key) != value:
                    self.fail(f"DaemonSet/engine: {probe}.{key} is not healthChecks.{probe}.{key} ({value})")

    def check_capture_container(self, capture, pod):
        drv = self.values["driver"]
        sc = capture.get("securityContext") or {}
        caps = sc.get("capabilities") or {}
        if drv["privileged"]:
            if sc.get("privileged") is not True:
                self.fail("DaemonSet/capture: driver.privileged but the container is not privileged")
            return
        if sc.get("privileged"):
            self.fail("DaemonSet/capture: privileged: true without driver.privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            self.fail("DaemonSet/capture: allowPrivilegeEscalation is not false")
        if caps.get("drop") != ["ALL"]:
            self.fail(f"DaemonSet/capture: capabilities.drop is {caps.get('drop')}, expected [ALL]")
        added = caps.get("add") or []
        if added != drv["capabilities"]:
            self.fail(f"DaemonSet/capture: capabilities.add {added} != driver.capabilities {drv['capabilities']}")
        if not EBPF_CAPS <= set(added):
            self.fail(f"DaemonSet/capture: capabilities {added} lack {sorted(EBPF_CAPS - set(added))}")
        if "SYS_ADMIN" in added:
            self.fail("DaemonSet/capture: SYS_ADMIN is never needed with BPF+PERFMON")
        mounts = {m["mountPath"] for m in capture.get("volumeMounts") or []}
        for path in ("/host/proc", "/host/etc/passwd", "/host/etc/group", drv["btfPath"]):
            if path not in mounts:
                self.fail(f"DaemonSet/capture: {path} not mounted")
        env = {e["name"]: e.get("value") for e in capture.get("env") or []}
        if env.get("HOST_ROOT") != "/host":
            self.fail(f"DaemonSet/capture: HOST_ROOT is {env.get('HOST_ROOT')!r}, expected '/host'")
        self.check_capture_args(capture.get("args") or [])

    def check_capture_args(self, args):
        """driver.modernEbpf reaches saker-capture's command line."""
        ebpf = self.values["driver"]["modernEbpf"]
        preset = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--buf-size-preset"]
        if preset != [str(ebpf["bufSizePreset"])]:
            self.fail(f"DaemonSet/capture: --buf-size-preset {preset}, driver.modernEbpf.bufSizePreset is "
                      f"{ebpf['bufSizePreset']}")
        shared = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--cpus-for-each-buffer"]
        if shared != [str(ebpf["cpusForEachBuffer"])]:
            self.fail(f"DaemonSet/capture: --cpus-for-each-buffer {shared}, driver.modernEbpf.cpusForEachBuffer is "
                      f"{ebpf['cpusForEachBuffer']}")
        if ("--drop-failed-exit" in args) != bool(ebpf["dropFailedExit"]):
            self.fail(f"DaemonSet/capture: --drop-failed-exit {'in' if '--drop-failed-exit' in args else 'not in'} "
                      f"the args, driver.modernEbpf.dropFailedExit is {ebpf['dropFailedExit']}")

    def check_host_paths(self, pod):
        host = {v["hostPath"]["path"] for v in pod.get("volumes") or [] if "hostPath" in v}
        want = set()
        if self.values["driver"]["enabled"]:
            want |= {"/proc", "/etc/passwd", "/etc/group", self.values["driver"]["btfPath"]}
        if self.values["collectors"]["enabled"]:
            want |= set(self.values["collectors"]["stateDirs"])
        for path in sorted(want - host):
            self.fail(f"DaemonSet: hostPath {path} missing")
        for path in sorted(host - want):
            self.fail(f"DaemonSet: unexpected hostPath {path}")

    def engine_config(self):
        cm = self.one("ConfigMap", self.fullname())
        if cm is None:
            return None
        try:
            return yaml.safe_load(cm["data"]["saker.yaml"])
        except (KeyError, TypeError, yaml.YAMLError) as e:
            self.fail(f"ConfigMap {self.fullname()}: saker.yaml unreadable: {e}")
            return None

    def check_engine_config(self):
        cfg = self.engine_config()
        if not isinstance(cfg, dict):
            self.fail("engine config is not a map")
            return
        with open(FALCO_YAML, encoding="utf-8") as f:
            falco_keys = set(yaml.safe_load(f))
        for key in sorted(set(cfg) - falco_keys):
            self.fail(f"engine config key {key!r} is not a falco.yaml key")
        if "/etc/saker/rules.d" not in (cfg.get("rules_files") or []):
            self.fail("engine config: rules_files does not load /etc/saker/rules.d (customRules)")
        http = cfg.get("http_output") or {}
        if self.values["sidekick"]["enabled"]:
            svc = f"{self.fullname()}-sidekick"
            port = self.values["sidekick"]["service"]["port"]
            url = http.get("url") or ""
            if not http.get("enabled") or not cfg.get("json_output"):
                self.fail("engine config: sidekick enabled but http_output/json_output off")
            if not re.match(rf"^http://{svc}(\.[a-z0-9.-]+)?:{port}/$", url):
                self.fail(f"engine config: http_output.url {url!r} does not reach Service {svc}:{port}")

    def check_rules(self):
        cm = self.one("ConfigMap", f"{self.fullname()}-rules")
        if cm is None:
            return
        data = cm.get("data") or {}
        custom = self.values.get("customRules") or {}
        if set(data) != set(custom):
            self.fail(f"rules ConfigMap files {sorted(data)} != customRules {sorted(custom)}")
        for name, text in data.items():
            if text.strip() != custom.get(name, "").strip():
                self.fail(f"rules ConfigMap {name}: content differs from customRules")
            items = yaml.safe_load(text)
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                self.fail(f"rules ConfigMap {name}: not a list of rule items")

    def expected_env(self, prefix, section):
        out = {}
        for key, value in section.items():
            if not prefix and key in CHART_KEYS:
                continue
            name = (prefix + key).upper()
            if isinstance(value, dict):
                out.update(self.expected_env(name + "_", value))
            elif isinstance(value, list):
                if value:
                    out[name] = ",".join(str(v) for v in value)
            elif isinstance(value, bool):
                out[name] = "true" if value else "false"
            elif value not in (None, "", 0):
                out[name] = str(value)
        return out

    def check_sidekick(self):
        sk = self.values["sidekick"]
        if not sk["enabled"]:
            return
        name = f"{self.fullname()}-sidekick"
        secret = self.one("Secret", name)
        dep = self.one("Deployment", name)
        if secret is None or dep is None:
            return
        env = {}
        for key, value in (secret.get("data") or {}).items():
            if not ENV_RE.match(key):
                self.fail(f"Secret {name}: {key!r} is not an environment variable name")
            try:
                env[key] = base64.b64decode(value, validate=True).decode()
            except (ValueError, UnicodeDecodeError):
                self.fail(f"Secret {name}: {key} is not base64")
        want = self.expected_env("", sk["config"])
        if self.values["webui"]["enabled"]:
            creds = {k: self.values["webui"][k] for k in ("user", "password", "token")}
            want.update(self.expected_env("WEBUI_", creds))
        if env != want:
            self.fail(f"Secret {name}: environment {sorted(env)} != expected {sorted(want)} "
                      f"(or values differ)")
        with open(SIDEKICK_EXAMPLE, encoding="utf-8") as f:
            sections = {k.upper() for k in yaml.safe_load(f)} | SAKER_SIDEKICK_SECTIONS | NEWER_FALCOSIDEKICK_SECTIONS
        for key in env:
            if key.split("_")[0] not in sections:
                self.fail(f"Secret {name}: {key} is not a Falcosidekick setting")
        self.check_sidekick_file(name, dep)
        pod = dep["spec"]["template"]["spec"]
        sc = pod.get("securityContext") or {}
        if not sc.get("runAsNonRoot"):
            self.fail("sidekick: not runAsNonRoot")
        c = pod["containers"][0]
        if (c.get("securityContext") or {}).get("privileged"):
            self.fail("sidekick: privileged")
        self.check_sidekick_rights(name, pod)
        refs = [e["secretRef"]["name"] for e in c.get("envFrom") or []]
        expect_refs = [name] + ([sk["config"]["existingSecret"]] if sk["config"]["existingSecret"] else [])
        if refs != expect_refs:
            self.fail(f"sidekick: envFrom secrets {refs} != {expect_refs}")
        ports = {p["name"]: p["containerPort"] for p in c.get("ports") or []}
        if ports.get("http") != sk["listenPort"]:
            self.fail(f"sidekick: container port http is {ports.get('http')}, listenPort {sk['listenPort']}")
        if self.values["webui"]["enabled"] and ports.get("webui") != self.values["webui"]["service"]["targetPort"]:
            self.fail("sidekick: web UI enabled but no webui container port")
        for probe in ("livenessProbe", "readinessProbe"):
            if not c.get(probe):
                self.fail(f"sidekick: no {probe}")
        spool = [v for v in pod.get("volumes") or [] if v["name"] == "spool"]
        if sk["persistence"]["enabled"] and (not spool or "persistentVolumeClaim" not in spool[0]):
            self.fail("sidekick: persistence enabled but the spool is not on the claim")
        if sk["persistence"]["enabled"] and dep["spec"].get("strategy", {}).get("type") != "Recreate":
            self.fail("sidekick: a ReadWriteOnce spool needs strategy Recreate")

    def check_sidekick_rights(self, name, pod):
        """No API token unless policyreport is on; then exactly the rights
        on the report CRDs, bound to the sidekick's own account."""
        on = self.policy_reports()
        if bool(pod.get("automountServiceAccountToken")) != on:
            self.fail(f"sidekick: automountServiceAccountToken is {pod.get('automountServiceAccountToken')!r} "
                      f"with the report outputs {'on' if on else 'off'}")
        if not on:
            return
        if pod.get("serviceAccountName") != name or self.one("ServiceAccount", name) is None:
            self.fail(f"sidekick: not running as its own ServiceAccount {name}")
        role, binding = self.one("ClusterRole", name), self.one("ClusterRoleBinding", name)
        if role is None or binding is None:
            return
        rules = {"policyreport": {"apiGroups": ["wgpolicyk8s.io"],
                                  "resources": ["policyreports", "clusterpolicyreports"],
                                  "verbs": ["get", "create", "patch", "update"]},
                 "openreport": {"apiGroups": ["openreports.io"], "resources": ["reports", "clusterreports"],
                                "verbs": ["get", "create", "patch", "update"]}}
        want = [rules[o] for o in self.report_outputs()]
        if role.get("rules") != want:
            self.fail(f"ClusterRole {name}: rules {role.get('rules')} != {want}")
        subjects = [(s.get("kind"), s.get("name")) for s in binding.get("subjects") or []]
        if binding.get("roleRef", {}).get("name") != name or subjects != [("ServiceAccount", name)]:
            self.fail(f"ClusterRoleBinding {name}: does not bind {name} to its ClusterRole")

    def check_sidekick_file(self, name, dep):
        """sidekick.yaml must listen where the pod's ports and Services point
        (the sidekick binds loopback unless told) and spool onto the volume."""
        cm = self.one("ConfigMap", name)
        if cm is None:
            return
        cfg = yaml.safe_load(cm["data"]["sidekick.yaml"]) or {}
        ui = self.values["webui"]
        want = {("listenaddress",): "0.0.0.0", ("listenport",): self.values["sidekick"]["listenPort"],
                ("webui", "enabled"): ui["enabled"]}
        if ui["enabled"]:
            want.update({("webui", "listenaddress"): "0.0.0.0", ("webui", "listenport"): ui["service"]["targetPort"]})
        for path, value in want.items():
            node = cfg
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if node != value:
                self.fail(f"sidekick.yaml: {'.'.join(path)} is {node!r}, expected {value!r}")
        mounts = {m["mountPath"] for c in dep["spec"]["template"]["spec"]["containers"] for m in c["volumeMounts"]}
        if (cfg.get("spool") or {}).get("dir") not in mounts:
            self.fail(f"sidekick.yaml: spool.dir {(cfg.get('spool') or {}).get('dir')} is not a mounted volume")

    def check_services(self):
        sk, ui = self.values["sidekick"], self.values["webui"]
        want = {}
        if sk["enabled"]:
            want[f"{self.fullname()}-sidekick"] = (sk["service"]["port"], "http")
            if ui["enabled"]:
                want[f"{self.fullname()}-sidekick-ui"] = (ui["service"]["port"], "webui")
        if self.engine_metrics():
            want[f"{self.fullname()}-metrics"] = (self.values["saker"]["webserver"]["listen_port"], "web")
        services = {s["metadata"]["name"]: s for s in self.of_kind("Service")}
        if set(services) != set(want):
            self.fail(f"Services {sorted(services)} != expected {sorted(want)}")
        pods = [d["spec"]["template"] for d in self.docs if self.pod_specs(d)]
        for name, (port, target) in want.items():
            svc = services.get(name)
            if svc is None:
                continue
            ports = [(p.get("port"), p.get("targetPort")) for p in svc["spec"]["ports"]]
            if ports != [(port, target)]:
                self.fail(f"Service {name}: ports {ports} != [({port}, {target})]")
            selector = set(svc["spec"]["selector"].items())
            matched = [p for p in pods if selector <= set((p["metadata"].get("labels") or {}).items())]
            if not matched:
                self.fail(f"Service {name}: selector matches no pod template")
            elif not any(cp.get("name") == target for p in matched
                         for c in p["spec"]["containers"] for cp in c.get("ports") or []):
                self.fail(f"Service {name}: no selected container has a port named {target}")
        for sm in self.of_kind("ServiceMonitor"):
            port = sm["spec"]["endpoints"][0]["port"]
            # the sidekick's scrapes its Service's port http, the engine's its port metrics
            sidekick = sm["metadata"]["name"].endswith("-sidekick")
            want_port = "http" if sidekick else "metrics"
            if port != want_port or sm["spec"]["endpoints"][0].get("path") != "/metrics":
                self.fail(f"ServiceMonitor {sm['metadata']['name']}: endpoint {port} "
                          f"{sm['spec']['endpoints'][0].get('path')}")
            component = "sidekick" if sidekick else "agent"
            selected = sm["spec"]["selector"]["matchLabels"].get("app.kubernetes.io/component")
            if selected != component:
                self.fail(f"ServiceMonitor {sm['metadata']['name']}: selects component {selected}, not {component}")

    def check_job(self):
        for job in self.of_kind("Job"):
            pod = job["spec"]["template"]["spec"]
            if pod.get("restartPolicy") != "Never":
                self.fail("event generator Job: restartPolicy is not Never")
            for c in pod["containers"]:
                if (c.get("securityContext") or {}).get("privileged"):
                    self.fail("event generator Job: privileged")


def engine_accepts(engine, docs, name):
    """Replays a shared capture with the rendered saker.yaml through the real
    saker-engine (http_output off: the Service name only resolves in-cluster)."""
    cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == name)
    with tempfile.TemporaryDirectory(prefix="saker-chart-") as tmp:
        with open(f"{tmp}/saker.yaml", "w", encoding="utf-8") as f:
            f.write(cm["data"]["saker.yaml"])
        with open(f"{tmp}/rule.yaml", "w", encoding="utf-8") as f:
            f.write(REPLAY_RULE)
        proc = subprocess.run([engine, "-c", f"{tmp}/saker.yaml", "-r", f"{tmp}/rule.yaml", "-o",
                               "http_output.enabled=false", "-e", REPLAY_SCAP], capture_output=True, text=True,
                              timeout=120, check=False)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or not re.search(r"alerts: [1-9]", out):
        return [f"saker-engine does not run with the rendered saker.yaml (rc {proc.returncode}): {out[-800:]}"]
    return []


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--engine=")]
    engine = next((a.split("=", 1)[1] for a in argv[1:] if a.startswith("--engine=")), None)
    if len(args) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    helmlite, chart = args[0], args[1]
    override = args[2] if len(args) == 3 else None
    values = load_values(chart, override)
    try:
        docs = render(helmlite, chart, override)
    except (RuntimeError, yaml.YAMLError) as e:
        print(f"check_chart: {e}", file=sys.stderr)
        return 1
    checker = Checker(docs, values)
    errors = checker.run()
    if engine and not errors:
        errors += engine_accepts(engine, docs, checker.fullname())
    for e in errors:
        print(f"check_chart: {override or 'default values'}: {e}", file=sys.stderr)
    kinds = sorted({d['kind'] for d in docs})
    print(f"check_chart: {len(docs)} objects ({', '.join(kinds)}), {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
