#!/usr/bin/env python3
"""Proves check_chart.py catches what it claims to: each case breaks one thing
in a real rendering of the chart and expects the matching complaint; other
cases render the chart with non-default values and expect it to pass (or, for
an unsupported driver kind, to refuse to render).

Usage: check_chart_test.py HELMLITE CHART VALUES_ALL
"""
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_chart  # noqa: E402

HELMLITE = CHART = VALUES_ALL = None


def find(docs, kind, name=None):
    for d in docs:
        if d["kind"] == kind and (name is None or d["metadata"]["name"] == name):
            return d
    raise KeyError(f"{kind}/{name}")


def container(docs, kind, name):
    pod = find(docs, kind)["spec"]["template"]["spec"]
    return next(c for c in pod["containers"] if c["name"] == name)


def edit_file(docs, configmap, key, change):
    """Applies change() to the YAML file held in a ConfigMap entry."""
    cm = find(docs, "ConfigMap", configmap)
    cfg = yaml.safe_load(cm["data"][key])
    change(cfg)
    cm["data"][key] = yaml.safe_dump(cfg)


class BrokenRenderings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.values = check_chart.load_values(CHART, None)
        cls.docs = check_chart.render(HELMLITE, CHART, None)
        cls.values_all = check_chart.load_values(CHART, VALUES_ALL)
        cls.docs_all = check_chart.render(HELMLITE, CHART, VALUES_ALL)

    def errors(self, mutate, everything=False):
        docs = copy.deepcopy(self.docs_all if everything else self.docs)
        mutate(docs)
        return check_chart.Checker(docs, self.values_all if everything else self.values).run()

    def assert_caught(self, needle, mutate, everything=False):
        errors = self.errors(mutate, everything)
        self.assertTrue(any(needle in e for e in errors), f"{needle!r} not in {errors}")

    def test_pristine_renderings_pass(self):
        self.assertEqual(self.errors(lambda d: None), [])
        self.assertEqual(self.errors(lambda d: None, everything=True), [])

    def test_privileged_capture(self):
        def mutate(docs):
            container(docs, "DaemonSet", "capture")["securityContext"]["privileged"] = True
        self.assert_caught("privileged: true without driver.privileged", mutate)

    def test_privileged_engine(self):
        def mutate(docs):
            container(docs, "DaemonSet", "engine")["securityContext"]["privileged"] = True
        self.assert_caught("DaemonSet/engine: privileged", mutate)

    def test_missing_capability(self):
        def mutate(docs):
            container(docs, "DaemonSet", "capture")["securityContext"]["capabilities"]["add"].remove("BPF")
        self.assert_caught("lack ['BPF']", mutate)

    def test_sys_admin_added(self):
        def mutate(docs):
            container(docs, "DaemonSet", "capture")["securityContext"]["capabilities"]["add"].append("SYS_ADMIN")
        self.assert_caught("SYS_ADMIN", mutate)

    def test_missing_host_proc(self):
        def mutate(docs):
            pod = find(docs, "DaemonSet")["spec"]["template"]["spec"]
            pod["volumes"] = [v for v in pod["volumes"] if v.get("hostPath", {}).get("path") != "/proc"]
        errors = self.errors(mutate)
        self.assertTrue(any("hostPath /proc missing" in e for e in errors), errors)
        self.assertTrue(any("undeclared volume host-proc" in e for e in errors), errors)

    def test_host_path_read_write(self):
        def mutate(docs):
            for m in container(docs, "DaemonSet", "capture")["volumeMounts"]:
                m.pop("readOnly", None)
        self.assert_caught("mounted read-write", mutate)

    def test_apparmor_annotation_lost(self):
        def mutate(docs):
            find(docs, "DaemonSet")["spec"]["template"]["metadata"]["annotations"].pop(
                "container.apparmor.security.beta.kubernetes.io/capture")
        self.assert_caught("AppArmor annotation is None", mutate)

    def test_drop_failed_exit_lost(self):
        def mutate(docs):
            c = container(docs, "DaemonSet", "capture")
            c["args"] = [a for a in c["args"] if a != "--drop-failed-exit"]
        self.assert_caught("--drop-failed-exit not in the args", mutate, everything=True)

    def test_drop_failed_exit_unasked(self):
        self.assert_caught("--drop-failed-exit in the args",
                           lambda docs: container(docs, "DaemonSet", "capture")["args"].append("--drop-failed-exit"))

    def test_cpus_for_each_buffer_lost(self):
        def mutate(docs):
            args = container(docs, "DaemonSet", "capture")["args"]
            i = args.index("--cpus-for-each-buffer")
            del args[i:i + 2]
        self.assert_caught("--cpus-for-each-buffer []", mutate)

    def test_buf_size_preset_wrong(self):
        def mutate(docs):
            args = container(docs, "DaemonSet", "capture")["args"]
            args[args.index("--buf-size-preset") + 1] = "9"
        self.assert_caught("--buf-size-preset ['9']", mutate)

    def test_liveness_probe_path_wrong(self):
        def mutate(docs):
            container(docs, "DaemonSet", "engine")["livenessProbe"]["httpGet"]["path"] = "/ready"
        self.assert_caught("livenessProbe is", mutate)

    def test_readiness_probe_lost(self):
        self.assert_caught("readinessProbe is None",
                           lambda docs: container(docs, "DaemonSet", "engine").pop("readinessProbe"))

    def test_web_port_mismatch(self):
        def mutate(docs):
            container(docs, "DaemonSet", "engine")["ports"][0]["containerPort"] = 9999
        self.assert_caught("port web is 9999", mutate)

    def test_webserver_on_loopback(self):
        def mutate(docs):
            edit_file(docs, check_chart.Checker(docs, self.values).fullname(), "saker.yaml",
                      lambda cfg: cfg["webserver"].update(listen_address="127.0.0.1"))
        self.assert_caught("not reachable by the kubelet", mutate)

    def test_engine_metrics_service_port_wrong(self):
        def mutate(docs):
            find(docs, "Service", "test-saker-metrics")["spec"]["ports"][0]["targetPort"] = "http"
        self.assert_caught("Service test-saker-metrics: ports", mutate, everything=True)

    def test_engine_service_monitor_port_wrong(self):
        def mutate(docs):
            find(docs, "ServiceMonitor", "test-saker")["spec"]["endpoints"][0]["port"] = "web"
        self.assert_caught("ServiceMonitor test-saker: endpoint web", mutate, everything=True)

    def test_engine_metrics_service_lost(self):
        def mutate(docs):
            docs.remove(find(docs, "Service", "test-saker-metrics"))
        self.assert_caught("test-saker-metrics", mutate, everything=True)

    def test_hostname_env_lost(self):
        self.assert_caught("SAKER_HOSTNAME", lambda docs: container(docs, "DaemonSet", "engine").pop("env"))

    def test_extra_env_lost(self):
        def mutate(docs):
            c = container(docs, "DaemonSet", "engine")
            c["env"] = [e for e in c["env"] if e["name"] != "SAKER_EXTRA"]
        self.assert_caught("extra.env SAKER_EXTRA missing", mutate, everything=True)

    def test_no_toleration(self):
        self.assert_caught("does not tolerate every taint",
                           lambda docs: find(docs, "DaemonSet")["spec"]["template"]["spec"].pop("tolerations"))

    def test_service_port(self):
        def mutate(docs):
            find(docs, "Service", "test-saker-sidekick")["spec"]["ports"][0]["port"] = 2800
        self.assert_caught("ports [(2800, 'http')]", mutate)

    def test_service_selector(self):
        def mutate(docs):
            find(docs, "Service")["spec"]["selector"]["app.kubernetes.io/component"] = "nothing"
        self.assert_caught("selector matches no pod template", mutate)

    def test_webui_port_missing(self):
        def mutate(docs):
            c = container(docs, "Deployment", "sidekick")
            c["ports"] = [p for p in c["ports"] if p["name"] != "webui"]
        self.assert_caught("no webui container port", mutate, everything=True)

    def test_webui_on_loopback(self):
        def mutate(docs):
            edit_file(docs, "test-saker-sidekick", "sidekick.yaml",
                      lambda cfg: cfg["webui"].update(listenaddress="127.0.0.1"))
        self.assert_caught("webui.listenaddress is '127.0.0.1'", mutate, everything=True)

    def test_sidekick_token_without_policyreport(self):
        def mutate(docs):
            find(docs, "Deployment", "test-saker-sidekick")["spec"]["template"]["spec"][
                "automountServiceAccountToken"] = True
        self.assert_caught("automountServiceAccountToken is True with the report outputs off", mutate)

    def test_policyreport_role_too_wide(self):
        def mutate(docs):
            find(docs, "ClusterRole", "test-saker-sidekick")["rules"][0]["verbs"].append("delete")
        self.assert_caught("ClusterRole test-saker-sidekick: rules", mutate, everything=True)

    def test_policyreport_binding_elsewhere(self):
        def mutate(docs):
            find(docs, "ClusterRoleBinding", "test-saker-sidekick")["subjects"][0]["name"] = "default"
        self.assert_caught("does not bind test-saker-sidekick", mutate, everything=True)

    def test_spool_not_on_volume(self):
        def mutate(docs):
            cm = find(docs, "ConfigMap", "test-saker-sidekick")
            cm["data"]["sidekick.yaml"] = cm["data"]["sidekick.yaml"].replace("/var/lib/saker/sidekick", "/spool")
        self.assert_caught("spool.dir /spool is not a mounted volume", mutate)

    def test_http_output_url(self):
        def mutate(docs):
            edit_file(docs, "test-saker", "saker.yaml",
                      lambda cfg: cfg["http_output"].update(url="http://elsewhere:2801/"))
        self.assert_caught("does not reach Service", mutate)

    def test_unknown_engine_key(self):
        def mutate(docs):
            cm = find(docs, "ConfigMap", "test-saker")
            cm["data"]["saker.yaml"] += "\nnot_a_falco_key: 1\n"
        self.assert_caught("'not_a_falco_key' is not a falco.yaml key", mutate)

    def test_secret_env(self):
        def mutate(docs):
            find(docs, "Secret")["data"]["slack_webhookurl"] = "eA=="
        errors = self.errors(mutate, everything=True)
        self.assertTrue(any("not an environment variable name" in e for e in errors), errors)
        self.assertTrue(any("environment" in e and "!= expected" in e for e in errors), errors)

    def test_custom_rules_lost(self):
        self.assert_caught("customRules", lambda docs: find(docs, "ConfigMap", "test-saker-rules")["data"].clear(),
                           everything=True)

    def test_missing_kind(self):
        def mutate(docs):
            docs[:] = [d for d in docs if d["kind"] != "ServiceMonitor"]
        self.assert_caught("kind ServiceMonitor: expected present", mutate, everything=True)


