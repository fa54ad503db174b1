/* webserver_test.c: falco.yaml's webserver in saker-engine, and the live
 * engine's other outside-facing behaviour a capture pushed to its events
 * socket shows.
 *
 * 1. The /metrics text of a snapshot: Falco's names and labels, escaping,
 *    and promtool accepts it.
 * 2. The server over real HTTP (libcurl on loopback): /healthz, /versions,
 *    /metrics, 404, 405, HEAD, a stalled heartbeat turning /healthz to 503,
 *    bad addresses and a port in use refused; TLS from one PEM file holding
 *    certificate and key (a self-signed one made by openssl).
 * 3. saker-engine's command line: -o webserver.* and metrics.*, a shared
 *    capture pushed to its events socket as saker-capture would, and its
 *    rule's matches counted in /metrics (read back through a real
 *    Prometheus scrape) and in the periodic snapshot
 *    (metrics.output_file's lines, output_rule's alert); HTTPS from one
 *    PEM (ssl_enabled, ssl_certificate), and a port in use or a missing
 *    certificate stop the start with status 2.
 * 4. SIGUSR1 after a log rotation: file_output and program_output kept
 *    open (keep_alive) are reopened, the next alerts go to the new file.
 * 5. SIGHUP after static_fields changed in the config file: the next
 *    alerts carry the new value. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/push.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"
#include "sk_live.h"
#include "sk_push.h"
#include "sk_strbuf.h"
#include "sk_test.h"
#include "webserver.h"

static char dir[64] = "/tmp/sk_web_test_XXXXXX";

struct got {
	long status;
	sk_strbuf body;
	char type[128];
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	sk_strbuf_append(ctx, p, size * n);
	return size * n;
}

/* One request to 127.0.0.1:port/path; method NULL is GET. Status 0 when
 * nothing answered. */
