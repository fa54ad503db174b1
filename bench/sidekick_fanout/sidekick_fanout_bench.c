/* sidekick_fanout_bench: ALERTS alerts from the engine's own nng output
 * channel through the real saker-sidekick into all six output plugins at
 * once, each against a real peer on loopback:
 *   webhook, slack  HTTP receivers (tests/sk_http_recv.h) counting requests
 *   loki            an HTTP receiver counting "values" entries
 *   redis           redis-server (free port, no persistence), LLEN of the list
 *   kafka           librdkafka's mock cluster on TCP, a real consumer counting
 *   file            the file's lines, read as it grows
 * Every count is the peer's own. For each output it reports the time until
 * its peer holds all ALERTS (delivered alerts/s), the ingest rate (the
 * sidekick's accepted counter), the "all six done" rate and the sidekick's
 * peak RSS. Baseline, same run, before the sidekick starts: the same ALERTS
 * sent straight into each peer alone by the simplest direct client (curl
 * keep-alive POST per alert, loki 64 per POST like the plugin, hiredis
 * RPUSH pipelined, an rdkafka producer with acks=all, buffered fwrite).
 *
 *   sidekick_fanout_bench [ALERTS] [QUEUESIZE] [alone]   (defaults 100000, 100)
 * With "alone", each output first runs alone through a fresh sidekick, to
 * tell its own limit from the contention of the fan-out.
 * $SAKER_BUILD_DIR overrides the build dir the sidekick and plugins come from.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h" /* the engine's output channels (engine/output) */
#include "plugin_host.h"
#include "redis_peer.h"
#include "sk_http_recv.h"
#include "sk_strbuf.h"
#include "sidekick_harness.h"

#define LOKI_BATCH 64        /* values per push, as the loki plugin batches */
#define REDIS_PIPELINE 1000  /* RPUSH commands in flight for the baseline */
#define STALL_S 15.0         /* a wait gives up when no count moved this long */
#define WAIT_MAX_S 900.0     /* and in any case after this long */
#define POLL_US 20000        /* how often the peers' counts are read */
#define ENGINE_QUEUE 16384u  /* the engine's output queue */

static char tmp[64];
static const char *build_dir;

static sk_output_config json_cfg; /* Falco's JSON format, as the engine sends */

static double now_s(void)
{
	return (double)ph_now_ms() / 1000.0;
}

/* Fills a with the i-th bench alert; msg (msgsize bytes) holds its text. */
static void alert_make(long i, sk_alert *a, char *msg, size_t msgsize)
{
	static const char *const tags[] = {"filesystem", "mitre_credential_access"};
	snprintf(msg, msgsize,
		 "Sensitive file opened for reading by non-trusted program (user=root command=cat /etc/shadow "
		 "file=/etc/shadow id=%ld)",
		 i);
	*a = (sk_alert){.ts = 1714557600000000000ull + (uint64_t)i, .rule = "Read sensitive file untrusted",
			.priority = "Warning", .source = "syscall", .tags = tags, .ntags = 2,
			.hostname = "bench-host", .message = msg,
			.output_fields = "{\"fd.name\":\"/etc/shadow\",\"proc.cmdline\":\"cat /etc/shadow\","
					 "\"proc.name\":\"cat\",\"user.name\":\"root\"}"};
}

/* Replaces out with the i-th alert as the engine formats it. */
static void alert_json(long i, sk_strbuf *out)
{
	char msg[256];
	sk_alert a;
	alert_make(i, &a, msg, sizeof(msg));
	sk_strbuf_reset(out);
	sk_alert_format_json(&a, &json_cfg, out);
}

/* ---- HTTP receivers (webhook, slack, loki) ---- */

typedef struct rx {
	sk_http_recv *srv;
	uint16_t port;
	bool loki;          /* count "values" entries instead of requests */
	atomic_long alerts; /* what the peer received */
	atomic_long bad;    /* empty or unparseable bodies */
} rx;

/* Sums the lengths of every stream's "values" in a Loki push; -1 if the
 * body is not one. */
