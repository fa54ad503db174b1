/* openfaas, fission and kubeless against a loopback receiver reached
 * through the in-cluster names Falcosidekick builds: the test runs in a
 * private mount namespace whose /etc/hosts (a file of the test's, bound
 * over the machine's, which stays untouched) maps those names to 127.0.0.1,
 * so the plugins' URLs are resolved and called as in a cluster. Each POSTs
 * the Falco alert as it is to its path with its headers (event-id is the
 * alert's uuid); a 503 is RETRY; a kubeless function without namespace,
 * a bad port and an unreadable kubeconfig are refused at start. With a
 * kubeconfig, each is called through an HTTPS API server stand-in's
 * service proxy. Needs root. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_peer.h"
#include "http_peer.h"
#include "plugin_host.h"
#include "post_check.h"
#include "sk_test.h"

static char hosts[] = "/tmp/saker-hosts-XXXXXX";

/* /etc/hosts, in a mount namespace of this process only, naming the
 * services the three outputs call. */
static bool private_hosts(void)
{
	int fd = mkstemp(hosts);
	static const char text[] = "127.0.0.1 localhost\n"
				   "127.0.0.1 gateway.openfaas faas-gw.team-a\n"
				   "127.0.0.1 router.fission.svc.cluster.local\n"
				   "127.0.0.1 falco-hook.falco.svc.cluster.local\n";

	if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1)) {
		return false;
	}
	close(fd);
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount(hosts, "/etc/hosts", NULL, MS_BIND, NULL) != 0) {
		fprintf(stderr, "private /etc/hosts: %s (function_test needs root)\n", strerror(errno));
		return false;
	}
	return true;
}

SK_TEST(functions_called_at_their_in_cluster_urls)
{
	ph_alert a;
	char port[16], want[128];
	hp_peer *peer = NULL;
	const hp_request *r;

	if (!private_hosts() || hp_start(&peer, 200, 0) != SK_OK) {
		SK_CHECK(!"private /etc/hosts and a receiver");
		unlink(hosts);
		return;
	}
	snprintf(port, sizeof(port), "%d", hp_port(peer));

	/* OpenFaaS: Falcosidekick's default gateway, then every key set */
	const char *const faas[] = {"functionname", "falco-hook", "gatewayport", port, NULL};
	r = pc_post_one(peer, "openfaas", faas, &a, 0);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/function/falco-hook.openfaas-fn");
		SK_CHECK(strstr(r->headers, "event-id") == NULL);
	}
	const char *const faas_all[] = {"functionname",	    "respond", "functionnamespace", "fn-team-a",
					"gatewayservice",   "faas-gw", "gatewaynamespace",  "team-a",
					"gatewayport",	    port,      "customheaders.X-Trace", "t1",
					NULL};
	r = pc_post_one(peer, "openfaas", faas_all, &a, 1);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/function/respond.fn-team-a");
		SK_CHECK_CONTAINS(r->headers, "X-Trace: t1\n");
	}

	/* Fission: the router's Service, event-id the alert's uuid */
	const char *const fission[] = {"function", "falco-hook", "routerport", port, NULL};
	r = pc_post_one(peer, "fission", fission, &a, 2);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/fission-function/falco-hook");
		snprintf(want, sizeof(want), "event-id: %s\n", a.uuid);
		SK_CHECK_CONTAINS(r->headers, want);
	}

	/* Kubeless: the function's own Service */
	const char *const kubeless[] = {"function", "falco-hook", "namespace", "falco", "port", port, NULL};
	r = pc_post_one(peer, "kubeless", kubeless, &a, 3);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/");
		snprintf(want, sizeof(want), "event-id: %s\n", a.uuid);
		SK_CHECK_CONTAINS(r->headers, want);
		SK_CHECK_CONTAINS(r->headers, "event-type: falco\n");
		SK_CHECK_CONTAINS(r->headers, "event-namespace: falco\n");
	}

	/* the function's Service answering 503: RETRY, same event-id next time */
	ph_plugin p = {0};
	hp_set_reply(peer, 503, 0);
	SK_CHECK(ph_open(&p, "kubeless", kubeless));
	ph_alert_make(&a, 4);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "503");
	hp_set_reply(peer, 200, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	size_t n = hp_count(peer);
	SK_CHECK(n >= 2 && strcmp(hp_get(peer, n - 1)->headers, hp_get(peer, n - 2)->headers) == 0);
	ph_unload(&p);

	/* refused at start, with the key and the reason */
	const char *const kubeconfig[] = {"functionname", "f", "kubeconfig", "/nonexistent/kubeconfig", NULL};
	unsetenv("KUBERNETES_SERVICE_HOST");
	SK_CHECK(!ph_open(&p, "openfaas", kubeconfig));
	SK_CHECK_CONTAINS(p.err, "/nonexistent/kubeconfig: cannot read");
	ph_unload(&p);
	const char *const nonamespace[] = {"function", "f", NULL};
	SK_CHECK(!ph_open(&p, "kubeless", nonamespace));
	SK_CHECK_CONTAINS(p.err, "namespace: required with function");
	ph_unload(&p);
	const char *const badport[] = {"function", "f", "routerport", "70000", NULL};
	SK_CHECK(!ph_open(&p, "fission", badport));
	SK_CHECK_CONTAINS(p.err, "routerport 70000: want 1..65535");
	ph_unload(&p);

	hp_stop(peer);
	unlink(hosts);
}