static struct got fetch_from(unsigned port, const char *path, const char *method, const char *ca)
{
	struct got g = {.status = 0, .body = SK_STRBUF_INIT, .type = ""};
	char url[256];
	snprintf(url, sizeof(url), "%s://127.0.0.1:%u%s", ca != NULL ? "https" : "http", port, path);
	CURL *c = curl_easy_init();
	if (c == NULL) {
		return g;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (ca != NULL) {
		curl_easy_setopt(c, CURLOPT_CAINFO, ca); /* the server's own self-signed certificate */
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &g.body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	if (method != NULL && strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (method != NULL) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	if (curl_easy_perform(c) == CURLE_OK) {
		char *type = NULL;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &g.status);
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
		snprintf(g.type, sizeof(g.type), "%s", type != NULL ? type : "");
	}
	curl_easy_cleanup(c);
	return g;
}

static struct got fetch(unsigned port, const char *path, const char *method)
{
	return fetch_from(port, path, method, NULL);
}

static void got_free(struct got *g)
{
	sk_strbuf_free(&g->body);
}

/* promtool's lint remarks about names Falco chose, kept as they are so
 * dashboards carry over: nanosecond timestamps, a gauge named _total. */
static const char *const falco_name_remarks[] = {
	"falcosecurity_falco_host_boot_timestamp_nanoseconds use base unit \"seconds\" instead of \"nanoseconds\"",
	"falcosecurity_falco_start_timestamp_nanoseconds use base unit \"seconds\" instead of \"nanoseconds\"",
	"falcosecurity_falco_host_num_cpus_total non-counter metrics should not have \"_total\" suffix",
};

/* True when promtool parses the exposition in text and finds nothing to
 * remark but Falco's own names (exit 3 is "lint problems", 1 a bad page). */
static bool promtool_accepts(const char *text)
{
	char path[128], cmd[300];
	snprintf(path, sizeof(path), "%s/metrics.txt", dir);
	if (!sk_live_write_file(path, text)) {
		return false;
	}
	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' 2>&1; echo \"rc=$?\"", path);
	FILE *p = popen(cmd, "r");
	char line[512];
	bool ok = p != NULL, rc_seen = false;
	while (p != NULL && fgets(line, sizeof(line), p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "rc=", 3) == 0) {
			rc_seen = true;
			ok = ok && (strcmp(line, "rc=0") == 0 || strcmp(line, "rc=3") == 0);
			continue;
		}
		bool known = false;
		for (size_t i = 0; i < sizeof(falco_name_remarks) / sizeof(falco_name_remarks[0]); i++) {
			known = known || strcmp(line, falco_name_remarks[i]) == 0;
		}
		if (!known) {
			fprintf(stderr, "promtool: %s\n", line);
			ok = false;
		}
	}
	if (p != NULL) {
		pclose(p);
	}
	return ok && rc_seen;
}

SK_TEST(metrics_text_uses_falco_names)
{
	sk_metrics_rule rules[] = {
		{"Read sensitive file", 4, "syscall", "T1555, filesystem", 11},
		{"Never matched", 2, "syscall", "", 0},
		{"Odd \"name\" \\ here", 7, "syscall", "x", 1},
	};
	sk_metrics_snapshot s = {
		.parts = SK_METRICS_DEFAULT,
		.version = "1.2.3",
		.hostname = "node-a",
		.kernel_release = "6.1.0",
		.engine_kind = "modern_ebpf",
		.start_ns = 1700000000000000000ull,
		.boot_ns = 1690000000000000000ull,
		.duration_s = 21,
		.ncpus = 2,
		.events = 345,
		.alerts = 12,
		.queue_drops = 3,
		.cpu_usage_ratio = 0.25,
		.rss_bytes = 1048576,
		.vsz_bytes = 4194304,
		.have_capture = true,
		.capture_events = 1000,
		.capture_drops_buffer = 7,
		.capture_drops_other = 2,
		.rules = rules,
		.nrules = 3,
	};
	sk_strbuf out = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_metrics_render(&s, &out), SK_OK);
	const char *t = sk_strbuf_str(&out);
	SK_CHECK_CONTAINS(t, "# TYPE falcosecurity_falco_version_info gauge\nfalcosecurity_falco_version_info{version=\"1.2.3\"} 1\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_scap_engine_name_info{engine_name=\"modern_ebpf\"} 1\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_evt_hostname_info{hostname=\"node-a\"} 1\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falco_kernel_release_info{kernel_release=\"6.1.0\"} 1\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falco_start_timestamp_nanoseconds 1700000000000000000\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falco_host_num_cpus_total 2\n");
	SK_CHECK_CONTAINS(t, "# TYPE falcosecurity_falco_outputs_queue_num_drops_total counter\n"
			     "falcosecurity_falco_outputs_queue_num_drops_total 3\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falco_duration_seconds_total 21\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falco_cpu_usage_ratio 0.250000\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falco_memory_rss_bytes 1048576\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_scap_n_evts_total 1000\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_scap_n_drops_buffer_total 7\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_scap_n_drops_total 9\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falco_rules_matches_total{priority=\"4\",rule_name=\"Read sensitive file\","
			     "source=\"syscall\",tags=\"T1555, filesystem\"} 11\n");
	SK_CHECK_CONTAINS(t, "rule_name=\"Odd \\\"name\\\" \\\\ here\"");
	SK_CHECK(strstr(t, "Never matched") == NULL);
	SK_CHECK_CONTAINS(t, "saker_engine_events_total 345\n");
	SK_CHECK(promtool_accepts(t));
	/* before the capture reports, no scap counters (rather than zeros) */
	s.have_capture = false;
	sk_strbuf_reset(&out);
	SK_CHECK_INT(sk_metrics_render(&s, &out), SK_OK);
	SK_CHECK(strstr(sk_strbuf_str(&out), "falcosecurity_scap_n_evts_total") == NULL);
	SK_CHECK(promtool_accepts(sk_strbuf_str(&out)));

