/* Falcosidekick's top-level keys on the real saker-sidekick binary with the
 * real webhook plugin: templatedfields + customfields + outputFieldFormat
 * give the exact JSON a loopback receiver gets and the exact falco_events
 * series with their labels (promtool-clean);
 * the global
 * mutualtlsclient.* / mutualtlsfilespath / MUTUALTLSCLIENT_* and
 * tlsclient.cacertfile reach a TLS receiver that verifies the client
 * certificate, an output's own keys win over them; a bad template or a
 * missing top-level client certificate stops the start with the reason;
 * otlp.metrics counts alerts with customfields and extraattributes as
 * attributes; a key that turns on an output Saker lacks (stan,
 * aws.securitylake) is named in a warning.
 * Certificates are made per run with openssl; every wait is bounded and
 * every process and receiver started here is stopped at the end. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon_peer.h"
#include "http_peer.h"
#include "sidekick_harness.h"
#include "sk_test.h"

static char tmp[64];
static char build_dir[1024];
static pid_t pid = -1;
static uint16_t port;
static int runs;

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static void sidekick_stop(void)
{
	if (pid <= 0) {
		return;
	}
	kill(pid, SIGTERM);
	for (int i = 0; i < 100 && waitpid(pid, NULL, WNOHANG) == 0; i++) {
		sleep_ms(50);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pid = -1;
}

/* Writes a config to path: the listen port, no nng input, a spool of its
 * own (5 lines), then body. */
static bool write_config(const char *path, uint16_t listen_port, const char *body)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		return false;
	}
	runs++;
	fprintf(f, "listenport: %u\nnng:\n  listen: \"\"\nspool:\n  dir: %s/spool%d\n%s", (unsigned)listen_port, tmp,
		runs, body);
	return fclose(f) == 0;
}

/* Writes body (after the common keys) to a fresh config and starts the
 * binary with the extra environment "NAME=value" pairs. Returns true once
 * it answers /ping. */
static bool sidekick_start(const char *body, const char *const *env)
{
	char cfg[128], bin[1100], plugins[1100], logf[128], cmd[2048];

	port = skt_free_port();
	snprintf(cfg, sizeof(cfg), "%s/run%d.yaml", tmp, runs);
	if (!write_config(cfg, port, body)) {
		return false;
	}
	snprintf(bin, sizeof(bin), "%s/bin/saker-sidekick", build_dir);
	snprintf(plugins, sizeof(plugins), "%s/lib/saker/plugins", build_dir);
	snprintf(logf, sizeof(logf), "%s/sidekick.log", tmp);
	pid = fork();
	if (pid == 0) {
		FILE *lf = freopen(logf, "a", stderr);
		(void)lf;
		for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
			putenv((char *)env[i]);
		}
		execl(bin, bin, "-c", cfg, "--plugin-dir", plugins, (char *)NULL);
		_exit(127);
	}
	snprintf(cmd, sizeof(cmd), "curl -s -m 2 -o /dev/null -w '%%{http_code}' http://127.0.0.1:%u/ping | grep -qx 200",
		 (unsigned)port);
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			pid = -1;
			return false;
		}
		if (skt_run(cmd) == 0) {
			return true;
		}
		sleep_ms(50);
	}
	return false;
}