static int run(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* kubeconfig mode: each function called through an HTTPS API server
 * stand-in's service proxy, as the kubeconfig's user. */
SK_TEST(functions_called_through_the_api_server_proxy)
{
	char dir[] = "/tmp/saker-fn-k8s-XXXXXX", cmd[2048], kubeconfig[96], want[128];
	hp_peer *api = NULL;
	ph_plugin p = {0};
	ph_alert a;

	SK_CHECK(mkdtemp(dir) != NULL);
	SK_CHECK(dp_make_certs(dir));
	char *crt = dp_slurp(dir, "server.crt"), *key = dp_slurp(dir, "server.key");
	if (crt == NULL || key == NULL || hp_start_tls(&api, 200, crt, key, NULL) != SK_OK) {
		SK_CHECK(!"the TLS receiver");
		free(crt);
		free(key);
		return;
	}
	free(crt);
	free(key);
	snprintf(kubeconfig, sizeof(kubeconfig), "%s/kubeconfig", dir);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && printf 'current-context: c\\ncontexts:\\n- name: c\\n  context: {cluster: k, user: u}\\n"
		 "clusters:\\n- name: k\\n  cluster:\\n    server: https://127.0.0.1:%d\\n    certificate-authority: "
		 "%s/ca.crt\\nusers:\\n- name: u\\n  user: {token: fn-token}\\n' > kubeconfig",
		 dir, hp_port(api), dir);
	SK_CHECK_INT(run(cmd), 0);

	static const struct {
		const char *plugin;
		const char *path;
	} cases[] = {
		{"openfaas", "/api/v1/namespaces/openfaas/services/gateway:8080/proxy/function/falco-hook.openfaas-fn"},
		{"fission", "/api/v1/namespaces/fission/services/router:80/proxy/fission-function/falco-hook"},
		{"kubeless", "/api/v1/namespaces/falco/services/falco-hook:8080/proxy/"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const cfg[] = {i == 0 ? "functionname" : "function", "falco-hook", "namespace", "falco",
					   "kubeconfig", kubeconfig, NULL};
		memset(&p, 0, sizeof(p));
		SK_CHECK(ph_open(&p, cases[i].plugin, cfg));
		ph_alert_make(&a, (int)i);
		SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
		ph_unload(&p);
		if (hp_count(api) != i + 1) {
			SK_CHECK(!"one call per function");
			break;
		}
		const hp_request *r = hp_get(api, i);
		SK_CHECK_STR(r->method, "POST");
		SK_CHECK_STR(r->raw_url, cases[i].path);
		SK_CHECK_STR(r->body, a.json);
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer fn-token\n");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
		snprintf(want, sizeof(want), "event-id: %s\n", a.uuid);
		SK_CHECK_CONTAINS(r->headers, want);
		if (i == 2) {
			SK_CHECK_CONTAINS(r->headers, "event-type: falco\n");
			SK_CHECK_CONTAINS(r->headers, "event-namespace: falco\n");
		}
	}
	/* the proxy answering 503 (no endpoints yet): RETRY; 403: FAIL */
	const char *const cfg[] = {"function", "f", "kubeconfig", kubeconfig, NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "fission", cfg));
	ph_alert_make(&a, 9);
	hp_set_reply(api, 503, 0);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	hp_set_reply(api, 403, 0);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "HTTP 403 from https://127.0.0.1:");
	ph_unload(&p);
	hp_stop(api);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)run(cmd);
}

SK_TEST_MAIN()