class Notes(unittest.TestCase):
    """helmlite renders only *.yaml, so NOTES.txt is rendered under another name."""

    def render_notes(self, values):
        with tempfile.TemporaryDirectory() as tmp:
            chart = os.path.join(tmp, "saker")
            shutil.copytree(CHART, chart)
            os.rename(os.path.join(chart, "templates", "NOTES.txt"), os.path.join(chart, "templates", "notes.yaml"))
            proc = subprocess.run([HELMLITE, chart] + ([values] if values else []), capture_output=True, text=True,
                                  timeout=60, check=False)
        self.assertNotIn("render notes.yaml", proc.stderr)
        return proc.stdout.split("# Source: notes.yaml", 1)[1].split("\n---\n", 1)[0]

    def test_default_notes_show_alerts(self):
        notes = self.render_notes(None)
        self.assertIn("logs -l app.kubernetes.io/instance=test,app.kubernetes.io/component=agent -c engine", notes)
        self.assertIn("component=agent -c capture --tail 5", notes)
        self.assertIn("port-forward svc/test-saker-sidekick 2801:2801", notes)
        self.assertNotIn("2802", notes)

    def test_all_notes_show_webui_and_job(self):
        notes = self.render_notes(VALUES_ALL)
        self.assertIn("port-forward svc/test-saker-sidekick-ui 2802:2802", notes)
        self.assertIn("logs job/test-saker-event-generator", notes)