/* POSTs one alert to the sidekick; returns curl's HTTP status check. */
static bool post_alert(const char *json)
{
	char path[128], cmd[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/alert.json", tmp);
	f = fopen(path, "w");
	if (f == NULL) {
		return false;
	}
	fputs(json, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "curl -s -m 5 -o /dev/null -w '%%{http_code}' --data-binary @'%s' http://127.0.0.1:%u/ | grep -qx 200",
		 path, (unsigned)port);
	return skt_run(cmd) == 0;
}

/* Waits up to 10 s for want requests at the receiver. */
static bool wait_requests(hp_peer *peer, size_t want)
{
	for (int i = 0; i < 200 && hp_count(peer) < want; i++) {
		sleep_ms(50);
	}
	return hp_count(peer) >= want;
}

static const char shadow[] =
	"{\"uuid\":\"fsk-1\",\"hostname\":\"node-1\",\"output\":\"10:20:05.408091526: Warning Sensitive file "
	"opened (user=root file=/etc/shadow)\",\"priority\":\"Warning\",\"rule\":\"Read sensitive file\","
	"\"source\":\"syscall\",\"time\":\"2024-05-01T10:20:05.408091526Z\",\"output_fields\":{\"user.name\":"
	"\"root\",\"k8s.ns.labels.team\":\"blue\",\"fd.name\":\"/etc/shadow\"},\"tags\":[\"filesystem\"]}";

/* Falcosidekick's falco_events labels for the one alert posted above:
 * prometheus.extralabels (output fields, '.' as '_'), customfields, then
 * templatedfields, in config order;
 * promtool accepts the whole /metrics page. */
static void expect_metrics_labels(void)
{
	char cmd[512];
	char *text;

	snprintf(cmd, sizeof(cmd), "curl -s -m 5 -o '%s/metrics.txt' http://127.0.0.1:%u/metrics", tmp, (unsigned)port);
	SK_CHECK_INT(skt_run(cmd), 0);
	text = dp_slurp(tmp, "metrics.txt");
	SK_CHECK(text != NULL);
	if (text != NULL) {
		SK_CHECK_CONTAINS(text, "\nfalcosecurity_falcosidekick_falco_events_total{hostname=\"node-1\","
					"rule=\"Read sensitive file\",priority=\"Warning\",priority_raw=\"warning\","
					"source=\"syscall\",k8s_ns_name=\"\",k8s_pod_name=\"\",fd_name=\"/etc/shadow\","
					"user_name=\"root\",env=\"prod\",team=\"blue\","
					"owner=\"nobody\",who=\"root@prod\"} 1\n");
	}
	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s/metrics.txt'", tmp);
	SK_CHECK_INT(skt_run(cmd), 0);
	free(text);
}

SK_TEST(fsk_templatedfields_and_output_format_exact_payload)
{
	char body[1024], url[128];
	hp_peer *peer = hp_start_url(200, 0, "/hook", url, sizeof(url));

	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	snprintf(body, sizeof(body),
		 "customfields:\n  env: prod\n"
		 "templatedfields:\n"
		 "  team: '{{ or (index . \"k8s.ns.labels.team\") \"unknown\" }}'\n"
		 "  owner: '{{ or (index . \"k8s.ns.labels.owner\") \"nobody\" }}'\n"
		 "  who: '{{ index . \"user.name\" }}@{{ .env }}'\n"
		 "outputFieldFormat: \"<timestamp>: <priority> <output> <custom_fields> <templated_fields>\"\n"
		 "prometheus:\n  extralabels: \"fd.name, user.name\"\n"
		 "webhook:\n  address: %s\n",
		 url);
	SK_CHECK(sidekick_start(body, NULL));
	SK_CHECK(post_alert(shadow));
	SK_CHECK(wait_requests(peer, 1));
	if (hp_count(peer) >= 1) {
		SK_CHECK_STR(hp_get(peer, 0)->url, "/hook");
		SK_CHECK_STR(hp_get(peer, 0)->body,
			     "{\"uuid\":\"fsk-1\",\"hostname\":\"node-1\",\"output\":\"10:20:05.408091526: Warning "
			     "Sensitive file opened (user=root file=/etc/shadow) env=prod team=blue owner=nobody "
			     "who=root@prod\",\"priority\":\"Warning\",\"rule\":\"Read sensitive file\","
			     "\"source\":\"syscall\",\"time\":\"2024-05-01T10:20:05.408091526Z\",\"output_fields\":{"
			     "\"user.name\":\"root\",\"k8s.ns.labels.team\":\"blue\",\"fd.name\":\"/etc/shadow\","
			     "\"env\":\"prod\",\"team\":\"blue\",\"owner\":\"nobody\",\"who\":\"root@prod\"},"
			     "\"tags\":[\"filesystem\"]}");
	}
	expect_metrics_labels();
	sidekick_stop();
	hp_stop(peer);
}

/* Starts the sidekick with the top-level keys head and a webhook with
 * mutualtls on (plus its own keys own), posts one alert and checks that a
 * TLS receiver demanding a client certificate from our CA got it. */
static void expect_mtls_delivery(const char *what, const char *head, const char *own, const char *const *env)
{
	char *crt = dp_slurp(tmp, "server.crt"), *key = dp_slurp(tmp, "server.key"), *ca = dp_slurp(tmp, "ca.crt");
	char body[2048];
	hp_peer *peer = NULL;

	SK_CHECK(crt != NULL && key != NULL && ca != NULL);
	if (crt != NULL && key != NULL && ca != NULL && hp_start_tls(&peer, 200, crt, key, ca) == SK_OK) {
		snprintf(body, sizeof(body), "%swebhook:\n  address: https://127.0.0.1:%d/\n  mutualtls: true\n%s", head,
			 hp_port(peer), own);
		if (!sidekick_start(body, env)) {
			fprintf(stderr, "%s: the sidekick did not start\n", what);
			SK_CHECK(false);
		}
		SK_CHECK(post_alert(shadow));
		SK_CHECK(wait_requests(peer, 1));
		if (hp_count(peer) >= 1) {
			SK_CHECK_INT(hp_get(peer, 0)->client_cert_ok, 1);
			SK_CHECK_CONTAINS(hp_get(peer, 0)->body, "\"uuid\":\"fsk-1\"");
		} else {
			fprintf(stderr, "%s: nothing delivered\n", what);
		}
		sidekick_stop();
	} else {
		SK_CHECK(peer != NULL);
	}
	hp_stop(peer);
	free(crt);
	free(key);
	free(ca);
}

SK_TEST(fsk_global_mutual_tls_client_for_webhook)
{
	char head[512], own[512], cert[128], key[128], ca[128];

	/* The top-level mutualtlsclient.* files (the webhook section has none). */
	snprintf(head, sizeof(head),
		 "mutualtlsclient:\n  certfile: %s/client.crt\n  keyfile: %s/client.key\n  cacertfile: %s/ca.crt\n",
		 tmp, tmp, tmp);
	expect_mtls_delivery("mutualtlsclient", head, "", NULL);
	/* The top-level folder, with Falcosidekick's file names. */
	snprintf(head, sizeof(head), "mutualtlsfilespath: %s\n", tmp);
	expect_mtls_delivery("mutualtlsfilespath", head, "", NULL);
	/* The output's own section wins over wrong top-level files. */
	snprintf(own, sizeof(own),
		 "  mutualtlsclient:\n    certfile: %s/client.crt\n    keyfile: %s/client.key\n"
		 "    cacertfile: %s/ca.crt\n",
		 tmp, tmp, tmp);
	expect_mtls_delivery("webhook.mutualtlsclient",
			     "mutualtlsclient:\n  certfile: /nonexistent/c.crt\n  keyfile: /nonexistent/c.key\n"
			     "  cacertfile: /nonexistent/ca.crt\n",
			     own, NULL);
	/* Falcosidekick's environment names for the same keys. */
	snprintf(cert, sizeof(cert), "MUTUALTLSCLIENT_CERTFILE=%s/client.crt", tmp);
	snprintf(key, sizeof(key), "MUTUALTLSCLIENT_KEYFILE=%s/client.key", tmp);
	snprintf(ca, sizeof(ca), "MUTUALTLSCLIENT_CACERTFILE=%s/ca.crt", tmp);
	const char *const env[] = {cert, key, ca, NULL};
	expect_mtls_delivery("MUTUALTLSCLIENT_*", "", "", env);
}

SK_TEST(fsk_global_tlsclient_cacertfile_trusts_the_server)
{
	char *crt = dp_slurp(tmp, "server.crt"), *key = dp_slurp(tmp, "server.key");
	char body[1024];
	hp_peer *peer = NULL;

	SK_CHECK(crt != NULL && key != NULL);
	if (crt != NULL && key != NULL && hp_start_tls(&peer, 200, crt, key, NULL) == SK_OK) {
		snprintf(body, sizeof(body),
			 "tlsclient:\n  cacertfile: %s/ca.crt\nwebhook:\n  address: https://127.0.0.1:%d/tls\n", tmp,
			 hp_port(peer));
		SK_CHECK(sidekick_start(body, NULL));
		SK_CHECK(post_alert(shadow));
		SK_CHECK(wait_requests(peer, 1));
		if (hp_count(peer) >= 1) {
			SK_CHECK_STR(hp_get(peer, 0)->url, "/tls");
		}
		sidekick_stop();
	}
	hp_stop(peer);
	free(crt);
	free(key);
}

/* The HTTP input keeps one request state per connection across its
 * keep-alive requests: an oversized chunked body (no Content-Length, so it
 * is read to the end), then invalid JSON, then a good alert on the same
 * connection get 400, 400, 200 (nothing carried over),
 * and a metrics scrape after them counts one accepted alert. */
SK_TEST(fsk_keepalive_requests_start_clean)
{
	char cmd[4096], big[128], bad[128], good[128];
	FILE *f;

	snprintf(big, sizeof(big), "%s/big.json", tmp);
	snprintf(bad, sizeof(bad), "%s/bad.json", tmp);
	snprintf(good, sizeof(good), "%s/good.json", tmp);
	f = fopen(big, "w");
	for (int i = 0; f != NULL && i < 2000; i++) {
		fputc(' ', f);
	}
	if (f != NULL) {
		fputs(shadow, f);
		fclose(f);
	}
	f = fopen(bad, "w");
	if (f != NULL) {
		fputs("{\"rule\":\"r\",", f);
		fclose(f);
	}
	f = fopen(good, "w");
	if (f != NULL) {
		fputs(shadow, f);
		fclose(f);
	}
	SK_CHECK(sidekick_start("http:\n  bodylimit: 1024\n", NULL));
	/* One curl process, one connection: num_connects is 0 when reused. */
	snprintf(cmd, sizeof(cmd),
		 "curl -s -m 10 -o /dev/null -w '%%{http_code} %%{num_connects}\\n' -H 'Transfer-Encoding: chunked' "
		 "--data-binary @'%s' http://127.0.0.1:%u/ "
		 "--next -s -o /dev/null -w '%%{http_code} %%{num_connects}\\n' --data-binary @'%s' http://127.0.0.1:%u/ "
		 "--next -s -o /dev/null -w '%%{http_code} %%{num_connects}\\n' --data-binary @'%s' http://127.0.0.1:%u/ "
		 "> '%s/codes.txt'",
		 big, (unsigned)port, bad, (unsigned)port, good, (unsigned)port, tmp);
	SK_CHECK_INT(skt_run(cmd), 0);
	char *codes = dp_slurp(tmp, "codes.txt");
	SK_CHECK_STR(codes != NULL ? codes : "", "400 1\n400 0\n200 0\n");
	free(codes);
	snprintf(cmd, sizeof(cmd),
		 "curl -s -m 5 http://127.0.0.1:%u/metrics | grep -qx "
		 "'falcosecurity_falcosidekick_inputs_total{source=\"requests\",status=\"accepted\"} 1'",
		 (unsigned)port);
	SK_CHECK_INT(skt_run(cmd), 0);
	sidekick_stop();
}

/* Falcosidekick's aws section: region and keys once under aws, each
 * output under aws.<service> with its own minimumpriority; the files are
 * saker_aws.<service>.so, the metrics label awssqs as Falcosidekick's. */
SK_TEST(fsk_aws_keys_serve_every_aws_output)
{
	char body[1024], env_endpoint[96], cmd[512];
	hp_peer *peer = NULL;

	SK_CHECK(hp_start(&peer, 200, 0) == SK_OK);
	if (peer == NULL) {
		return;
	}
	snprintf(env_endpoint, sizeof(env_endpoint), "AWS_ENDPOINT_URL=http://127.0.0.1:%d", hp_port(peer));
	const char *const env[] = {env_endpoint, "AWS_EC2_METADATA_DISABLED=true", NULL};
	snprintf(body, sizeof(body),
		 "aws:\n  region: eu-west-3\n  accesskeyid: AKIDFSKTEST\n  secretaccesskey: fsk-secret\n"
		 "  checkidentity: false\n"
		 "  sqs:\n    region: \"\"\n    url: http://127.0.0.1:%d/123456789012/falco\n"
		 "  kinesis:\n    streamname: falco\n    minimumpriority: critical\n",
		 hp_port(peer));
	SK_CHECK(sidekick_start(body, env));
	SK_CHECK(post_alert(shadow));
	SK_CHECK(wait_requests(peer, 1));
	sleep_ms(300); /* time for a kinesis request that must not come */
	SK_CHECK_INT(hp_count(peer), 1);
	if (hp_count(peer) >= 1) {
		SK_CHECK_CONTAINS(hp_get(peer, 0)->headers, "X-Amz-Target: AmazonSQS.SendMessage\n");
		SK_CHECK_CONTAINS(hp_get(peer, 0)->headers, "Credential=AKIDFSKTEST/");
		SK_CHECK_CONTAINS(hp_get(peer, 0)->headers, "/eu-west-3/sqs/aws4_request");
		SK_CHECK_CONTAINS(hp_get(peer, 0)->body, "\\\"uuid\\\":\\\"fsk-1\\\"");
	}
	snprintf(cmd, sizeof(cmd),
		 "curl -s -m 5 http://127.0.0.1:%u/metrics | grep -qF "
		 "'falcosecurity_falcosidekick_outputs_total{destination=\"awssqs\",status=\"ok\"} 1'",
		 (unsigned)port);
	SK_CHECK_INT(skt_run(cmd), 0);
	sidekick_stop();
	hp_stop(peer);
}

SK_TEST(fsk_bad_template_or_client_cert_stops_the_start)
{
	char cfg[128], cmd[4096];

	snprintf(cfg, sizeof(cfg), "%s/bad.yaml", tmp);
	SK_CHECK(write_config(cfg, skt_free_port(),
			      "templatedfields:\n  good: '{{ index . \"proc.name\" }}'\n  broken: '{{ index . }}'\n"));
	snprintf(cmd, sizeof(cmd),
		 "'%s/bin/saker-sidekick' -c '%s' 2>&1 | grep -qF 'bad.yaml:8: templatedfields.broken: offset 0: "
		 "index wants a map and one key'",
		 build_dir, cfg);
	SK_CHECK_INT(skt_run(cmd), 0);
	snprintf(cmd, sizeof(cmd), "'%s/bin/saker-sidekick' -c '%s' >/dev/null 2>&1", build_dir, cfg);
	SK_CHECK_INT(skt_run(cmd), 1);
	/* Through the environment, Falcosidekick's "key:template" list. */
	snprintf(cmd, sizeof(cmd),
		 "TEMPLATEDFIELDS='x:{{ .a.b }}' '%s/bin/saker-sidekick' -c '%s' 2>&1 | "
		 "grep -qF 'environment TEMPLATEDFIELDS: templatedfields.x: offset 0: field chains'",
		 build_dir, cfg);
	SK_CHECK_INT(skt_run(cmd), 0);
	/* A top-level client certificate that is not there stops the start. */
	SK_CHECK(write_config(cfg, skt_free_port(),
			      "mutualtlsclient:\n  certfile: /nonexistent/c.crt\n"
			      "webhook:\n  address: https://127.0.0.1:1/\n  mutualtls: true\n"));
	snprintf(cmd, sizeof(cmd),
		 "'%s/bin/saker-sidekick' -c '%s' --plugin-dir '%s/lib/saker/plugins' 2>&1 | "
		 "grep -qF 'webhook: output init failed: mutualtls: cannot read /nonexistent/c.crt'",
		 build_dir, cfg, build_dir);
	SK_CHECK_INT(skt_run(cmd), 0);
}

/* otlp.metrics from a Falcosidekick config: customfields (merged into the
 * alert) and extraattributes become attributes of the counter, which counts
 * both alerts and goes to /v1/metrics. */
SK_TEST(fsk_otlp_metrics_counts_alerts_with_customfields)
{
	char body[512], url[128];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));

	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	snprintf(body, sizeof(body),
		 "customfields:\n  env: prod\n"
		 "otlp:\n  metrics:\n    endpoint: %s\n    protocol: http/json\n    extraattributes: \"fd.name\"\n",
		 url);
	SK_CHECK(sidekick_start(body, NULL));
	SK_CHECK(post_alert(shadow));
	SK_CHECK(wait_requests(peer, 1));
	SK_CHECK(post_alert(shadow));
	SK_CHECK(wait_requests(peer, 2));
	if (hp_count(peer) >= 2) {
		const hp_request *r = hp_get(peer, hp_count(peer) - 1);
		SK_CHECK_STR(r->url, "/v1/metrics");
		SK_CHECK_CONTAINS(r->body, "\"name\":\"falcosecurity_falco_rules_matches_total\"");
		SK_CHECK_CONTAINS(r->body,
				  "{\"attributes\":[{\"key\":\"env\",\"value\":{\"stringValue\":\"prod\"}},{\"key\":"
				  "\"fd_name\",\"value\":{\"stringValue\":\"/etc/shadow\"}},{\"key\":\"hostname\","
				  "\"value\":{\"stringValue\":\"node-1\"}},{\"key\":\"priority\",\"value\":{"
				  "\"stringValue\":\"Warning\"}},{\"key\":\"rule\",\"value\":{\"stringValue\":\"Read "
				  "sensitive file\"}},{\"key\":\"source\",\"value\":{\"stringValue\":\"syscall\"}},{"
				  "\"key\":\"tags\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":"
				  "\"filesystem\"}]}}}],");
		SK_CHECK_CONTAINS(r->body, "\"asInt\":\"2\"}]");
	}
	sidekick_stop();
	hp_stop(peer);
	/* an endpoint on the other protocol's port is named at start: OTLP/HTTP's
	 * with the default protocol of metrics (grpc), OTLP/gRPC's with http/json */
	SK_CHECK(sidekick_start("otlp:\n  metrics:\n    endpoint: http://127.0.0.1:4318\n"
				"  logs:\n    endpoint: http://127.0.0.1:4317\n",
				NULL));
	sidekick_stop();
	char *log = dp_slurp(tmp, "sidekick.log");
	SK_CHECK_CONTAINS(log != NULL ? log : "",
			  "endpoint http://127.0.0.1:4318/opentelemetry.proto.collector.metrics.v1.MetricsService/Export: "
			  "port 4318 is OTLP/HTTP's; protocol is grpc");
	SK_CHECK_CONTAINS(log != NULL ? log : "",
			  "endpoint http://127.0.0.1:4317/v1/logs: port 4317 is OTLP/gRPC's; protocol is http/json");
	free(log);
}

