/* The input API's protections on the real binary: bearer token on POST /,
 * TLS with a certificate from a test CA, mutual TLS (no client certificate:
 * refused), and the default loopback bind. Certificates are made with the
 * openssl command in a temp dir; every wait is bounded. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "saker/output_plugin.h"
#include "sidekick_harness.h"
#include "sk_test.h"

static char tmp[64];
static char build_dir[1024];
static pid_t pid = -1;
static uint16_t port;

static const char alert[] = "{\"rule\":\"r\",\"priority\":\"Notice\",\"time\":\"2024-05-01T10:00:00Z\","
			    "\"output\":\"o\",\"output_fields\":{}}";

/* One HTTPS request; returns the status, 0 if no HTTP answer came. */
static long request(const char *method, const char *path, const char *token, bool client_cert)
{
	char url[128], file[128], auth[128];
	long status = 0;
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	snprintf(url, sizeof(url), "https://127.0.0.1:%u%s", (unsigned)port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, skt_discard);
	snprintf(file, sizeof(file), "%s/ca.crt", tmp);
	curl_easy_setopt(c, CURLOPT_CAINFO, file);
	if (client_cert) {
		char key[128];
		snprintf(file, sizeof(file), "%s/client.crt", tmp);
		snprintf(key, sizeof(key), "%s/client.key", tmp);
		curl_easy_setopt(c, CURLOPT_SSLCERT, file);
		curl_easy_setopt(c, CURLOPT_SSLKEY, key);
	}
	if (token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	}
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, alert);
	}
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

static void make_certs(void)
{
	char cmd[4096];
	const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
		 "openssl req -x509 %s -keyout ca.key -out ca.crt -days 1 -subj /CN=sk-test-ca && "
		 "openssl req %s -keyout server.key -out server.csr -subj /CN=127.0.0.1 && "
		 "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 "
		 "-extfile san.ext && "
		 "openssl req %s -keyout client.key -out client.csr -subj /CN=sk-test-client && "
		 "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 1",
		 tmp, ec, ec, ec);
	SK_CHECK_INT(skt_run(cmd), 0);
}

SK_TEST(security_token_tls_mtls)
{
	char cfg[128], bin[1100], logf[128];
	make_certs();
	port = skt_free_port();
	uint16_t notls_port = skt_free_port();
	snprintf(cfg, sizeof(cfg), "%s/sidekick.yaml", tmp);
	FILE *f = fopen(cfg, "w");
	if (f == NULL) {
		SK_CHECK(f != NULL);
		return;
	}
	fprintf(f,
		"listenport: %u\nnng:\n  listen: \"\"\nspool:\n  dir: %s/spool\nplugindir: %s\n"
		"http:\n  bearertoken: s3cret\n"
		"tlsserver:\n  deploy: true\n  certfile: %s/server.crt\n  keyfile: %s/server.key\n"
		"  mutualtls: true\n  cacertfile: %s/ca.crt\n"
		"  notlsport: %u\n  notlspaths: [\"/ping\", \"/healthz\"]\n",
		(unsigned)port, tmp, tmp, tmp, tmp, tmp, (unsigned)notls_port);
	fclose(f);
	snprintf(bin, sizeof(bin), "%s/bin/saker-sidekick", build_dir);
	snprintf(logf, sizeof(logf), "%s/sidekick.log", tmp);
	pid = fork();
	if (pid == 0) {
		FILE *lf = freopen(logf, "a", stderr);
		(void)lf;
		execl(bin, bin, "-c", cfg, (char *)NULL);
		_exit(127);
	}
	long st = 0;
	for (int i = 0; i < 200 && st != 200; i++) {
		st = request("GET", "/ping", NULL, true);
		if (st != 200) {
			usleep(50000);
		}
	}
	SK_CHECK_INT(st, 200);
	SK_CHECK_INT(request("POST", "/", NULL, true), 401);
	SK_CHECK_INT(request("POST", "/", "wrong", true), 401);
	SK_CHECK_INT(request("POST", "/", "s3cret", true), 200);
	SK_CHECK_INT(request("POST", "/test", NULL, true), 401);
	/* No client certificate: no answer but a refusal. */
	long anon = request("GET", "/ping", NULL, false);
	SK_CHECK(anon != 200);
	/* tlsserver.notlspaths: probes over plain HTTP, nothing else. */
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:%u/ping | grep -qx 200",
		 (unsigned)notls_port);
	SK_CHECK_INT(skt_run(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "curl -s -o /dev/null -w '%%{http_code}' -d '{}' http://127.0.0.1:%u/ | grep -qx 404",
		 (unsigned)notls_port);
	SK_CHECK_INT(skt_run(cmd), 0);
	snprintf(cmd, sizeof(cmd), "curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:%u/metrics | grep -qx 404",
		 (unsigned)notls_port);
	SK_CHECK_INT(skt_run(cmd), 0);
	/* Not reachable on another address than loopback by default. */
	snprintf(cmd, sizeof(cmd), "ss -Hltn 'sport = :%u' | grep -q '127.0.0.1:%u'", (unsigned)port, (unsigned)port);
	SK_CHECK_INT(skt_run(cmd), 0);
}