static long loki_values(const char *body, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *root = tok != NULL ? json_tokener_parse_ex(tok, body, (int)len) : NULL;
	json_object *streams = NULL;
	long n = -1;

	if (root != NULL && json_object_object_get_ex(root, "streams", &streams) &&
	    json_object_is_type(streams, json_type_array)) {
		n = 0;
		for (size_t i = 0; i < json_object_array_length(streams); i++) {
			json_object *values = NULL;
			if (json_object_object_get_ex(json_object_array_get_idx(streams, i), "values", &values)) {
				n += (long)json_object_array_length(values);
			}
		}
	}
	json_object_put(root);
	if (tok != NULL) {
		json_tokener_free(tok);
	}
	return n;
}

static void rx_handle(void *ctx, const sk_http_req *req, sk_http_reply *reply)
{
	rx *r = ctx;
	long n = req->body_len == 0 ? -1 : r->loki ? loki_values(req->body, req->body_len) : 1;

	if (n < 0) {
		atomic_fetch_add(&r->bad, 1);
	} else {
		atomic_fetch_add(&r->alerts, n);
	}
	reply->status = n < 0 ? 400 : r->loki ? 204 : 200;
}

static bool rx_start(rx *r, bool loki)
{
	sk_http_recv_opts o = {.handle = rx_handle, .ctx = r, .idle_timeout_s = 30};

	r->loki = loki;
	if (sk_http_recv_start(&o, &r->srv) != SK_OK) {
		return false;
	}
	r->port = sk_http_recv_port(r->srv);
	return true;
}

/* Requests the receiver refused: bad bodies and bodies over its bound. */
static long rx_errors(rx *r)
{
	return atomic_load(&r->bad) + (long)sk_http_recv_too_big(r->srv);
}

/* ---- kafka: the mock cluster and a consumer per topic ---- */

/* The mock broker keeps only the newest few MB of a partition, so a
 * consumer that falls behind loses the head: it resets to the earliest
 * offset kept and counts by offset (the broker numbers every message it
 * acknowledged), and separately counts what it actually read. */
typedef struct kcount {
	const char *bootstraps;
	const char *topic;
	atomic_long got;      /* highest offset read + 1 */
	atomic_long consumed; /* messages read */
	atomic_bool stop;
	pthread_t thread;
	bool running;
} kcount;

static void *kcount_main(void *arg)
{
	kcount *k = arg;
	char why[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "bootstrap.servers", k->bootstraps, why, sizeof(why));
	rd_kafka_conf_set(conf, "group.id", "saker-bench", why, sizeof(why));
	rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
	rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", why, sizeof(why));
	rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof(why));
	if (c == NULL) {
		fprintf(stderr, "kafka consumer: %s\n", why);
		return NULL;
	}
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(parts, k->topic, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(c, parts);
	rd_kafka_topic_partition_list_destroy(parts);
	while (!atomic_load(&k->stop)) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
		if (m != NULL) {
			if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
				atomic_fetch_add(&k->consumed, 1);
				atomic_store(&k->got, (long)m->offset + 1);
			}
			rd_kafka_message_destroy(m);
		}
	}
	rd_kafka_consumer_close(c);
	rd_kafka_destroy(c);
	return NULL;
}

static void kcount_start(kcount *k, const char *bootstraps, const char *topic)
{
	k->bootstraps = bootstraps;
	k->topic = topic;
	k->running = pthread_create(&k->thread, NULL, kcount_main, k) == 0;
}

static void kcount_stop(kcount *k)
{
	atomic_store(&k->stop, true);
	if (k->running) {
		pthread_join(k->thread, NULL);
	}
}

/* ---- counting what each peer holds ---- */

typedef struct redis_count {
	redisContext *c;
	const char *key;
} redis_count;

typedef struct file_count {
	char path[128];
	int fd;
	long lines;
} file_count;

static long count_rx(void *ctx)
{
	return atomic_load(&((rx *)ctx)->alerts);
}

static long count_kafka(void *ctx)
{
	return atomic_load(&((kcount *)ctx)->got);
}

static long count_redis(void *ctx)
{
	redis_count *rc = ctx;
	redisReply *r = redisCommand(rc->c, "LLEN %s", rc->key);
	long n = r != NULL && r->type == REDIS_REPLY_INTEGER ? (long)r->integer : -1;
	freeReplyObject(r);
	return n;
}

/* Counts the lines appended since the last call (opens the file once it
 * exists). */
