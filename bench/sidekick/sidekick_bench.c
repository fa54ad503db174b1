/* sidekick_bench: saker-sidekick ingest rate over HTTP and nng, and peak RSS
 * during a 1 M-alert burst with its only output down.
 *
 * Every rate is paired with a baseline measured in the same run on the same
 * machine: HTTP against a bare libmicrohttpd server that answers 200 to each
 * POST and does nothing else (same threading), nng against a bare PULL
 * socket that only counts messages. The sidekick parses, validates,
 * enriches and appends every alert to its on-disk log before it counts it.
 *
 *   sidekick_bench [BUILD_DIR] [ALERTS]   (defaults: $SAKER_BUILD_DIR or build, 1000000)
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <nng/protocol/pipeline0/push.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "sidekick_harness.h"
#include "alert_log.h"

#define HTTP_THREADS 4
#define HTTP_SECONDS 5

static char tmp[64];
static char build_dir[1024];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int alert_json(long id, char *buf, size_t n)
{
	return snprintf(buf, n,
			"{\"hostname\":\"bench-host\",\"output\":\"10:00:00.000000000: Warning Sensitive file "
			"opened for reading by non-trusted program (user=root command=cat /etc/shadow file=/etc/"
			"shadow id=%ld)\",\"output_fields\":{\"evt.time\":1714557600000000000,\"fd.name\":\"/etc/"
			"shadow\",\"proc.cmdline\":\"cat /etc/shadow\",\"proc.name\":\"cat\",\"user.name\":\"root\","
			"\"container.id\":\"host\",\"k8s.ns.name\":null,\"k8s.pod.name\":null},\"priority\":\"Warning\","
			"\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\",\"tags\":[\"filesystem\","
			"\"mitre_credential_access\"],\"time\":\"2024-05-01T10:00:00.000000000Z\"}",
			id);
}

/* ---- HTTP load: HTTP_THREADS keep-alive clients for HTTP_SECONDS ---- */

struct http_load {
	uint16_t port;
	atomic_long ok;
	atomic_long failed;
	double until;
};

static void *http_client(void *arg)
{
	struct http_load *l = arg;
	char url[64], body[1024];
	CURL *c = curl_easy_init();
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", (unsigned)l->port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, skt_discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	for (long i = 0; now_s() < l->until; i++) {
		int n = alert_json(i, body, sizeof(body));
		long status = 0;
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)n);
		if (curl_easy_perform(c) == CURLE_OK) {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		}
		atomic_fetch_add(status == 200 ? &l->ok : &l->failed, 1);
	}
	curl_easy_cleanup(c);
	return NULL;
}

static double http_rate(uint16_t port, long *failed)
{
	struct http_load l = {.port = port};
	pthread_t t[HTTP_THREADS];
	double t0 = now_s();
	l.until = t0 + HTTP_SECONDS;
	for (int i = 0; i < HTTP_THREADS; i++) {
		pthread_create(&t[i], NULL, http_client, &l);
	}
	for (int i = 0; i < HTTP_THREADS; i++) {
		pthread_join(t[i], NULL);
	}
	*failed = atomic_load(&l.failed);
	return (double)atomic_load(&l.ok) / (now_s() - t0);
}