SK_TEST(security_bad_config_fails_with_location)
{
	char cfg[128], cmd[2048];
	snprintf(cfg, sizeof(cfg), "%s/bad.yaml", tmp);
	FILE *f = fopen(cfg, "w");
	if (f == NULL) {
		SK_CHECK(f != NULL);
		return;
	}
	fprintf(f, "listenport: 2801\nspool:\n  dir: %s/spool2\n  syncms: soon\n", tmp);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "'%s/bin/saker-sidekick' -c '%s' 2>&1 | grep -q 'bad.yaml:4: spool.syncms'",
		 build_dir, cfg);
	SK_CHECK_INT(skt_run(cmd), 0);
	snprintf(cmd, sizeof(cmd), "'%s/bin/saker-sidekick' -c '%s' >/dev/null 2>&1", build_dir, cfg);
	SK_CHECK_INT(skt_run(cmd), 1);
}

SK_TEST(cli_flags_and_startup_errors)
{
	char version[64];
	snprintf(version, sizeof(version), "saker-sidekick 0.1.0 (output plugin ABI %u)", SAKER_OUTPUT_ABI_VERSION);
	const struct {
		const char *args, *expect;
		int status;
	} cases[] = {
		{"--version", version, 0},
		{"--help", "--plugin-dir DIR", 0},
		{"--bogus", "usage: saker-sidekick", 2},
		{"-c /nonexistent/sidekick.yaml", "/nonexistent/sidekick.yaml: cannot open", 1},
		{"--list-plugins --plugin-dir /nonexistent", "no plugins (saker_*.so) in /nonexistent", 1},
	};
	char cmd[2048];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(cmd, sizeof(cmd), "'%s/bin/saker-sidekick' %s 2>&1 | grep -qF -- '%s'", build_dir, cases[i].args,
			 cases[i].expect);
		SK_CHECK_INT(skt_run(cmd), 0);
		snprintf(cmd, sizeof(cmd), "'%s/bin/saker-sidekick' %s >/dev/null 2>&1", build_dir, cases[i].args);
		SK_CHECK_INT(skt_run(cmd), cases[i].status);
	}
	/* The nng socket directory cannot be created: say so and exit. */
	char cfg[128];
	snprintf(cfg, sizeof(cfg), "%s/nng.yaml", tmp);
	FILE *f = fopen(cfg, "w");
	if (f == NULL) {
		SK_CHECK(f != NULL);
		return;
	}
	fprintf(f, "listenport: %u\nspool:\n  dir: %s/spool3\nnng:\n  listen: ipc:///nonexistent/deeper/alerts.sock\n",
		(unsigned)skt_free_port(), tmp);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "'%s/bin/saker-sidekick' -c '%s' --plugin-dir '%s' 2>&1 | grep -qF 'directory /nonexistent/deeper "
		 "for ipc:///nonexistent/deeper/alerts.sock does not exist'",
		 build_dir, cfg, tmp);
	SK_CHECK_INT(skt_run(cmd), 0);
}

int main(void)
{
	const char *b = getenv("SAKER_BUILD_DIR");
	snprintf(build_dir, sizeof(build_dir), "%s", b != NULL ? b : "build");
	snprintf(tmp, sizeof(tmp), "/tmp/sk_sec_XXXXXX");
	if (mkdtemp(tmp) == NULL) {
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = sk_test_run();
	if (pid > 0) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 100 && waitpid(pid, NULL, WNOHANG) == 0; i++) {
			usleep(50000);
		}
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return skt_finish(tmp, rc);
}