static long count_file(void *ctx)
{
	file_count *f = ctx;
	char buf[1 << 16];
	ssize_t got;

	if (f->fd < 0) {
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	}
	got = f->fd >= 0 ? read(f->fd, buf, sizeof(buf)) : 0;
	while (got > 0) {
		const char *p = memchr(buf, '\n', (size_t)got);
		while (p != NULL) {
			f->lines++;
			p = memchr(p + 1, '\n', (size_t)(buf + got - p - 1));
		}
		got = read(f->fd, buf, sizeof(buf));
	}
	return f->lines;
}

/* The sidekick's falcosecurity_falcosidekick_inputs_total{source="nng",
 * status="accepted"}, read from its /metrics (-1 if unreadable). */
static long count_ingest(void *ctx)
{
	static char buf[1 << 16];
	const char *url = ctx;
	FILE *m = fmemopen(buf, sizeof(buf) - 1, "w");
	CURL *c = curl_easy_init();
	if (m == NULL || c == NULL) {
		if (m != NULL) {
			fclose(m);
		}
		curl_easy_cleanup(c);
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, m);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
	CURLcode rc = curl_easy_perform(c);
	long len = ftell(m);
	fclose(m);
	curl_easy_cleanup(c);
	buf[len > 0 ? len : 0] = '\0';
	static const char key[] = "inputs_total{source=\"nng\",status=\"accepted\"} ";
	const char *p = rc == CURLE_OK ? strstr(buf, key) : NULL;
	return p != NULL ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* One thing to wait for: a counter that must reach `from + want`. */
typedef struct track {
	const char *name;
	long (*count)(void *ctx);
	void *ctx;
	long from;   /* the count before this run */
	long got;    /* counted in this run */
	double done; /* seconds from the start until got >= want; 0 = not reached */
} track;

/* Polls every track until each has counted want more than its `from`, or
 * nothing moved for STALL_S, or WAIT_MAX_S passed since t0. */
static void wait_all(track *const *t, size_t n, long want, double t0)
{
	double moved = now_s();
	size_t left = n;

	while (left > 0 && now_s() - moved < STALL_S && now_s() - t0 < WAIT_MAX_S) {
		usleep(POLL_US);
		for (size_t i = 0; i < n; i++) {
			if (t[i]->done > 0) {
				continue;
			}
			long got = t[i]->count(t[i]->ctx) - t[i]->from;
			if (got != t[i]->got) {
				t[i]->got = got;
				moved = now_s();
			}
			if (got >= want) {
				t[i]->done = now_s() - t0;
				left--;
			}
		}
	}
}

static double rate(const track *t, long want)
{
	return t->done > 0 ? (double)want / t->done : 0;
}

/* ---- baselines: the simplest direct client into each peer alone ---- */

static size_t drop_body(char *p, size_t size, size_t n, void *user)
{
	return size * n;
}

/* POSTs bodies over one kept-alive connection; body(i) builds the i-th.
 * Returns how many got a 2xx. */
static long curl_posts(const char *url, long requests, void (*body)(long i, sk_strbuf *out))
{
	CURL *c = curl_easy_init();
	sk_strbuf buf = SK_STRBUF_INIT;
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	long ok = 0;

	if (c == NULL || h == NULL) {
		goto cleanup;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, drop_body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	for (long i = 0; i < requests; i++) {
		long status = 0;
		body(i, &buf);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, buf.data);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)buf.len);
		if (curl_easy_perform(c) == CURLE_OK &&
		    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status / 100 == 2) {
			ok++;
		}
	}
cleanup:
	curl_slist_free_all(h);
	sk_strbuf_free(&buf);
	curl_easy_cleanup(c);
	return ok;
}

/* A Loki push of LOKI_BATCH streams of one value each, as the plugin sends. */
static void loki_push(long i, sk_strbuf *out)
{
	sk_strbuf line = SK_STRBUF_INIT;
	sk_strbuf_reset(out);
	sk_strbuf_puts(out, "{\"streams\":[");
	for (long k = 0; k < LOKI_BATCH; k++) {
		long id = i * LOKI_BATCH + k;
		alert_json(id, &line);
		sk_strbuf_printf(out,
				 "%s{\"stream\":{\"priority\":\"Warning\",\"rule\":\"Read sensitive file untrusted\","
				 "\"source\":\"syscall\"},\"values\":[[\"%ld\",",
				 k > 0 ? "," : "", 1714557600000000000L + id);
		sk_strbuf_json_string(out, line.data, line.len);
		sk_strbuf_puts(out, "]]}");
	}
	sk_strbuf_puts(out, "]}");
	sk_strbuf_free(&line);
}

