/* sidekick_bench: saker-sidekick ingest rate over HTTP and nng, and peak RSS
 * during a burst of ALERTS alerts with its only output down.
 *
 * Every rate is paired with a baseline measured in the same run on the same
 * machine, fed by the same load generator:
 *  - HTTP: one alert per POST (as Falco's http_output sends), from a
 *    single-threaded raw-socket client over many keep-alive connections,
 *    without and with pipelining; baseline: a bare libmicrohttpd server with
 *    the sidekick's threading and connection memory (SKH_CONN_MEMORY) that
 *    answers 200 and does nothing else.
 *  - nng: the engine's own nng_output (engine/output: sk_outputs_submit,
 *    batches of '\n'-separated alerts) and, for comparison, one alert per
 *    message (protocol v1); baseline: a bare PULL socket counting alerts.
 * The sidekick parses, validates, enriches and appends every alert to its
 * on-disk log before it counts it.
 *
 *   sidekick_bench [BUILD_DIR] [ALERTS]   (defaults: $SAKER_BUILD_DIR or build, 1000000)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <nng/protocol/pipeline0/push.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "alert_log.h"
#include "http.h"
#include "output/output.h" /* the engine's, not the sidekick's output.h */
#include "sidekick_harness.h"

#define HTTP_SECONDS 4
#define HTTP_CONNS 16    /* keep-alive connections of the load generator */
#define HTTP_PIPELINE 16 /* requests in flight per connection when pipelining */
#define V1_ALERTS 100000 /* the one-alert-per-message comparison runs at most this many */

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

/* ---- HTTP load: one thread, HTTP_CONNS keep-alive connections ----
 *
 * A raw-socket client so the generator costs little next to the server it
 * measures (curl's easy interface needs a thread per connection): each
 * connection keeps `depth` POSTs in flight (1: plain keep-alive, one
 * request at a time, like Falco's http_output) and parses the answers. */

#define HC_BUF 65536

struct hconn {
	int fd;
	int inflight;
	char out[HC_BUF]; /* requests not yet written */
	size_t out_len;
	char in[HC_BUF]; /* answers not yet parsed */
	size_t in_len;
};

struct http_result {
	long ok, failed;
	double rate;
	double cpu_us; /* server CPU (user + system) per answered request */
};