	/* the snapshot alert's fields: Falco's names, rates since the previous */
	s.have_capture = true;
	s.now_ns = 1700000021000000000ull;
	s.since_prev_ns = 2000000000ull;
	s.prev_events = 145;
	s.prev_capture_events = 800;
	s.prev_capture_drops = 1;
	sk_strbuf_reset(&out);
	SK_CHECK_INT(sk_metrics_fields_json(&s, &out), SK_OK);
	json_object *o = json_tokener_parse(sk_strbuf_str(&out));
	SK_CHECK(o != NULL && json_object_is_type(o, json_type_object));
	static const struct {
		const char *key;
		double want;
	} nums[] = {{"falco.num_evts", 345},		    {"falco.num_evts_prev", 145},
		    {"falco.evts_rate_sec", 100},	    {"falco.rules.Read_sensitive_file", 11},
		    {"falco.rules.matches_total", 12},   {"falco.outputs_queue_num_drops", 3},
		    {"falco.cpu_usage_perc", 25},	    {"falco.memory_rss_mb", 1},
		    {"scap.n_evts", 1000},		    {"scap.evts_rate_sec", 100},
		    {"scap.n_drops", 9},		    {"scap.n_drops_prev", 1},
		    {"scap.n_drops_perc", 100.0 * 8 / 208}, {"falco.host_num_cpus", 2},
		    {"evt.time", 1700000021000000000.0}};
	for (size_t i = 0; o != NULL && i < sizeof(nums) / sizeof(nums[0]); i++) {
		json_object *v = NULL;
		bool found = json_object_object_get_ex(o, nums[i].key, &v);
		double got = found ? json_object_get_double(v) : -1;
		if (!found || got < nums[i].want - 0.06 - nums[i].want * 1e-9 || got > nums[i].want + 0.06 + nums[i].want * 1e-9) {
			fprintf(stderr, "%s: %f, want %f\n", nums[i].key, got, nums[i].want);
			SK_CHECK(false);
		}
	}
	json_object *v = NULL;
	SK_CHECK(o != NULL && json_object_object_get_ex(o, "falco.rules.Odd_\"name\"_\\_here", &v));
	SK_CHECK(o != NULL && !json_object_object_get_ex(o, "falco.rules.Never_matched", &v));
	SK_CHECK(o != NULL && json_object_object_get_ex(o, "scap.engine_name", &v) &&
		 strcmp(json_object_get_string(v), "modern_ebpf") == 0);
	json_object_put(o);

	/* falco.yaml's switches: each part goes from both forms */
	s.parts = SK_METRICS_KERNEL;
	sk_strbuf_reset(&out);
	SK_CHECK_INT(sk_metrics_render(&s, &out), SK_OK);
	SK_CHECK(strstr(sk_strbuf_str(&out), "rules_matches_total") == NULL);
	SK_CHECK(strstr(sk_strbuf_str(&out), "cpu_usage_ratio") == NULL);
	SK_CHECK(strstr(sk_strbuf_str(&out), "memory_rss_bytes") == NULL);
	SK_CHECK_CONTAINS(sk_strbuf_str(&out), "falcosecurity_scap_n_evts_total 1000\n");
	sk_strbuf_reset(&out);
	SK_CHECK_INT(sk_metrics_fields_json(&s, &out), SK_OK);
	SK_CHECK(strstr(sk_strbuf_str(&out), "falco.rules.") == NULL);
	SK_CHECK(strstr(sk_strbuf_str(&out), "falco.memory_rss_mb") == NULL);
	SK_CHECK_CONTAINS(sk_strbuf_str(&out), "\"scap.n_evts\":1000");
	s.parts = SK_METRICS_RULES | SK_METRICS_EMPTY; /* include_empty_values */
	sk_strbuf_reset(&out);
	SK_CHECK_INT(sk_metrics_render(&s, &out), SK_OK);
	SK_CHECK(strstr(sk_strbuf_str(&out), "scap_n_evts_total") == NULL);
	SK_CHECK_CONTAINS(sk_strbuf_str(&out), "rule_name=\"Never matched\",source=\"syscall\",tags=\"\"} 0\n");
	SK_CHECK(promtool_accepts(sk_strbuf_str(&out)));
	sk_strbuf_reset(&out);
	SK_CHECK_INT(sk_metrics_fields_json(&s, &out), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&out), "\"falco.rules.Never_matched\":0");
	SK_CHECK(strstr(sk_strbuf_str(&out), "scap.n_evts") == NULL);
	sk_strbuf_free(&out);

	char release[64];
	sk_metrics_snapshot p = {.start_ns = 1};
	sk_metrics_read_process(&p, release, sizeof(release));
	SK_CHECK(p.rss_bytes > 0 && p.vsz_bytes >= p.rss_bytes && p.ncpus > 0 && p.boot_ns > 0);
	SK_CHECK(p.kernel_release == release && release[0] != '\0');
}

/* A self-signed certificate for 127.0.0.1 (cert) and the PEM holding it and
 * its key (pem), made with openssl in dir. */