static enum MHD_Result echo(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			    const char *version, const char *data, size_t *size, void **con_cls)
{
	if (*con_cls == NULL) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	if (*size > 0) {
		*size = 0;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- the sidekick ---- */

static pid_t start_sidekick(const char *cfg_text)
{
	char cfg[128], bin[1100], logf[128];
	snprintf(cfg, sizeof(cfg), "%s/sidekick.yaml", tmp);
	snprintf(bin, sizeof(bin), "%s/bin/saker-sidekick", build_dir);
	snprintf(logf, sizeof(logf), "%s/sidekick.log", tmp);
	FILE *f = fopen(cfg, "w");
	if (f == NULL) {
		return -1;
	}
	fputs(cfg_text, f);
	fclose(f);
	pid_t pid = fork();
	if (pid == 0) {
		FILE *lf = freopen(logf, "a", stderr);
		(void)lf;
		execl(bin, bin, "-c", cfg, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void stop_sidekick(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static long peak_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmHWM:", 6) == 0) {
			kb = strtol(line + 6, NULL, 10);
		}
	}
	fclose(f);
	return kb;
}

/* Reads falcosecurity_falcosidekick_inputs_total for source="nng" accepted. */
static long nng_accepted(uint16_t port)
{
	char url[64];
	static char buf[1 << 16];
	size_t len = 0;
	FILE *m = NULL;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/metrics", (unsigned)port);
	CURL *c = curl_easy_init();
	m = fmemopen(buf, sizeof(buf) - 1, "w");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, m);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
	CURLcode rc = curl_easy_perform(c);
	len = (size_t)ftell(m);
	fclose(m);
	curl_easy_cleanup(c);
	buf[len] = '\0';
	const char *key = "inputs_total{source=\"nng\",status=\"accepted\"} ";
	const char *p = rc == CURLE_OK ? strstr(buf, key) : NULL;
	return p != NULL ? strtol(p + strlen(key), NULL, 10) : -1;
}

static bool wait_ping(uint16_t port)
{
	for (int i = 0; i < 200; i++) {
		if (nng_accepted(port) >= 0) {
			return true;
		}
		usleep(50000);
	}
	return false;
}

/* Pushes n alerts to url; returns seconds taken to send. */
static double push_alerts(const char *url, long n)
{
	nng_socket s;
	char body[1024];
	if (nng_push0_open(&s) != 0 || nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK) != 0) {
		return -1;
	}
	nng_socket_set_int(s, NNG_OPT_SENDBUF, 1024);
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		int len = alert_json(i, body, sizeof(body));
		if (nng_send(s, body, (size_t)len, 0) != 0) {
			break;
		}
	}
	double t = now_s() - t0;
	usleep(100000); /* let the last buffered messages leave */
	nng_close(s);
	return t;
}

struct pull_count {
	nng_socket s;
	long want;
	long got;
	double done_at;
};

static void *pull_main(void *arg)
{
	struct pull_count *p = arg;
	while (p->got < p->want) {
		nng_msg *m = NULL;
		if (nng_recvmsg(p->s, &m, 0) != 0) {
			break;
		}
		nng_msg_free(m);
		p->got++;
	}
	p->done_at = now_s();
	return NULL;
}

/* The sidekick's per-alert work without any transport: parse + validate,
 * enrich, append to the log (what both inputs do per message). */
static double core_rate(long n)
{
	char dir[128], body[1024], err[256];
	sal_log *log = NULL;
	sk_strbuf out = SK_STRBUF_INIT;
	snprintf(dir, sizeof(dir), "%s/core-spool", tmp);
	sal_options o = {.dir = dir, .max_bytes = 4ull << 30};
	if (sal_open(&o, &log, err, sizeof(err)) != SK_OK) {
		return 0;
	}
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		ska_alert a;
		int len = alert_json(i, body, sizeof(body));
		if (ska_check(body, (size_t)len, &a, err, sizeof(err)) != SK_OK) {
			break;
		}
		if (ska_enrich(&a, NULL, &out) == SK_OK) {
			sal_append(log, a.view.time_ns, out.data, out.len, NULL);
		}
		ska_free(&a);
	}
	double rate = (double)n / (now_s() - t0);
	sk_strbuf_free(&out);
	sal_close(log);
	return rate;
}