/* CPU seconds (user + system) pid has used so far. */
static double cpu_s(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	size_t n = f != NULL ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f != NULL) {
		fclose(f);
	}
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) {
		return 0;
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int hc_connect(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* Queues requests until depth are in flight (or the buffer is full). */
static void hc_fill(struct hconn *c, int depth, long *next_id)
{
	char body[1024];
	while (c->inflight < depth) {
		int n = alert_json((*next_id)++, body, sizeof(body));
		char head[160];
		int h = snprintf(head, sizeof(head),
				 "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: falcosecurity/falco\r\n"
				 "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n",
				 n);
		if (c->out_len + (size_t)h + (size_t)n > sizeof(c->out)) {
			return;
		}
		memcpy(c->out + c->out_len, head, (size_t)h);
		memcpy(c->out + c->out_len + h, body, (size_t)n);
		c->out_len += (size_t)h + (size_t)n;
		c->inflight++;
	}
}

/* Consumes every complete answer in c->in. */
static void hc_parse(struct hconn *c, struct http_result *r)
{
	size_t off = 0;
	for (;;) {
		char *start = c->in + off;
		size_t have = c->in_len - off;
		char *end = memmem(start, have, "\r\n\r\n", 4);
		if (end == NULL) {
			break;
		}
		size_t head = (size_t)(end - start) + 4, body = 0;
		for (char *p = start; p < end; p++) {
			if (*p == '\n' && strncasecmp(p + 1, "Content-Length:", 15) == 0) {
				body = strtoul(p + 16, NULL, 10);
			}
		}
		if (have < head + body) {
			break;
		}
		if (have > 12 && strncmp(start + 8, " 200", 4) == 0) {
			r->ok++;
		} else {
			r->failed++;
		}
		c->inflight--;
		off += head + body;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

/* Writes what it can and reads what is there; false when the connection
 * broke (its requests in flight count as failed). */
static bool hc_step(struct hconn *c, short revents, struct http_result *r)
{
	if ((revents & POLLOUT) != 0 && c->out_len > 0) {
		ssize_t n = write(c->fd, c->out, c->out_len);
		if (n > 0) {
			memmove(c->out, c->out + n, c->out_len - (size_t)n);
			c->out_len -= (size_t)n;
		}
	}
	if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
		ssize_t n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
		if (n <= 0) {
			r->failed += c->inflight;
			return false;
		}
		c->in_len += (size_t)n;
		hc_parse(c, r);
	}
	return true;
}

static struct http_result http_load(uint16_t port, pid_t server, int depth)
{
	static struct hconn conns[HTTP_CONNS];
	struct pollfd pfd[HTTP_CONNS];
	struct http_result r = {0};
	long next_id = 0;
	double t0 = now_s(), until = t0 + HTTP_SECONDS, cpu0 = cpu_s(server);

	for (int i = 0; i < HTTP_CONNS; i++) {
		conns[i] = (struct hconn){.fd = hc_connect(port)};
	}
	while (now_s() < until) {
		for (int i = 0; i < HTTP_CONNS; i++) {
			struct hconn *c = &conns[i];
			if (c->fd < 0) {
				*c = (struct hconn){.fd = hc_connect(port)};
			}
			if (c->fd >= 0) {
				hc_fill(c, depth, &next_id);
			}
			pfd[i] = (struct pollfd){.fd = c->fd, .events = POLLIN | (c->out_len > 0 ? POLLOUT : 0)};
		}
		if (poll(pfd, HTTP_CONNS, 100) <= 0) {
			continue;
		}
		for (int i = 0; i < HTTP_CONNS; i++) {
			if (conns[i].fd >= 0 && pfd[i].revents != 0 && !hc_step(&conns[i], pfd[i].revents, &r)) {
				close(conns[i].fd);
				conns[i].fd = -1;
			}
		}
	}
	r.rate = (double)r.ok / (now_s() - t0);
	r.cpu_us = r.ok > 0 ? (cpu_s(server) - cpu0) * 1e6 / (double)r.ok : 0;
	for (int i = 0; i < HTTP_CONNS; i++) {
		if (conns[i].fd >= 0) {
			close(conns[i].fd);
		}
	}
	return r;
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

static void stop_process(pid_t pid)
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

/* Protocol v1: pushes n alerts to url, one per message. */
static void push_v1(const char *url, long n)
{
	nng_socket s;
	char body[1024];
	if (nng_push0_open(&s) != 0 || nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK) != 0) {
		return;
	}
	nng_socket_set_int(s, NNG_OPT_SENDBUF, 1024);
	for (long i = 0; i < n; i++) {
		int len = alert_json(i, body, sizeof(body));
		if (nng_send(s, body, (size_t)len, 0) != 0) {
			break;
		}
	}
	usleep(500000); /* nng_close drops what the send buffer still holds */
	nng_close(s);
}

/* Protocol v2 the way saker-engine sends: every alert goes through the
 * engine's output queue and nng_output channel, which formats it as Falco's
 * JSON and batches under load. The producer pauses while the queue holds
 * more than half its capacity, so no alert is dropped; returns the pauses
 * (-1 if an alert was dropped or failed). */
static long push_engine(const char *url, long n)
{
	static const char *const tags[] = {"filesystem", "mitre_credential_access"};
	sk_output_config cfg;
	sk_outputs *o = NULL;
	sk_outputs_stats st;
	long waits = 0;
	char msg[256];

	if (sk_output_config_defaults(&cfg) != SK_OK) {
		return -1;
	}
	cfg.stdout_enabled = false;
	cfg.nng_enabled = true;
	cfg.json_output = true;
	cfg.queue_capacity = 16384;
	free(cfg.nng_url);
	cfg.nng_url = strdup(url);
	if (cfg.nng_url == NULL || sk_outputs_open(&cfg, &o) != SK_OK) {
		sk_output_config_free(&cfg);
		return -1;
	}
	sk_alert a = {.rule = "Read sensitive file untrusted", .priority = "Warning", .source = "syscall",
		      .tags = tags, .ntags = 2, .hostname = "bench-host", .message = msg,
		      .output_fields = "{\"evt.time\":1714557600000000000,\"fd.name\":\"/etc/shadow\","
				       "\"proc.cmdline\":\"cat /etc/shadow\",\"proc.name\":\"cat\",\"user.name\":"
				       "\"root\",\"container.id\":\"host\",\"k8s.ns.name\":null,\"k8s.pod.name\":null}"};
	for (long i = 0; i < n; i++) {
		snprintf(msg, sizeof(msg),
			 "Sensitive file opened for reading by non-trusted program (user=root command=cat "
			 "/etc/shadow file=/etc/shadow id=%ld)",
			 i);
		a.ts = 1714557600000000000ull + (uint64_t)i;
		for (int k = 0; i % 256 == 0 && k < 100000; k++) {
			sk_outputs_stats_get(o, &st);
			if (st.alerts - st.sent - st.failed - st.queue_full < cfg.queue_capacity / 2) {
				break;
			}
			waits++;
			usleep(200);
		}
		if (sk_outputs_submit(o, &a) != SK_OK) {
			break;
		}
	}
	sk_outputs_drain(o);
	sk_outputs_stats_get(o, &st);
	sk_outputs_close(o);
	sk_output_config_free(&cfg);
	return st.failed > 0 || st.queue_full > 0 || st.sent != (uint64_t)n ? -1 : waits;
}

/* A bare PULL socket that only counts alerts (lines) until it has want. */
struct pull_count {
	nng_socket s;
	long want;
	long got, messages;
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
		const char *b = nng_msg_body(m), *end = b + nng_msg_len(m);
		p->got += b < end ? 1 : 0;
		for (const char *q = memchr(b, '\n', (size_t)(end - b)); q != NULL && q + 1 < end;
		     q = memchr(q + 1, '\n', (size_t)(end - q - 1))) {
			p->got++;
		}
		p->messages++;
		nng_msg_free(m);
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

/* Forks the bare libmicrohttpd server on port; returns its pid once it
 * accepts connections (-1 if it does not within 5 s). */
static pid_t start_echo(uint16_t port)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, port, NULL,
							NULL, echo, NULL, MHD_OPTION_THREAD_POOL_SIZE, 2u,
							MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
							(size_t)SKH_CONN_MEMORY, MHD_OPTION_END);
		while (d != NULL) {
			pause();
		}
		_exit(1);
	}
	for (int i = 0; pid > 0 && i < 100; i++) {
		int fd = hc_connect(port);
		if (fd >= 0) {
			close(fd);
			return pid;
		}
		usleep(50000);
	}
	if (pid > 0) {
		stop_process(pid);
	}
	return -1;
}

static void print_http(const char *what, const struct http_result *sk, const struct http_result *base)
{
	printf("%s sidekick %.0f alerts/s (%.1f us CPU each), bare libmicrohttpd %.0f req/s (%.1f us CPU each), "
	       "ratio %.2f (non-200: %ld/%ld)\n",
	       what, sk->rate, sk->cpu_us, base->rate, base->cpu_us, base->rate > 0 ? sk->rate / base->rate : 0,
	       sk->failed, base->failed);
}

/* Starts a bare PULL counter on url for want alerts. */
static void pull_start(struct pull_count *pc, pthread_t *t, const char *url, long want)
{
	*pc = (struct pull_count){.want = want};
	nng_pull0_open(&pc->s);
	nng_socket_set_int(pc->s, NNG_OPT_RECVBUF, 128); /* as the sidekick */
	nng_socket_set_size(pc->s, NNG_OPT_RECVMAXSZ, 1 << 20);
	nng_socket_set_ms(pc->s, NNG_OPT_RECVTIMEO, 10000); /* gives up on lost messages */
	nng_listen(pc->s, url, NULL, 0);
	pthread_create(t, NULL, pull_main, pc);
}

/* Alerts/s into a bare PULL socket, v1 (one per message) or v2 (engine). */
static double nng_baseline(const char *url, long n, bool v2, double *per_msg)
{
	struct pull_count pc;
	pthread_t t;
	pull_start(&pc, &t, url, n);
	double t0 = now_s();
	if (v2) {
		push_engine(url, n);
	} else {
		push_v1(url, n);
	}
	pthread_join(t, NULL);
	nng_close(pc.s);
	if (pc.got < n) {
		printf("bare nng PULL: only %ld of %ld alerts arrived\n", pc.got, n);
	}
	*per_msg = pc.messages > 0 ? (double)pc.got / (double)pc.messages : 0;
	return (double)pc.got / (pc.done_at - t0);
}

/* Alerts/s into the sidekick: from the first send until its metrics count
 * all n accepted (polled every 50 ms). */
static double nng_sidekick(const char *url, uint16_t port, long n, bool v2, long *got, long *waits)
{
	long before = nng_accepted(port);
	double t0 = now_s();
	*waits = 0;
	if (v2) {
		*waits = push_engine(url, n);
	} else {
		push_v1(url, n);
	}
	/* Stop waiting once the count has not moved for 10 s (a lost message). */
	long last = -1;
	double moved = now_s();
	while (now_s() - moved < 10) {
		*got = nng_accepted(port) - before;
		if (*got >= n) {
			break;
		}
		if (*got != last) {
			last = *got;
			moved = now_s();
		}
		usleep(50000);
	}
	return (double)*got / (now_s() - t0);
}

static double ratio(double x, double base)
{
	return base > 0 ? x / base : 0;
}

int main(int argc, char **argv)
{
	const char *b = argc > 1 ? argv[1] : getenv("SAKER_BUILD_DIR");
	long alerts = argc > 2 ? atol(argv[2]) : 1000000;
	long v1_alerts = alerts < V1_ALERTS ? alerts : V1_ALERTS;
	char cfg[2048], url[256], burl[256];
	snprintf(build_dir, sizeof(build_dir), "%s", b != NULL ? b : "build");
	snprintf(tmp, sizeof(tmp), "/tmp/sk_bench_XXXXXX");
	if (mkdtemp(tmp) == NULL || alerts <= 0) {
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	printf("saker-sidekick bench: HTTP %d keep-alive connections x %d s (1 and %d requests in flight each), "
	       "%ld alerts over nng (v1: %ld)\n",
	       HTTP_CONNS, HTTP_SECONDS, HTTP_PIPELINE, alerts, v1_alerts);

	/* HTTP baseline: bare libmicrohttpd with the sidekick's threading, in
	 * its own process so its CPU time can be read like the sidekick's. */
	uint16_t echo_port = skt_free_port();
	pid_t echo_pid = start_echo(echo_port);
	struct http_result base_ka = {0}, base_pipe = {0};
	if (echo_pid > 0) {
		base_ka = http_load(echo_port, echo_pid, 1);
		base_pipe = http_load(echo_port, echo_pid, HTTP_PIPELINE);
		stop_process(echo_pid);
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
	struct http_result sk_ka = http_load(port, pid, 1);
	struct http_result sk_pipe = http_load(port, pid, HTTP_PIPELINE);
	print_http("HTTP keep-alive: ", &sk_ka, &base_ka);
	print_http("HTTP pipelined:  ", &sk_pipe, &base_pipe);

	/* nng: v1 for comparison, then the burst through the engine's output
	 * while the webhook output is down; wait until all are spooled. */
	long got_v1 = 0, got = 0, waits = 0;
	double sk_v1 = nng_sidekick(url, port, v1_alerts, false, &got_v1, &waits);
	double cpu0 = cpu_s(pid);
	double sk_v2 = nng_sidekick(url, port, alerts, true, &got, &waits);
	double v2_cpu_us = got > 0 ? (cpu_s(pid) - cpu0) * 1e6 / (double)got : 0;
	long rss = peak_rss_kb(pid);
	stop_process(pid);

	double per_msg_v1 = 0, per_msg_v2 = 0;
	snprintf(burl, sizeof(burl), "ipc://%s/base1.sock", tmp);
	double base_v1 = nng_baseline(burl, v1_alerts, false, &per_msg_v1);
	snprintf(burl, sizeof(burl), "ipc://%s/base2.sock", tmp);
	double base_v2 = nng_baseline(burl, alerts, true, &per_msg_v2);
	printf("nng v1 (1/msg):   sidekick %.0f alerts/s (%ld spooled), bare nng PULL %.0f alerts/s, ratio %.2f\n",
	       sk_v1, got_v1, base_v1, ratio(sk_v1, base_v1));
	printf("nng v2 (engine):  sidekick %.0f alerts/s (%ld spooled), bare nng PULL %.0f alerts/s "
	       "(%.1f alerts/msg), ratio %.2f; sidekick CPU %.1f us/alert; producer pauses %ld\n",
	       sk_v2, got, base_v2, per_msg_v2, ratio(sk_v2, base_v2), v2_cpu_us, waits);
	printf("peak RSS:         %.1f MB after %ld HTTP + %ld nng alerts with the output down (bound 256 MB)\n",
	       (double)rss / 1024.0, sk_ka.ok + sk_pipe.ok, got_v1 + got);
	printf("core ingest:      %.0f alerts/s in process (parse, enrich, append; no transport)\n",
	       core_rate(alerts < 200000 ? alerts : 200000));
	printf("50 k alerts/s: HTTP keep-alive %s, HTTP pipelined %s, nng v2 %s\n", sk_ka.rate >= 50000 ? "yes" : "no",
	       sk_pipe.rate >= 50000 ? "yes" : "no", sk_v2 >= 50000 ? "yes" : "no");
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 && got >= alerts && got_v1 >= v1_alerts ? 0 : 1;
}