static bool make_pem(char *pem, size_t pem_cap, char *cert, size_t cert_cap)
{
	char cmd[1024];
	snprintf(pem, pem_cap, "%s/saker.pem", dir);
	snprintf(cert, cert_cap, "%s/cert.pem", dir);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem "
		 "-out cert.pem -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null && "
		 "cat cert.pem key.pem > saker.pem",
		 dir);
	return system(cmd) == 0;
}

SK_TEST(server_speaks_tls_from_one_pem)
{
	char pem[160], cert[160], why[256] = "";
	SK_CHECK(make_pem(pem, sizeof(pem), cert, sizeof(cert)));
	sk_web *w = NULL;
	sk_web_config cfg = {.address = "127.0.0.1", .healthz_path = "/healthz", .stall_ms = 5000, .tls_pem = pem};
	SK_CHECK_INT(sk_web_start(&cfg, &w, why, sizeof(why)), SK_OK);
	if (w == NULL) {
		fprintf(stderr, "%s\n", why);
		return;
	}
	struct got g = fetch_from(sk_web_port(w), "/healthz", NULL, cert);
	SK_CHECK_INT(g.status, 200);
	got_free(&g);
	g = fetch_from(sk_web_port(w), "/versions", NULL, cert);
	SK_CHECK_INT(g.status, 200);
	got_free(&g);
	sk_web_stop(w);

	/* the certificate alone, or no file: refused with the reason */
	cfg.tls_pem = cert;
	SK_CHECK_INT(sk_web_start(&cfg, &w, why, sizeof(why)), SK_EINVAL);
	SK_CHECK_CONTAINS(why, "needs the certificate and its private key in one PEM file");
	cfg.tls_pem = "/nonexistent/saker.pem";
	SK_CHECK_INT(sk_web_start(&cfg, &w, why, sizeof(why)), SK_ENOENT);
	SK_CHECK_CONTAINS(why, "webserver.ssl_certificate /nonexistent/saker.pem: No such file or directory");
	SK_CHECK(w == NULL);
}

SK_TEST(server_answers_health_versions_metrics)
{
	char why[256] = "";
	sk_web *w = NULL;
	sk_web_config cfg = {.address = "127.0.0.1", .healthz_path = "/healthz", .metrics = true, .stall_ms = 400};
	SK_CHECK_INT(sk_web_start(&cfg, &w, why, sizeof(why)), SK_OK);
	if (w == NULL) {
		fprintf(stderr, "%s\n", why);
		return;
	}
	unsigned port = sk_web_port(w);
	SK_CHECK(port > 0);
	struct got g = fetch(port, "/healthz", NULL);
	SK_CHECK_INT(g.status, 200);
	SK_CHECK_STR(sk_strbuf_str(&g.body), "{\"status\": \"ok\"}");
	SK_CHECK_STR(g.type, "application/json");
	got_free(&g);
	g = fetch(port, "/metrics", NULL);
	SK_CHECK_INT(g.status, 503); /* no page yet */
	got_free(&g);
	SK_CHECK_INT(sk_web_set_metrics(w, "saker_test 1\n", 13), SK_OK);
	g = fetch(port, "/metrics", NULL);
	SK_CHECK_INT(g.status, 200);
	SK_CHECK_STR(sk_strbuf_str(&g.body), "saker_test 1\n");
	SK_CHECK_CONTAINS(g.type, "text/plain; version=0.0.4");
	got_free(&g);
	g = fetch(port, "/versions", NULL);
	SK_CHECK_INT(g.status, 200);
	SK_CHECK_CONTAINS(sk_strbuf_str(&g.body), "\"engine_version\": \"");
	got_free(&g);
	g = fetch(port, "/nope", NULL);
	SK_CHECK_INT(g.status, 404);
	got_free(&g);
	g = fetch(port, "/healthz", "POST");
	SK_CHECK_INT(g.status, 405);
	got_free(&g);
	g = fetch(port, "/healthz", "HEAD");
	SK_CHECK_INT(g.status, 200);
	got_free(&g);
	/* no heartbeat for longer than stall_ms: the loop looks wedged */
	sk_live_sleep_ms(700);
	g = fetch(port, "/healthz", NULL);
	SK_CHECK_INT(g.status, 503);
	SK_CHECK_STR(sk_strbuf_str(&g.body), "{\"status\": \"stalled\"}");
	got_free(&g);
	sk_web_beat(w);
	g = fetch(port, "/healthz", NULL);
	SK_CHECK_INT(g.status, 200);
	got_free(&g);

	/* the same port again: refused with a reason */
	sk_web *twin = NULL;
	sk_web_config same = cfg;
	same.port = (uint16_t)port;
	SK_CHECK_INT(sk_web_start(&same, &twin, why, sizeof(why)), SK_EIO);
	SK_CHECK_CONTAINS(why, "cannot listen on 127.0.0.1 port");
	SK_CHECK(twin == NULL);
	sk_web_stop(w);

	/* /metrics only when asked for; bad settings named */
	cfg.metrics = false;
	SK_CHECK_INT(sk_web_start(&cfg, &w, why, sizeof(why)), SK_OK);
	if (w != NULL) {
		g = fetch(sk_web_port(w), "/metrics", NULL);
		SK_CHECK_INT(g.status, 404);
		got_free(&g);
		sk_web_stop(w);
	}
	cfg.address = "localhost";
	SK_CHECK_INT(sk_web_start(&cfg, &w, why, sizeof(why)), SK_EINVAL);
	SK_CHECK_CONTAINS(why, "webserver.listen_address 'localhost' is not an IPv4 or IPv6 address");
	cfg.address = "::1";
	cfg.healthz_path = "healthz";
	SK_CHECK_INT(sk_web_start(&cfg, &w, why, sizeof(why)), SK_EINVAL);
	SK_CHECK_CONTAINS(why, "must start with /");
}