static void direct_redis(const rp_server *srv, long n)
{
	redisContext *c = rp_client(srv, 0);
	sk_strbuf body = SK_STRBUF_INIT;
	for (long i = 0; c != NULL && i < n; i += REDIS_PIPELINE) {
		long k = n - i < REDIS_PIPELINE ? n - i : REDIS_PIPELINE;
		for (long j = 0; j < k; j++) {
			alert_json(i + j, &body);
			redisAppendCommand(c, "RPUSH base %b", body.data, body.len);
		}
		for (long j = 0; j < k; j++) {
			void *reply = NULL;
			if (redisGetReply(c, &reply) != REDIS_OK) {
				break;
			}
			freeReplyObject(reply);
		}
	}
	if (c != NULL) {
		redisFree(c);
	}
	sk_strbuf_free(&body);
}

static void direct_kafka(const char *bootstraps, long n)
{
	char why[256];
	sk_strbuf body = SK_STRBUF_INIT;
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps, why, sizeof(why));
	rd_kafka_conf_set(conf, "acks", "all", why, sizeof(why));
	rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
	rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (p == NULL) {
		fprintf(stderr, "kafka producer: %s\n", why);
		return;
	}
	for (long i = 0; i < n; i++) {
		alert_json(i, &body);
		rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__QUEUE_FULL;
		for (int tries = 0; e == RD_KAFKA_RESP_ERR__QUEUE_FULL && tries < 1000; tries++) {
			e = rd_kafka_producev(p, RD_KAFKA_V_TOPIC("base"), RD_KAFKA_V_VALUE(body.data, body.len),
					      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
			if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
				rd_kafka_poll(p, 10);
			}
		}
		rd_kafka_poll(p, 0);
	}
	rd_kafka_flush(p, 30000);
	rd_kafka_destroy(p);
	sk_strbuf_free(&body);
}

static void direct_file(const char *path, long n)
{
	sk_strbuf body = SK_STRBUF_INIT;
	FILE *f = fopen(path, "a");
	for (long i = 0; f != NULL && i < n; i++) {
		alert_json(i, &body);
		sk_strbuf_putc(&body, '\n');
		fwrite(body.data, 1, body.len, f);
	}
	if (f != NULL) {
		fclose(f);
	}
	sk_strbuf_free(&body);
}

/* ---- the sidekick ---- */

/* Starts saker-sidekick with the config text (written to tmp), its stderr
 * into tmp/sidekick.log; it dies with this process. Returns its pid or -1. */
static pid_t start_sidekick(const char *cfg_text)
{
	char cfg_path[128], bin[1100], log_path[128];
	snprintf(cfg_path, sizeof(cfg_path), "%s/sidekick.yaml", tmp);
	snprintf(log_path, sizeof(log_path), "%s/sidekick.log", tmp);
	snprintf(bin, sizeof(bin), "%s/bin/saker-sidekick", build_dir);
	int cfg = open(cfg_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(cfg_text);
	bool written = cfg >= 0 && write(cfg, cfg_text, len) == (ssize_t)len;
	if (cfg >= 0) {
		close(cfg);
	}
	int log = written ? open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600) : -1;
	int null = log >= 0 ? open("/dev/null", O_WRONLY) : -1;
	pid_t pid = null >= 0 ? fork() : -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, STDOUT_FILENO);
		dup2(log, STDERR_FILENO);
		execl(bin, bin, "-c", cfg_path, (char *)NULL);
		_exit(127);
	}
	if (log >= 0) {
		close(log);
	}
	if (null >= 0) {
		close(null);
	}
	return pid;
}

/* Reads "<key> <kB>" from /proc/pid/status (-1 if absent). */
static long proc_status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long kb = -1;
	size_t klen = strlen(key);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) == 0) {
			kb = strtol(line + klen, NULL, 10);
		}
	}
	if (f != NULL) {
		fclose(f);
	}
	return kb;
}

/* utime + stime of pid in seconds (0 if unreadable). */
static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long user = 0, sys = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0) {
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	const char *rp = strrchr(buf, ')'); /* the name may hold spaces */
	if (rp == NULL || sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &user, &sys) != 2) {
		return 0;
	}
	return (double)(user + sys) / (double)sysconf(_SC_CLK_TCK);
}