int main(int argc, char **argv)
{
	const char *b = argc > 1 ? argv[1] : getenv("SAKER_BUILD_DIR");
	long alerts = argc > 2 ? atol(argv[2]) : 1000000;
	char cfg[2048], url[256];
	snprintf(build_dir, sizeof(build_dir), "%s", b != NULL ? b : "build");
	snprintf(tmp, sizeof(tmp), "/tmp/sk_bench_XXXXXX");
	if (mkdtemp(tmp) == NULL || alerts <= 0) {
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	printf("saker-sidekick bench: %d HTTP clients x %d s, %ld alerts over nng\n", HTTP_THREADS, HTTP_SECONDS,
	       alerts);

	/* HTTP baseline: bare libmicrohttpd with the sidekick's threading. */
	uint16_t echo_port = skt_free_port();
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, echo_port, NULL,
						NULL, echo, NULL, MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_END);
	long failed = 0;
	double base_http = d != NULL ? http_rate(echo_port, &failed) : 0;
	if (d != NULL) {
		MHD_stop_daemon(d);
	}

	/* The sidekick, with one output that is down (nothing listens there). */
	uint16_t port = skt_free_port(), dead = skt_free_port();
	snprintf(url, sizeof(url), "ipc://%s/alerts.sock", tmp);
	snprintf(cfg, sizeof(cfg),
		 "listenport: %u\nnng:\n  listen: %s\nspool:\n  dir: %s/spool\n  maxbytes: 4g\n"
		 "plugindir: %s/lib/saker/plugins\n"
		 "webhook:\n  address: http://127.0.0.1:%u/\n  retry:\n    initialms: 1000\n",
		 (unsigned)port, url, tmp, build_dir, (unsigned)dead);
	pid_t pid = start_sidekick(cfg);
	if (pid < 0 || !wait_ping(port)) {
		fprintf(stderr, "sidekick did not start; see %s/sidekick.log\n", tmp);
		return 1;
	}
	long sk_failed = 0;
	double sk_http = http_rate(port, &sk_failed);
	printf("HTTP ingest:  sidekick %.0f alerts/s, bare libmicrohttpd %.0f req/s, ratio %.2f (non-200: %ld/%ld)\n",
	       sk_http, base_http, base_http > 0 ? sk_http / base_http : 0, sk_failed, failed);

	/* nng: 1 M alerts while the output is down; wait until all are spooled. */
	long before = nng_accepted(port);
	double t0 = now_s();
	push_alerts(url, alerts);
	long got = 0;
	for (int i = 0; i < 6000; i++) { /* at most 10 min */
		got = nng_accepted(port) - before;
		if (got >= alerts) {
			break;
		}
		usleep(100000);
	}
	double sk_nng = (double)got / (now_s() - t0);
	long rss = peak_rss_kb(pid);
	stop_sidekick(pid);

	/* nng baseline: the same pushes into a bare PULL socket. */
	struct pull_count pc = {.want = alerts};
	char burl[256];
	snprintf(burl, sizeof(burl), "ipc://%s/base.sock", tmp);
	pthread_t t;
	nng_pull0_open(&pc.s);
	nng_socket_set_int(pc.s, NNG_OPT_RECVBUF, 128); /* as the sidekick */
	nng_listen(pc.s, burl, NULL, 0);
	pthread_create(&t, NULL, pull_main, &pc);
	double b0 = now_s();
	push_alerts(burl, alerts);
	pthread_join(t, NULL);
	nng_close(pc.s);
	double base_nng = (double)pc.got / (pc.done_at - b0);
	printf("nng ingest:   sidekick %.0f alerts/s (%ld spooled), bare nng PULL %.0f msg/s, ratio %.2f\n", sk_nng,
	       got, base_nng, base_nng > 0 ? sk_nng / base_nng : 0);
	printf("peak RSS:     %.1f MB after %ld HTTP + %ld nng alerts with the output down (bound 256 MB)\n",
	       (double)rss / 1024.0, (long)(sk_http * HTTP_SECONDS), got);
	printf("core ingest:  %.0f alerts/s in process (parse, enrich, append; no transport)\n",
	       core_rate(alerts < 200000 ? alerts : 200000));
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 && got >= alerts ? 0 : 1;
}