/* A port the kernel just handed out: bind to 0, read it back. */
static unsigned free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	unsigned port = 0;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(s, (struct sockaddr *)&sa, &len) == 0) {
		port = ntohs(sa.sin_port);
	}
	if (s >= 0) {
		close(s);
	}
	return port;
}

/* Starts saker-engine live in the test directory with the rules file and
 * extra arguments, its output in log; returns its pid. */
static pid_t start_engine(const char *rules, const char *const *extra, const char *log)
{
	return sk_live_start_engine(dir, rules, extra, log);
}

/* Pushes the shared capture's events to the engine's events socket, as
 * saker-capture streams them (the same scap blocks). */
static bool push_capture(const char *scap_gz)
{
	char raw[128], url[160];
	snprintf(raw, sizeof(raw), "%s/capture.scap", dir);
	snprintf(url, sizeof(url), "ipc://%s/events.sock", dir);
	return sk_push_scap(url, scap_gz, raw);
}

/* Starts Prometheus scraping 127.0.0.1:target every second and waits (up
 * to 30 s) until its API returns want for the instant query; stops it. */
static bool prometheus_reads(unsigned target, const char *query, long want)
{
	char path[160], data[200], cfg_opt[200], listen[64], api[160], expect[64];
	unsigned prom_port = free_port();
	snprintf(path, sizeof(path), "%s/prometheus.yml", dir);
	FILE *f = fopen(path, "we");
	if (f == NULL) {
		return false;
	}
	fprintf(f, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: saker-engine\n"
		   "    static_configs:\n      - targets: ['127.0.0.1:%u']\n",
		target);
	fclose(f);
	pid_t prom = fork();
	if (prom == 0) {
		snprintf(cfg_opt, sizeof(cfg_opt), "--config.file=%s", path);
		snprintf(data, sizeof(data), "--storage.tsdb.path=%s/prom-data", dir);
		snprintf(listen, sizeof(listen), "--web.listen-address=127.0.0.1:%u", prom_port);
		FILE *quiet = freopen("/dev/null", "w", stderr);
		(void)quiet;
		execlp("prometheus", "prometheus", cfg_opt, data, listen, (char *)NULL);
		_exit(127);
	}
	snprintf(api, sizeof(api), "/api/v1/query?query=%s", query);
	snprintf(expect, sizeof(expect), ",\"%ld\"]", want);
	bool read_back = false;
	for (int i = 0; prom > 0 && i < 150 && !read_back; i++) {
		sk_live_sleep_ms(200);
		struct got g = fetch(prom_port, api, NULL);
		read_back = g.status == 200 && strstr(sk_strbuf_str(&g.body), expect) != NULL;
		got_free(&g);
	}
	if (prom > 0) {
		kill(prom, SIGTERM);
		sk_live_reap(prom, 10000);
	}
	return read_back;
}