/* The engine side: feeds n alerts into the engine's output queue with its
 * nng channel on url, pausing while the queue is over half full so none is
 * dropped; sent is what the channel reports sent. */
typedef struct feeder {
	const char *url;
	long n;
	long sent;
	double done; /* when the engine side drained */
} feeder;

static void *feed_main(void *arg)
{
	feeder *fd = arg;
	sk_output_config cfg;
	sk_outputs *o = NULL;
	sk_outputs_stats st = {0};
	char msg[256];

	if (sk_output_config_defaults(&cfg) != SK_OK) {
		return NULL;
	}
	cfg.stdout_enabled = false;
	cfg.nng_enabled = true;
	cfg.json_output = true;
	cfg.queue_capacity = ENGINE_QUEUE;
	free(cfg.nng_url);
	cfg.nng_url = strdup(fd->url);
	if (cfg.nng_url != NULL && sk_outputs_open(&cfg, &o) == SK_OK) {
		for (long i = 0; i < fd->n; i++) {
			/* Bounded: at most 20 s of pauses per alert. */
			for (int k = 0; (i & 255) == 0 && k < 100000; k++) {
				sk_outputs_stats_get(o, &st);
				if (st.alerts - st.sent - st.failed - st.queue_full < ENGINE_QUEUE / 2) {
					break;
				}
				usleep(200);
			}
			sk_alert a;
			alert_make(i, &a, msg, sizeof(msg));
			if (sk_outputs_submit(o, &a) != SK_OK) {
				break;
			}
		}
		sk_outputs_drain(o);
		sk_outputs_stats_get(o, &st);
		sk_outputs_close(o);
	}
	fd->sent = (long)st.sent;
	fd->done = now_s();
	sk_output_config_free(&cfg);
	return NULL;
}

