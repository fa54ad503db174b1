/* policyreport and openreport against an HTTPS receiver standing in for the API server
 * (certificates made by openssl for the test): through a kubeconfig with a
 * token or a client certificate, and in a pod's layout (the service
 * account's token and CA in a private mount namespace). Checks the server
 * side apply of each report, pruning at maxevents, that a failed write
 * changes nothing, the CRD hint on 404, and refused kubeconfigs. Needs
 * root (the mount namespace). */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_peer.h"
#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

static char dir[] = "/tmp/saker-k8s-XXXXXX";
static char kubeconfig[128];

static int run(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An API server stand-in on TLS (trusting client certs from the CA when
 * mtls) and a kubeconfig for it with user lines user_yaml. */
static hp_peer *start_api(bool mtls, const char *user_yaml)
{
	char *crt = dp_slurp(dir, "server.crt"), *key = dp_slurp(dir, "server.key"), *ca = dp_slurp(dir, "ca.crt"), cmd[2048];
	hp_peer *peer = NULL;

	if (crt == NULL || key == NULL || ca == NULL || hp_start_tls(&peer, 200, crt, key, mtls ? ca : NULL) != SK_OK) {
		SK_CHECK(!"the TLS receiver");
		peer = NULL;
	}
	free(crt);
	free(key);
	free(ca);
	if (peer == NULL) {
		return NULL;
	}
	snprintf(kubeconfig, sizeof(kubeconfig), "%s/kubeconfig", dir);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && printf 'apiVersion: v1\\nkind: Config\\ncurrent-context: test\\ncontexts:\\n- name: other\\n"
		 "  context: {cluster: nowhere, user: nobody}\\n- name: test\\n  context:\\n    cluster: kind\\n    user: "
		 "falco\\nclusters:\\n- name: kind\\n  cluster:\\n    server: https://127.0.0.1:%d\\n"
		 "    certificate-authority-data: %%s\\nusers:\\n- name: falco\\n  user:\\n%s' \"$(base64 -w0 ca.crt)\" "
		 "> kubeconfig",
		 dir, hp_port(peer), user_yaml);
	SK_CHECK_INT(run(cmd), 0);
	return peer;
}

static json_object *results_of(const hp_request *r, const char *kind)
{
	json_object *o = json_tokener_parse(r->body), *k = NULL;
	SK_CHECK(o != NULL && json_object_object_get_ex(o, "kind", &k) && strcmp(json_object_get_string(k), kind) == 0);
	return o;
}

static size_t nresults(json_object *o)
{
	json_object *v = NULL;
	return o != NULL && json_object_object_get_ex(o, "results", &v) ? json_object_array_length(v) : 0;
}

static void make_alert(ph_alert *a, int seq, const char *ns)
{
	ph_alert_make(a, seq);
	/* the alert's fields: container.id, k8s.ns.name (sorted), user.name */
	static const char *names[3] = {"container.id", "k8s.ns.name", "user.name"};
	a->names[0] = names[0];
	a->names[1] = names[1];
	a->names[2] = names[2];
	a->values[1] = ns;
}