SK_TEST(engine_serves_falco_webserver_keys)
{
	char rules[128], log[128], port_s[32], expected[64];
	snprintf(rules, sizeof(rules), "%s/rules.yaml", dir);
	snprintf(log, sizeof(log), "%s/engine.log", dir);
	bool written = sk_live_write_file(rules, "- rule: etc opened\n  desc: a file below /etc opened\n"
						  "  condition: evt.type in (open, openat) and evt.dir=< and "
						  "fd.name startswith /etc\n"
						  "  output: opened %fd.name\n  priority: WARNING\n  tags: [zeta, alpha]\n");
	SK_CHECK(written);
	if (!written) {
		return;
	}

	/* how many times the rule matches the capture, as -e counts it */
	const char *build = getenv("SAKER_BUILD_DIR");
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "'%s/bin/saker-engine' -e ../shared/upstream/scap/cat_write.scap -r '%s' 2>&1 | "
		 "sed -n 's/^Events read: .*, alerts: //p'", build != NULL ? build : "build", rules);
	FILE *p = popen(cmd, "r");
	long alerts = -1;
	SK_CHECK(p != NULL && fscanf(p, "%ld", &alerts) == 1);
	if (p != NULL) {
		pclose(p);
	}
	SK_CHECK(alerts > 0);
	snprintf(expected, sizeof(expected), "tags=\"alpha, zeta\"} %ld\n", alerts);

	unsigned port = free_port();
	char jsonl[160], jsonl_opt[200], rule_count[64];
	snprintf(port_s, sizeof(port_s), "webserver.listen_port=%u", port);
	snprintf(jsonl, sizeof(jsonl), "%s/metrics.jsonl", dir);
	snprintf(jsonl_opt, sizeof(jsonl_opt), "metrics.output_file=%s", jsonl);
	snprintf(rule_count, sizeof(rule_count), "\"falco.rules.etc_opened\":%ld", alerts);
	const char *const on[] = {"-o", "webserver.enabled=true", "-o", port_s, "-o", "metrics.enabled=true", "-o",
				  "webserver.prometheus_metrics_enabled=true", "-o", "metrics.interval=200ms", "-o",
				  jsonl_opt, "-o", "metrics.resource_utilization_enabled=false", NULL};
	pid_t engine = start_engine(rules, on, log);
	struct got g = {.status = 0, .body = SK_STRBUF_INIT};
	for (int i = 0; i < 100 && g.status != 200; i++) { /* up to 10 s for the start */
		sk_live_sleep_ms(100);
		got_free(&g);
		g = fetch(port, "/healthz", NULL);
	}
	SK_CHECK_INT(g.status, 200);
	got_free(&g);
	SK_CHECK(push_capture("../shared/upstream/scap/cat_write.scap"));
	bool counted = false;
	for (int i = 0; i < 50 && !counted; i++) { /* the page is rebuilt every second */
		sk_live_sleep_ms(200);
		g = fetch(port, "/metrics", NULL);
		counted = g.status == 200 && strstr(sk_strbuf_str(&g.body), expected) != NULL;
		if (!counted) {
			got_free(&g);
		}
	}
	SK_CHECK(counted);
	if (counted) {
		const char *t = sk_strbuf_str(&g.body);
		SK_CHECK_CONTAINS(t, "falcosecurity_falco_rules_matches_total{priority=\"4\",rule_name=\"etc opened\"");
		SK_CHECK_CONTAINS(t, "saker_engine_events_total 345\n");
		SK_CHECK_CONTAINS(t, "falcosecurity_scap_engine_name_info{engine_name=\"modern_ebpf\"} 1\n");
		SK_CHECK(strstr(t, "falcosecurity_falco_memory_rss_bytes") == NULL); /* switched off */
		SK_CHECK(promtool_accepts(t));
		got_free(&g);
	}
	/* a real Prometheus scrapes the page and reads the rule's count back */
	SK_CHECK(prometheus_reads(port, "falcosecurity_falco_rules_matches_total", alerts));

	/* metrics.output_file and output_rule: the snapshot, rule counts included */
	bool snapshot = false;
	for (int i = 0; i < 50 && !snapshot; i++) {
		sk_live_sleep_ms(100);
		FILE *jf = fopen(jsonl, "re");
		char jline[8192];
		while (jf != NULL && !snapshot && fgets(jline, sizeof(jline), jf) != NULL) {
			snapshot = strstr(jline, rule_count) != NULL &&
				   strstr(jline, "\"rule\":\"Saker internal: metrics snapshot\"") != NULL &&
				   strstr(jline, "\"falco.num_evts\":345") != NULL &&
				   strstr(jline, "falco.memory_rss_mb") == NULL;
		}
		if (jf != NULL) {
			fclose(jf);
		}
	}
	SK_CHECK(snapshot);
	/* output_rule: on stdout like any alert */
	SK_CHECK(sk_live_file_contains(log, "Saker metrics snapshot"));

	/* a second engine on the same port does not start */
	const char *const twin_opts[] = {"-o", "webserver.enabled=true", "-o", port_s, "--events",
					 "ipc:///nonexistent-dir/e.sock", NULL};
	char twin_log[128];
	snprintf(twin_log, sizeof(twin_log), "%s/twin.log", dir);
	int status = sk_live_reap(start_engine(rules, twin_opts, twin_log), 10000);
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	kill(engine, SIGTERM);
	status = sk_live_reap(engine, 10000);
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* HTTPS with Falco's ssl_certificate: one PEM with certificate and key */
	char pem[160], cert[160], cert_opt[200];
	SK_CHECK(make_pem(pem, sizeof(pem), cert, sizeof(cert)));
	snprintf(cert_opt, sizeof(cert_opt), "webserver.ssl_certificate=%s", pem);
	const char *const tls[] = {"-o", "webserver.enabled=true", "-o", port_s, "-o", "webserver.ssl_enabled=true",
				   "-o", cert_opt, NULL};
	engine = start_engine(rules, tls, log);
	g = (struct got){.status = 0, .body = SK_STRBUF_INIT};
	for (int i = 0; i < 100 && g.status != 200; i++) {
		sk_live_sleep_ms(100);
		got_free(&g);
		g = fetch_from(port, "/healthz", NULL, cert);
	}
	SK_CHECK_INT(g.status, 200);
	SK_CHECK_STR(sk_strbuf_str(&g.body), "{\"status\": \"ok\"}");
	got_free(&g);
	g = fetch(port, "/healthz", NULL); /* plain HTTP to the HTTPS port */
	SK_CHECK_INT(g.status, 0);
	got_free(&g);
	kill(engine, SIGTERM);
	status = sk_live_reap(engine, 10000);
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* a certificate file that is not there stops the start */
	const char *const ssl[] = {"-o", "webserver.enabled=true", "-o", "webserver.ssl_enabled=true", "-o",
				   "webserver.ssl_certificate=/nonexistent/saker.pem", NULL};
	status = sk_live_reap(start_engine(rules, ssl, log), 10000);
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	SK_CHECK(sk_live_file_contains(log, "webserver.ssl_certificate /nonexistent/saker.pem"));
}