/* Falcosidekick outputs Saker does not have (stan, aws.securitylake): a
 * config or environment that turns one on gets a warning naming the key
 * and where it was set; the sidekick still starts and serves the outputs it
 * has. */
SK_TEST(fsk_unprovided_outputs_are_named_at_start)
{
	char cfg[128], cmd[4096], logf[160];

	snprintf(cfg, sizeof(cfg), "%s/unprovided.yaml", tmp);
	snprintf(logf, sizeof(logf), "%s/unprovided.log", tmp);
	SK_CHECK(write_config(cfg, skt_free_port(),
			      "stan:\n  hostport: nats://127.0.0.1:4222\n  clusterid: c\n"
			      "aws:\n  securitylake:\n    bucket: \"\"\n"));
	/* it runs until timeout(1) stops it after 2 s (124: not exited early) */
	snprintf(cmd, sizeof(cmd),
		 "AWS_SECURITYLAKE_BUCKET=lake timeout -s TERM 2 '%s/bin/saker-sidekick' -c '%s' "
		 "--plugin-dir '%s/lib/saker/plugins' > '%s' 2>&1",
		 build_dir, cfg, build_dir, logf);
	SK_CHECK_INT(skt_run(cmd), 124);
	char *log = dp_slurp(tmp, "unprovided.log");
	const char *text = log != NULL ? log : "";
	SK_CHECK_CONTAINS(text, "unprovided.yaml:7: stan.hostport is set, but Saker has no stan output (NATS Streaming");
	SK_CHECK_CONTAINS(text, "environment AWS_SECURITYLAKE_BUCKET: aws.securitylake.bucket is set, but Saker has no "
				"aws.securitylake output (it writes Parquet");
	SK_CHECK_CONTAINS(text, "info: ready");
	free(log);
	/* a section present but left empty turns nothing on: no warning */
	SK_CHECK(write_config(cfg, skt_free_port(), "stan:\n  hostport: \"\"\n"));
	snprintf(cmd, sizeof(cmd),
		 "timeout -s TERM 2 '%s/bin/saker-sidekick' -c '%s' --plugin-dir '%s/lib/saker/plugins' 2>&1 | "
		 "grep -q 'Saker has no'",
		 build_dir, cfg, build_dir);
	SK_CHECK_INT(skt_run(cmd), 1);
}

int main(void)
{
	const char *b = getenv("SAKER_BUILD_DIR");
	int rc;

	snprintf(build_dir, sizeof(build_dir), "%s", b != NULL ? b : "build");
	snprintf(tmp, sizeof(tmp), "/tmp/sk_fsk_XXXXXX");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (!dp_make_certs(tmp)) {
		fprintf(stderr, "openssl failed making test certificates\n");
		rc = 1;
	} else {
		rc = sk_test_run();
	}
	sidekick_stop();
	return skt_finish(tmp, rc);
}