SK_TEST(reports_applied_through_a_kubeconfig_token)
{
	hp_peer *peer = start_api(false, "    token: t0k3n\\n");
	ph_plugin p = {0};
	ph_alert a;
	char ns_url[sizeof(((hp_request *)0)->raw_url)] = "";

	if (peer == NULL) {
		return;
	}
	const char *const cfg[] = {"enabled", "true", "kubeconfig", kubeconfig, "maxevents", "2", NULL};
	SK_CHECK(ph_open(&p, "policyreport", cfg));
	for (int i = 0; i < 3; i++) {
		make_alert(&a, i, "web");
		SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	}
	SK_CHECK_INT(hp_count(peer), 3);
	for (size_t i = 0; i < hp_count(peer) && i < 3; i++) {
		const hp_request *r = hp_get(peer, i);
		SK_CHECK_STR(r->method, "PATCH");
		SK_CHECK(starts_with(r->raw_url, "/apis/wgpolicyk8s.io/v1alpha2/namespaces/web/policyreports/"
						 "falco-policy-report-"));
		SK_CHECK_CONTAINS(r->raw_url, "?fieldManager=saker-sidekick&force=true");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer t0k3n\n");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/apply-patch+yaml\n");
		if (i == 0) {
			snprintf(ns_url, sizeof(ns_url), "%s", r->raw_url);
		}
		SK_CHECK_STR(r->raw_url, ns_url); /* one report */
		json_object *o = results_of(r, "PolicyReport");
		SK_CHECK_INT(nresults(o), i < 2 ? i + 1 : 2); /* maxevents 2 */
		json_object_put(o);
	}
	/* the API server failing: RETRY, and the report is as before */
	hp_set_reply(peer, 503, 0);
	make_alert(&a, 3, "web");
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY);
	hp_set_reply(peer, 200, 0);
	make_alert(&a, 4, "");
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK); /* no namespace: the cluster report */
	const hp_request *r = hp_get(peer, hp_count(peer) - 1);
	SK_CHECK(starts_with(r->raw_url, "/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/falco-cluster-policy-report-"));
	json_object *o = results_of(r, "ClusterPolicyReport");
	SK_CHECK_INT(nresults(o), 1);
	json_object_put(o);
	hp_set_reply(peer, 404, 0);
	hp_set_reply_body(peer, "{\"kind\":\"Status\",\"message\":\"the server could not find the requested resource\"}");
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "is the wgpolicyk8s.io/v1alpha2 PolicyReport CRD installed");
	hp_set_reply(peer, 200, 0);
	make_alert(&a, 5, "web");
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	o = results_of(hp_get(peer, hp_count(peer) - 1), "PolicyReport");
	SK_CHECK_INT(nresults(o), 2);
	SK_CHECK_CONTAINS(hp_get(peer, hp_count(peer) - 1)->body, "\"summary\":{\"pass\":0,\"fail\":0,\"warn\":2,");
	json_object_put(o);
	ph_unload(&p);
	hp_stop(peer);
}

/* openreport: openreports.io Reports named as Falcosidekick's, and
 * falconamespace taking the alerts of a namespace that is not there */
SK_TEST(openreport_reports_and_falconamespace)
{
	hp_peer *peer = start_api(false, "    token: t0k3n\n");
	ph_plugin p = {0};
	ph_alert a;

	if (peer == NULL) {
		return;
	}
	hp_route(peer, "/apis/openreports.io/v1alpha1/namespaces/gone/", 404,
		 "{\"kind\":\"Status\",\"message\":\"namespaces \\\"gone\\\" not found\"}");
	const char *const cfg[] = {"enabled", "true", "kubeconfig", kubeconfig, "falconamespace", "falco", NULL};
	SK_CHECK(ph_open(&p, "openreport", cfg));
	make_alert(&a, 0, "web");
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	make_alert(&a, 1, "");
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	make_alert(&a, 2, "gone");
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 4);
	if (hp_count(peer) == 4) {
		SK_CHECK_STR(hp_get(peer, 0)->raw_url, "/apis/openreports.io/v1alpha1/namespaces/web/reports/falco-report"
						       "?fieldManager=saker-sidekick&force=true");
		json_object *o = results_of(hp_get(peer, 0), "Report");
		SK_CHECK_INT(nresults(o), 1);
		json_object_put(o);
		SK_CHECK_STR(hp_get(peer, 1)->raw_url, "/apis/openreports.io/v1alpha1/clusterreports/falco-cluster-report"
						       "?fieldManager=saker-sidekick&force=true");
		o = results_of(hp_get(peer, 1), "ClusterReport");
		json_object_put(o);
		SK_CHECK(starts_with(hp_get(peer, 2)->raw_url, "/apis/openreports.io/v1alpha1/namespaces/gone/"));
		SK_CHECK(starts_with(hp_get(peer, 3)->raw_url, "/apis/openreports.io/v1alpha1/namespaces/falco/reports/"));
	}
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(client_certificate_and_refused_kubeconfigs)
{
	char user[2048], cmd[512];
	ph_plugin p = {0};
	ph_alert a;

	/* the client certificate as data, the API server checking it */
	snprintf(cmd, sizeof(cmd), "cd %s && base64 -w0 client.crt > client.b64 && base64 -w0 client.key > key.b64", dir);
	SK_CHECK_INT(run(cmd), 0);
	char *crt64 = dp_slurp(dir, "client.b64"), *key64 = dp_slurp(dir, "key.b64");
	SK_CHECK(crt64 != NULL && key64 != NULL);
	snprintf(user, sizeof(user), "    client-certificate-data: %s\\n    client-key-data: %s\\n",
		 crt64 != NULL ? crt64 : "", key64 != NULL ? key64 : "");
	free(crt64);
	free(key64);
	hp_peer *peer = start_api(true, user);
	if (peer != NULL) {
		const char *const cfg[] = {"enabled", "true", "kubeconfig", kubeconfig, NULL};
		SK_CHECK(ph_open(&p, "policyreport", cfg));
		make_alert(&a, 0, "web");
		SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
		SK_CHECK(hp_count(peer) == 1 && hp_get(peer, 0)->client_cert_ok == 1);
		ph_unload(&p);
		hp_stop(peer);
	}

	/* an exec plugin user and a file that is not YAML */
	peer = start_api(false, "    exec:\\n      command: aws\\n");
	const char *const cfg[] = {"enabled", "true", "kubeconfig", kubeconfig, NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "policyreport", cfg));
	SK_CHECK_CONTAINS(p.err, "user falco authenticates through an exec or auth-provider plugin, which is not supported");
	ph_unload(&p);
	hp_stop(peer);
	snprintf(cmd, sizeof(cmd), "printf 'clusters: [\\n' > %s", kubeconfig);
	SK_CHECK_INT(run(cmd), 0);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "policyreport", cfg));
	SK_CHECK_CONTAINS(p.err, "kubeconfig:2: not a kubeconfig");
	ph_unload(&p);
	const char *const none[] = {"enabled", "true", NULL};
	unsetenv("KUBERNETES_SERVICE_HOST");
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "policyreport", none));
	SK_CHECK_CONTAINS(p.err, "not in a pod (no KUBERNETES_SERVICE_HOST) and no kubeconfig");
	ph_unload(&p);
}