/* Lines of path (0 when missing). */
static int count_lines_of(const char *path)
{
	FILE *f = fopen(path, "re");
	int n = 0;
	char line[4096];
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		n++;
	}
	if (f != NULL) {
		fclose(f);
	}
	return n;
}

/* Waits (up to 10 s) until path has at least want lines. */
static bool wait_lines(const char *path, int want)
{
	for (int i = 0; i < 100; i++) {
		if (count_lines_of(path) >= want) {
			return true;
		}
		sk_live_sleep_ms(100);
	}
	return false;
}

/* SIGUSR1, as after a log rotation: the file kept open (keep_alive) is
 * closed, so the next alerts go to a new file by the same name, and the
 * kept program is started again. */
SK_TEST(engine_reopens_outputs_on_sigusr1)
{
	char rules[128], log[128], events[160], file[160], started[160], piped[160];
	char file_opt[200], prog_opt[400];
	snprintf(rules, sizeof(rules), "%s/usr1_rules.yaml", dir);
	snprintf(log, sizeof(log), "%s/usr1.log", dir);
	snprintf(events, sizeof(events), "%s/events.sock", dir);
	snprintf(file, sizeof(file), "%s/events.txt", dir);
	snprintf(started, sizeof(started), "%s/program-starts", dir);
	snprintf(piped, sizeof(piped), "%s/program-out", dir);
	SK_CHECK(sk_live_write_file(rules, "- rule: exec seen\n  desc: d\n  condition: evt.type=execve and evt.dir=<\n"
					   "  output: exec %proc.name\n  priority: WARNING\n"));
	snprintf(file_opt, sizeof(file_opt), "file_output.filename=%s", file);
	snprintf(prog_opt, sizeof(prog_opt), "program_output.program=echo started >> '%s'; cat >> '%s'", started,
		 piped);
	const char *const opts[] = {"-o", "file_output.enabled=true", "-o", "file_output.keep_alive=true", "-o", file_opt,
				    "-o", "program_output.enabled=true", "-o", "program_output.keep_alive=true", "-o",
				    prog_opt, NULL};
	unlink(events);
	pid_t engine = start_engine(rules, opts, log);
	for (int i = 0; i < 100 && access(events, F_OK) != 0; i++) {
		sk_live_sleep_ms(100);
	}
	SK_CHECK(push_capture("../shared/upstream/scap/cat_write.scap"));
	SK_CHECK(wait_lines(file, 1) && wait_lines(piped, 1));
	int first = count_lines_of(file);
	char rotated[200];
	snprintf(rotated, sizeof(rotated), "%s.1", file);
	SK_CHECK(rename(file, rotated) == 0); /* what logrotate does */
	kill(engine, SIGUSR1);
	for (int i = 0; i < 100 && !sk_live_file_contains(log, "SIGUSR1: reopening"); i++) {
		sk_live_sleep_ms(100);
	}
	SK_CHECK(push_capture("../shared/upstream/scap/cat_write.scap"));
	SK_CHECK(wait_lines(file, 1)); /* a new file by the old name */
	SK_CHECK_INT(count_lines_of(rotated), first);
	SK_CHECK(wait_lines(started, 2)); /* the program started again */
	SK_CHECK(wait_lines(piped, 2));
	kill(engine, SIGTERM);
	int status = sk_live_reap(engine, 10000);
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	SK_CHECK_INT(count_lines_of(started), 2);
}