static void loadavg(char *buf, size_t n)
{
	FILE *f = fopen("/proc/loadavg", "r");
	buf[0] = '\0';
	if (f != NULL && fgets(buf, (int)n, f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
	}
	if (f != NULL) {
		fclose(f);
	}
}

enum { O_WEBHOOK, O_SLACK, O_LOKI, O_REDIS, O_KAFKA, O_FILE, O_COUNT };

/* The peers every run shares. */
typedef struct peers {
	rx http[3]; /* webhook, slack, loki */
	rp_server redis;
	rd_kafka_t *kafka_owner; /* owns the mock cluster */
	rd_kafka_mock_cluster_t *kafka;
	char bootstraps[256];
	kcount consume_falco, consume_base;
} peers;

static bool peers_start(peers *p)
{
	char why[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();

	if (!rx_start(&p->http[O_WEBHOOK], false) || !rx_start(&p->http[O_SLACK], false) ||
	    !rx_start(&p->http[O_LOKI], true)) {
		fprintf(stderr, "fanout: cannot start the HTTP receivers\n");
		rd_kafka_conf_destroy(conf);
		return false;
	}
	if (rp_start(&p->redis, 0, NULL) != SK_OK) {
		fprintf(stderr, "fanout: redis-server did not start\n");
		rd_kafka_conf_destroy(conf);
		return false;
	}
	rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
	p->kafka_owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (p->kafka_owner == NULL) {
		rd_kafka_conf_destroy(conf); /* owned by the handle only on success */
	}
	p->kafka = p->kafka_owner != NULL ? rd_kafka_mock_cluster_new(p->kafka_owner, 1) : NULL;
	if (p->kafka == NULL || rd_kafka_mock_topic_create(p->kafka, "falco", 1, 1) != RD_KAFKA_RESP_ERR_NO_ERROR ||
	    rd_kafka_mock_topic_create(p->kafka, "base", 1, 1) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "fanout: the kafka mock cluster did not start: %s\n", why);
		return false;
	}
	snprintf(p->bootstraps, sizeof(p->bootstraps), "%s", rd_kafka_mock_cluster_bootstraps(p->kafka));
	kcount_start(&p->consume_base, p->bootstraps, "base");
	kcount_start(&p->consume_falco, p->bootstraps, "falco");
	return true;
}

static void peers_stop(peers *p)
{
	kcount_stop(&p->consume_base);
	kcount_stop(&p->consume_falco);
	if (p->kafka != NULL) {
		rd_kafka_mock_cluster_destroy(p->kafka);
	}
	if (p->kafka_owner != NULL) {
		rd_kafka_destroy(p->kafka_owner);
	}
	rp_stop(&p->redis);
	for (int i = 0; i < 3; i++) {
		sk_http_recv_stop(p->http[i].srv);
	}
}

/* Sends n alerts straight into peer `which` and waits for its count. */
static track baseline(peers *p, int which, long n, redis_count *rc, file_count *fc)
{
	static const char *const names[O_COUNT] = {"webhook", "slack", "loki", "redis", "kafka", "file"};
	char url[128];
	track t = {.name = names[which]};

	switch (which) {
	case O_WEBHOOK:
	case O_SLACK:
	case O_LOKI:
		t.count = count_rx;
		t.ctx = &p->http[which];
		break;
	case O_REDIS:
		t.count = count_redis;
		t.ctx = rc;
		break;
	case O_KAFKA:
		t.count = count_kafka;
		t.ctx = &p->consume_base;
		break;
	default:
		t.count = count_file;
		t.ctx = fc;
		break;
	}
	t.from = t.count(t.ctx);
	double t0 = now_s();
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", (unsigned)(which < O_REDIS ? p->http[which].port : 0));
	if (which == O_LOKI) {
		curl_posts(url, (n + LOKI_BATCH - 1) / LOKI_BATCH, loki_push);
	} else if (which < O_LOKI) {
		curl_posts(url, n, alert_json);
	} else if (which == O_REDIS) {
		direct_redis(&p->redis, n);
	} else if (which == O_KAFKA) {
		direct_kafka(p->bootstraps, n);
	} else {
		direct_file(fc->path, n);
	}
	track *one = &t;
	wait_all(&one, 1, which == O_LOKI ? (n + LOKI_BATCH - 1) / LOKI_BATCH * LOKI_BATCH : n, t0);
	return t;
}

/* What a sidekick run counts with, next to the peers. */
typedef struct bench {
	peers p;
	long n;
	int queuesize;
	redis_count redis; /* the sidekick's list */
	file_count file;   /* the file output's path */
	long hwm_kb;       /* the sidekick's VmHWM at the end of the run */
	double cpu_s;      /* its CPU time during the run */
	long engine_sent;  /* what the engine's nng channel reports sent */
} bench;

/* Appends the config section of output i on its peer. */
static void output_section(const bench *b, int i, sk_strbuf *cfg)
{
	const peers *p = &b->p;
	switch (i) {
	case O_WEBHOOK:
		sk_strbuf_printf(cfg, "webhook:\n  address: http://127.0.0.1:%u/\n", (unsigned)p->http[i].port);
		break;
	case O_SLACK:
		sk_strbuf_printf(cfg, "slack:\n  webhookurl: http://127.0.0.1:%u/slack\n", (unsigned)p->http[i].port);
		break;
	case O_LOKI:
		sk_strbuf_printf(cfg, "loki:\n  hostport: http://127.0.0.1:%u\n", (unsigned)p->http[i].port);
		break;
	case O_REDIS:
		sk_strbuf_printf(cfg, "redis:\n  address: 127.0.0.1:%d\n  key: falco\n", p->redis.port);
		break;
	case O_KAFKA:
		sk_strbuf_printf(cfg, "kafka:\n  hostport: %s\n  topic: falco\n", p->bootstraps);
		break;
	default:
		sk_strbuf_printf(cfg, "file:\n  path: %s\n", b->file.path);
		break;
	}
	sk_strbuf_printf(cfg, "  queuesize: %d\n", b->queuesize);
}

/* Starts a fresh sidekick (own spool) with the outputs in mask, feeds it
 * b->n alerts through the engine's nng channel and waits until each peer
 * in mask and the ingest counter reached b->n. run[] must hold one track
 * per output (its count and ctx) plus the ingest track at O_COUNT; the
 * others are left as they are. False if the sidekick did not start. */
static bool sidekick_run(bench *b, unsigned mask, track *run)
{
	char nng_url[128], metrics_url[128];
	track *wait[O_COUNT + 1];
	sk_strbuf cfg = SK_STRBUF_INIT;
	size_t nwait = 0;
	uint16_t port = skt_free_port();
	bool ok = false;

	snprintf(nng_url, sizeof(nng_url), "ipc://%s/alerts-%x.sock", tmp, mask);
	snprintf(metrics_url, sizeof(metrics_url), "http://127.0.0.1:%u/metrics", (unsigned)port);
	sk_strbuf_printf(&cfg,
			 "listenaddress: 127.0.0.1\nlistenport: %u\nnng:\n  listen: %s\n"
			 "spool:\n  dir: %s/spool-%x\n  maxbytes: 8g\nplugindir: %s/lib/saker/plugins\n",
			 (unsigned)port, nng_url, tmp, mask, build_dir);
	for (int i = 0; i < O_COUNT; i++) {
		if ((mask & (1u << i)) != 0) {
			output_section(b, i, &cfg);
		}
	}
	pid_t pid = sk_strbuf_failed(&cfg) ? -1 : start_sidekick(cfg.data);
	sk_strbuf_free(&cfg);
	for (int i = 0; pid > 0 && i < 200 && count_ingest(metrics_url) < 0; i++) {
		usleep(50000);
	}
	if (pid <= 0 || count_ingest(metrics_url) < 0) {
		fprintf(stderr, "fanout: the sidekick did not start\n");
		goto cleanup;
	}
	run[O_COUNT] = (track){.name = "ingest", .count = count_ingest, .ctx = metrics_url};
	for (int i = 0; i <= O_COUNT; i++) {
		if (i == O_COUNT || (mask & (1u << i)) != 0) {
			run[i].from = run[i].count(run[i].ctx);
			run[i].got = 0;
			run[i].done = 0;
			wait[nwait++] = &run[i];
		}
	}
	feeder fd = {.url = nng_url, .n = b->n};
	pthread_t feed;
	double cpu0 = proc_cpu_s(pid), t0 = now_s();
	if (pthread_create(&feed, NULL, feed_main, &fd) != 0) {
		goto cleanup;
	}
	wait_all(wait, nwait, b->n, t0);
	pthread_join(feed, NULL);
	b->cpu_s = proc_cpu_s(pid) - cpu0;
	b->hwm_kb = proc_status_kb(pid, "VmHWM:");
	b->engine_sent = fd.sent;
	ok = true;
cleanup:
	run[O_COUNT].ctx = NULL; /* metrics_url goes out of scope */
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return ok;
}

static void print_results(const bench *b, const track *base, const track *run, const track *alone)
{
	static const char *const how[O_COUNT] = {"curl keep-alive POST each", "curl keep-alive POST each",
						 "curl keep-alive POST of 64", "hiredis RPUSH pipelined",
						 "rdkafka producer acks=all", "fwrite, buffered"};
	long n = b->n;
	double all = 0;
	bool complete = run[O_COUNT].done > 0;

	printf("engine side: %ld of %ld sent over nng; ingest %.0f alerts/s (sidekick accepted %ld)\n", b->engine_sent,
	       n, rate(&run[O_COUNT], n), run[O_COUNT].got);
	printf("%-8s %9s %7s %10s | %10s | %-27s %10s | %6s\n", "output", "peer got", "seconds", "alerts/s", "alone",
	       "bare peer, direct client", "alerts/s", "ratio");
	for (int i = 0; i < O_COUNT; i++) {
		double r = rate(&run[i], n), bare = rate(&base[i], n);
		printf("%-8s %9ld %7.2f %10.0f | %10.0f | %-27s %10.0f | %6.3f\n", run[i].name, run[i].got, run[i].done,
		       r, alone != NULL ? rate(&alone[i], n) : 0, how[i], bare, bare > 0 ? r / bare : 0);
		complete = complete && run[i].done > 0;
		all = run[i].done > all ? run[i].done : all;
	}
	printf("all six done: %s%.2f s, %.0f alerts/s end to end; sidekick CPU %.1f s (%.1f us/alert); "
	       "peak RSS (VmHWM) %.1f MB\n",
	       complete ? "" : "NOT ", all, complete ? (double)n / all : 0, b->cpu_s, b->cpu_s * 1e6 / (double)n,
	       (double)b->hwm_kb / 1024.0);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int queuesize = argc > 2 ? atoi(argv[2]) : 100;
	bool alone = argc > 3 && strcmp(argv[3], "alone") == 0;
	char load0[128], load1[128];
	bench b = {.n = n, .queuesize = queuesize, .redis = {.key = "falco"}, .file = {.fd = -1}};
	track base[O_COUNT], run[O_COUNT + 1], solo[O_COUNT + 1];
	redis_count rc_base = {.key = "base"};
	file_count fc_base = {.fd = -1};
	int rc = 1;

	if (n <= 0 || n > 10000000 || queuesize < 1 || queuesize > 100000 || (argc > 3 && !alone)) {
		fprintf(stderr, "usage: %s [ALERTS 1..10000000] [QUEUESIZE 1..100000] [alone]\n", argv[0]);
		return 2;
	}
	if (sk_output_config_defaults(&json_cfg) != SK_OK) {
		return 1;
	}
	json_cfg.json_output = true;
	build_dir = getenv("SAKER_BUILD_DIR") != NULL ? getenv("SAKER_BUILD_DIR") : SAKER_BENCH_BUILD_DIR;
	snprintf(tmp, sizeof(tmp), "/tmp/sk_fanout_XXXXXX");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	loadavg(load0, sizeof(load0));
	printf("sidekick fan-out bench: %ld alerts into 6 outputs, queuesize %d, %ld CPUs, load %s\n", n, queuesize,
	       sysconf(_SC_NPROCESSORS_ONLN), load0);
	if (!peers_start(&b.p)) {
		goto cleanup;
	}
	rc_base.c = rp_client(&b.p.redis, 0);
	b.redis.c = rp_client(&b.p.redis, 0);
	snprintf(fc_base.path, sizeof(fc_base.path), "%s/base.json", tmp);
	snprintf(b.file.path, sizeof(b.file.path), "%s/alerts.json", tmp);
	if (rc_base.c == NULL || b.redis.c == NULL) {
		fprintf(stderr, "fanout: cannot connect to redis-server\n");
		goto cleanup;
	}

	for (int i = 0; i < O_COUNT; i++) {
		base[i] = baseline(&b.p, i, n, &rc_base, &fc_base);
		/* The sidekick's runs count the same way on their own list,
		 * topic and file. */
		run[i] = base[i];
		run[i].ctx = i == O_REDIS ? (void *)&b.redis : i == O_KAFKA ? (void *)&b.p.consume_falco
							  : i == O_FILE  ? (void *)&b.file
									 : base[i].ctx;
		solo[i] = run[i];
	}
	/* What the baselines stored is not needed any more. */
	freeReplyObject(redisCommand(rc_base.c, "DEL base"));
	unlink(fc_base.path);
	for (int i = 0; alone && i < O_COUNT; i++) {
		if (!sidekick_run(&b, 1u << i, solo)) {
			goto cleanup;
		}
		printf("alone %-8s %8.0f alerts/s, ingest %8.0f alerts/s; sidekick CPU %6.1f us/alert, peak RSS %.1f MB\n",
		       solo[i].name, rate(&solo[i], n), rate(&solo[O_COUNT], n), b.cpu_s * 1e6 / (double)n,
		       (double)b.hwm_kb / 1024.0);
	}
	if (!sidekick_run(&b, (1u << O_COUNT) - 1, run)) {
		goto cleanup;
	}
	loadavg(load1, sizeof(load1));
	print_results(&b, base, run, alone ? solo : NULL);
	printf("receiver errors: webhook %ld, slack %ld, loki %ld; kafka consumers read %ld (baseline) + %ld "
	       "(sidekick) messages, counted by offset where the mock broker aged them out first; load after %s\n",
	       rx_errors(&b.p.http[O_WEBHOOK]), rx_errors(&b.p.http[O_SLACK]), rx_errors(&b.p.http[O_LOKI]),
	       atomic_load(&b.p.consume_base.consumed),
	       atomic_load(&b.p.consume_falco.consumed), load1);
	rc = 0;
	for (int i = 0; i <= O_COUNT; i++) {
		rc |= run[i].done > 0 ? 0 : 1;
	}

cleanup:
	if (rc_base.c != NULL) {
		redisFree(rc_base.c);
	}
	if (b.redis.c != NULL) {
		redisFree(b.redis.c);
	}
	if (fc_base.fd >= 0) {
		close(fc_base.fd);
	}
	if (b.file.fd >= 0) {
		close(b.file.fd);
	}
	peers_stop(&b.p);
	curl_global_cleanup();
	sk_output_config_free(&json_cfg);
	return skt_finish(tmp, rc);
}