class OtherValues(unittest.TestCase):
    def render_with(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write(text)
        try:
            values = check_chart.load_values(CHART, f.name)
            docs = check_chart.render(HELMLITE, CHART, f.name)
            return docs, check_chart.Checker(docs, values).run()
        finally:
            os.unlink(f.name)

    def test_privileged_on_request(self):
        docs, errors = self.render_with("driver:\n  privileged: true\n")
        self.assertEqual(errors, [])
        self.assertIs(container(docs, "DaemonSet", "capture")["securityContext"]["privileged"], True)

    def test_apparmor_left_to_the_runtime(self):
        docs, errors = self.render_with('driver:\n  apparmorProfile: ""\n')
        self.assertEqual(errors, [])
        annotations = find(docs, "DaemonSet")["spec"]["template"]["metadata"]["annotations"]
        self.assertNotIn("container.apparmor.security.beta.kubernetes.io/capture", annotations)

    def test_user_hostname_wins(self):
        docs, errors = self.render_with("extra:\n  env:\n    - name: SAKER_HOSTNAME\n      value: lab\n")
        self.assertEqual(errors, [])
        env = container(docs, "DaemonSet", "engine")["env"]
        self.assertEqual([e for e in env if e["name"] == "SAKER_HOSTNAME"], [{"name": "SAKER_HOSTNAME", "value": "lab"}])

    def test_no_metrics_service_without_metrics(self):
        docs, errors = self.render_with("serviceMonitor:\n  create: true\n")
        self.assertEqual(errors, [])
        self.assertRaises(KeyError, find, docs, "Service", "test-saker-metrics")
        self.assertRaises(KeyError, find, docs, "ServiceMonitor", "test-saker")

    def test_https_probes_with_ssl(self):
        docs, errors = self.render_with("saker:\n  webserver:\n    ssl_enabled: true\n"
                                        "    ssl_certificate: /etc/saker/tls/saker.pem\n")
        self.assertEqual(errors, [])
        probe = container(docs, "DaemonSet", "engine")["livenessProbe"]["httpGet"]
        self.assertEqual(probe["scheme"], "HTTPS")

    def test_webserver_off_means_no_probes(self):
        docs, errors = self.render_with("saker:\n  webserver:\n    enabled: false\n")
        self.assertEqual(errors, [])
        engine = container(docs, "DaemonSet", "engine")
        self.assertNotIn("livenessProbe", engine)
        self.assertNotIn("ports", engine)

    def test_engine_only(self):
        docs, errors = self.render_with("driver:\n  enabled: false\nsidekick:\n  enabled: false\n")
        self.assertEqual(errors, [])
        self.assertEqual([d["kind"] for d in docs if d["kind"] in ("Deployment", "Service")], [])

    def test_unsupported_driver_kind(self):
        with self.assertRaises(RuntimeError) as ctx:
            self.render_with("driver:\n  kind: kmod\n")
        self.assertIn("modern_ebpf", str(ctx.exception))


if __name__ == "__main__":
    HELMLITE, CHART, VALUES_ALL = sys.argv[1:4]
    unittest.main(argv=sys.argv[:1] + sys.argv[4:], verbosity=1)