/* static_fields are part of the configuration SIGHUP re-reads: alerts
 * after the reload carry the new values (in conditions and outputs), the
 * ones before kept the old. */
SK_TEST(engine_reloads_static_fields_on_sighup)
{
	char rules[128], log[128], events[160], file[160], conf[160], file_opt[200];
	snprintf(rules, sizeof(rules), "%s/sf_rules.yaml", dir);
	snprintf(log, sizeof(log), "%s/sf.log", dir);
	snprintf(events, sizeof(events), "%s/events.sock", dir);
	snprintf(file, sizeof(file), "%s/sf-events.txt", dir);
	snprintf(conf, sizeof(conf), "%s/sf.yaml", dir);
	SK_CHECK(sk_live_write_file(rules, "- rule: exec in env\n  desc: d\n  condition: evt.type=execve and evt.dir=< "
					   "and static.env in (prod, staging)\n  output: exec %proc.name in %static.env\n"
					   "  priority: WARNING\n"));
	SK_CHECK(sk_live_write_file(conf, "static_fields:\n  env: prod\n"));
	snprintf(file_opt, sizeof(file_opt), "file_output.filename=%s", file);
	const char *const opts[] = {"-c", conf, "-o", "file_output.enabled=true", "-o", file_opt, NULL};
	unlink(events);
	unlink(file);
	pid_t engine = start_engine(rules, opts, log);
	for (int i = 0; i < 100 && access(events, F_OK) != 0; i++) {
		sk_live_sleep_ms(100);
	}
	SK_CHECK(push_capture("../shared/upstream/scap/cat_write.scap"));
	SK_CHECK(wait_lines(file, 1));
	int before = count_lines_of(file);
	SK_CHECK(sk_live_file_contains(file, "exec cat in prod"));
	SK_CHECK(sk_live_write_file(conf, "static_fields:\n  env: staging\n"));
	kill(engine, SIGHUP);
	for (int i = 0; i < 100 && !sk_live_file_contains(log, "SIGHUP: reloading rules"); i++) {
		sk_live_sleep_ms(100);
	}
	SK_CHECK(push_capture("../shared/upstream/scap/cat_write.scap"));
	for (int i = 0; i < 100 && !sk_live_file_contains(file, "exec cat in staging"); i++) {
		sk_live_sleep_ms(100);
	}
	SK_CHECK(sk_live_file_contains(file, "exec cat in staging"));
	SK_CHECK(count_lines_of(file) == 2 * before); /* as many alerts, the new value */
	kill(engine, SIGTERM);
	int status = sk_live_reap(engine, 10000);
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = sk_test_run();
	curl_global_cleanup();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? rc : 1;
}