/* A pod's view: /run (where /var/run/secrets lives) is a tmpfs of this
 * process's own mount namespace holding the service account's files. */
SK_TEST(in_a_pod_with_its_service_account)
{
	char *ca = dp_slurp(dir, "ca.crt"), port[16];
	ph_plugin p = {0};
	ph_alert a;

	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", "/run", "tmpfs", 0, "size=1m") != 0) {
		fprintf(stderr, "private /run: %s (policyreport_test needs root)\n", strerror(errno));
		SK_CHECK(!"a private /run");
		free(ca);
		return;
	}
	FILE *f = NULL;
	if (run("mkdir -p /run/secrets/kubernetes.io/serviceaccount") == 0) {
		f = fopen("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", "w");
	}
	if (f != NULL) {
		fputs(ca != NULL ? ca : "", f);
		fclose(f);
	}
	f = fopen("/var/run/secrets/kubernetes.io/serviceaccount/token", "w");
	if (f != NULL) {
		fputs("sa-token-1\n", f);
		fclose(f);
	}
	free(ca);
	hp_peer *peer = start_api(false, "    token: unused\\n");
	if (peer == NULL) {
		return;
	}
	snprintf(port, sizeof(port), "%d", hp_port(peer));
	setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
	setenv("KUBERNETES_SERVICE_PORT", port, 1);
	const char *const cfg[] = {"enabled", "true", NULL};
	SK_CHECK(ph_open(&p, "policyreport", cfg));
	make_alert(&a, 0, "web");
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	/* the token rotates: each call reads it again */
	f = fopen("/var/run/secrets/kubernetes.io/serviceaccount/token", "w");
	if (f != NULL) {
		fputs("sa-token-2", f);
		fclose(f);
	}
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 2);
	if (hp_count(peer) == 2) {
		SK_CHECK_CONTAINS(hp_get(peer, 0)->headers, "Authorization: Bearer sa-token-1\n");
		SK_CHECK_CONTAINS(hp_get(peer, 1)->headers, "Authorization: Bearer sa-token-2\n");
	}
	ph_unload(&p);
	unsetenv("KUBERNETES_SERVICE_HOST");
	hp_stop(peer);
}

int main(void)
{
	char cmd[2048];
	int rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (!dp_make_certs(dir)) {
		fprintf(stderr, "openssl could not make the test certificates\n");
		return 1;
	}
	rc = sk_test_run();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)run(cmd);
	return rc;
}
