/* plugins_bench: alerts/s of each output plugin against its loopback peer,
 * next to a baseline measured in the same run on the same peer:
 *   webhook  plugin (kept-alive)  vs raw libcurl, new connection per request
 *   loki     send_batch(64)       vs send (1 alert per request)
 *   redis    send_batch(256)      vs raw hiredis RPUSH per alert
 *   kafka    send_batch(256)      vs send (acknowledged one by one)
 *   file     send                 vs raw write() of the same line
 *   aws.sqs  send (SigV4-signed)  vs webhook send (unsigned), same peer
 *   splunk, otlp.traces  send_batch vs send (1 per request), same peer
 *   otlp.traces  http/protobuf vs http/json, send_batch(100), same peer
 * Each pair alternates 5 times and reports the best of each side.
 * Usage: plugins_bench [seconds per pair, default 2] [http|redis|kafka|file|aws|batch: that one only] */
#include <curl/curl.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "redis_peer.h"

#define BATCH_MAX 256

static double seconds = 2.0;
static ph_alert alerts[BATCH_MAX];
static const saker_alert *batch[BATCH_MAX];

typedef bool (*op_fn)(void *ctx, size_t n);

#define ROUNDS 5

/* Runs op (n alerts per call) for ms milliseconds; returns alerts/s. */
static double measure(op_fn op, void *ctx, size_t n, long long ms)
{
	long long t0 = ph_now_ms(), elapsed = 0;
	size_t done = 0;

	while (elapsed < ms) {
		if (!op(ctx, n)) {
			fprintf(stderr, "plugins_bench: operation failed\n");
			return 0;
		}
		done += n;
		elapsed = ph_now_ms() - t0;
	}
	return (double)done * 1000.0 / (double)(elapsed > 0 ? elapsed : 1);
}

static bool plugin_op(void *ctx, size_t n)
{
	ph_plugin *p = ctx;

	if (n == 1) {
		return ph_send(p, batch[0]) == SAKER_SEND_OK;
	}
	return p->api->send_batch(p->state, batch, n, p->err, sizeof(p->err)) == SAKER_SEND_OK;
}

static void report(const char *name, const char *what, double rate, const char *base_what, double base);

typedef struct side {
	const char *what;
	op_fn op;
	void *ctx;
	size_t n;
} side;

/* Alternates the two sides for ROUNDS rounds (the machine is shared and
 * noisy) and prints the best rate of each and their ratio. */
static void compare(const char *name, side a, side b)
{
	long long slice = (long long)(seconds * 1000 / ROUNDS);
	double rate = 0, base = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double x = measure(a.op, a.ctx, a.n, slice);
		double y = measure(b.op, b.ctx, b.n, slice);

		rate = x > rate ? x : rate;
		base = y > base ? y : base;
	}
	report(name, a.what, rate, b.what, base);
}

static void report(const char *name, const char *what, double rate, const char *base_what, double base)
{
	printf("%-8s %-28s %10.0f alerts/s | %-30s %10.0f alerts/s | ratio %.2f\n", name, what, rate, base_what,
	       base, base > 0 ? rate / base : 0);
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *user)
{
	return size * nmemb;
}

static bool curl_fresh_op(void *ctx, size_t n)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	long status = 0;
	bool ok;

	curl_easy_setopt(c, CURLOPT_URL, (const char *)ctx);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, batch[0]->json);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)batch[0]->json_len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	ok = curl_easy_perform(c) == CURLE_OK;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return ok && status == 200;
}

static bool open_plugin(ph_plugin *p, const char *name, const char *const *config)
{
	if (!ph_open(p, name, config)) {
		fprintf(stderr, "plugins_bench: %s: %s\n", name, p->err);
		return false;
	}
	return true;
}

static void bench_http(void)
{
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "/", url, sizeof(url));
	ph_plugin p = {0};

	if (peer == NULL) {
		return;
	}
	const char *const webhook[] = {"address", url, NULL};
	const char *const loki[] = {"hostport", url, "endpoint", "", NULL};
	if (open_plugin(&p, "webhook", webhook)) {
		compare("webhook", (side){"plugin, kept-alive", plugin_op, &p, 1},
			(side){"libcurl, new connection", curl_fresh_op, url, 1});
	}
	ph_unload(&p);
	if (open_plugin(&p, "loki", loki)) {
		compare("loki", (side){"send_batch(64)", plugin_op, &p, 64},
			(side){"send (1 per request)", plugin_op, &p, 1});
	}
	ph_unload(&p);
	hp_stop(peer);
}

/* The price of AWS's request signing: aws.sqs (SigV4 by libcurl, a JSON
 * envelope) against webhook (the bare alert) on the same kept-alive peer. */
static void bench_aws(void)
{
	char url[128], queue[160];
	hp_peer *peer = hp_start_url(200, 0, "/", url, sizeof(url));
	ph_plugin aws = {0}, webhook = {0};

	if (peer == NULL) {
		return;
	}
	url[strlen(url) - 1] = '\0'; /* the endpoint, without its '/' */
	setenv("AWS_ENDPOINT_URL", url, 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	snprintf(queue, sizeof(queue), "%s/123456789012/falco", url);
	const char *const sqs[] = {"url", queue, "region", "eu-west-3", "accesskeyid", "AKIDBENCH", "secretaccesskey",
				   "bench-secret", "checkidentity", "false", NULL};
	const char *const hook[] = {"address", queue, NULL};
	if (open_plugin(&aws, "aws.sqs", sqs) && open_plugin(&webhook, "webhook", hook)) {
		compare("aws.sqs", (side){"send, SigV4-signed", plugin_op, &aws, 1},
			(side){"webhook send, unsigned", plugin_op, &webhook, 1});
	}
	ph_unload(&aws);
	ph_unload(&webhook);
	hp_stop(peer);
}

/* The batched HTTP outputs added for Falcosidekick parity: one request per
 * batch against one per alert, on the same kept-alive peer. */
static void bench_batches(void)
{
	char url[128], hec[160];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	ph_plugin p = {0};

	if (peer == NULL) {
		return;
	}
	snprintf(hec, sizeof(hec), "%s/services/collector/event", url);
	const char *const splunk[] = {"host", hec, "token", "t", NULL};
	const char *const otlp[] = {"endpoint", url, NULL};
	if (open_plugin(&p, "splunk", splunk)) {
		compare("splunk", (side){"send_batch(256)", plugin_op, &p, BATCH_MAX},
			(side){"send (1 per request)", plugin_op, &p, 1});
	}
	ph_unload(&p);
	if (open_plugin(&p, "otlp.traces", otlp)) {
		compare("otlp", (side){"send_batch(100)", plugin_op, &p, 100},
			(side){"send (1 per request)", plugin_op, &p, 1});
	}
	ph_unload(&p);
	/* the protobuf form, built from the alerts (otlp_pb.c), against the JSON */
	ph_plugin json = {0};
	const char *const otlp_pb[] = {"endpoint", url, "protocol", "http/protobuf", NULL};
	if (open_plugin(&p, "otlp.traces", otlp_pb) && open_plugin(&json, "otlp.traces", otlp)) {
		compare("otlp", (side){"http/protobuf send_batch(100)", plugin_op, &p, 100},
			(side){"http/json send_batch(100)", plugin_op, &json, 100});
	}
	ph_unload(&p);
	ph_unload(&json);
	hp_stop(peer);
}

static bool hiredis_op(void *ctx, size_t n)
{
	redisReply *r = redisCommand(ctx, "RPUSH raw %b", batch[0]->json, batch[0]->json_len);
	bool ok = r != NULL && r->type == REDIS_REPLY_INTEGER;

	freeReplyObject(r);
	return ok;
}

static void bench_redis(void)
{
	rp_server srv;
	char addr[64];
	ph_plugin p = {0};
	redisContext *c;

	if (rp_start(&srv, 0, NULL) != SK_OK) {
		fprintf(stderr, "plugins_bench: redis-server did not start\n");
		return;
	}
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", srv.port);
	const char *const config[] = {"address", addr, NULL};
	c = rp_client(&srv, 0);
	if (c != NULL && open_plugin(&p, "redis", config)) {
		compare("redis", (side){"send", plugin_op, &p, 1}, (side){"hiredis RPUSH per alert", hiredis_op, c, 1});
		compare("redis", (side){"send_batch(256)", plugin_op, &p, BATCH_MAX},
			(side){"hiredis RPUSH per alert", hiredis_op, c, 1});
	}
	ph_unload(&p);
	if (c != NULL) {
		redisFree(c);
	}
	rp_stop(&srv);
}

static void bench_kafka(void)
{
	char why[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mc;
	ph_plugin p = {0};

	rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	mc = rk != NULL ? rd_kafka_mock_cluster_new(rk, 1) : NULL;
	if (mc != NULL) {
		char servers[256];

		snprintf(servers, sizeof(servers), "%s", rd_kafka_mock_cluster_bootstraps(mc));
		rd_kafka_mock_topic_create(mc, "falco", 1, 1);
		const char *const config[] = {"hostport", servers, "topic", "falco", NULL};
		if (open_plugin(&p, "kafka", config)) {
			compare("kafka", (side){"send_batch(256), acks=all", plugin_op, &p, BATCH_MAX},
				(side){"send (1 per ack)", plugin_op, &p, 1});
		}
		ph_unload(&p);
		rd_kafka_mock_cluster_destroy(mc);
	}
	if (rk != NULL) {
		rd_kafka_destroy(rk);
	}
}

static bool write_op(void *ctx, size_t n)
{
	int fd = *(int *)ctx;
	char line[4096];
	size_t len = batch[0]->json_len;

	memcpy(line, batch[0]->json, len);
	line[len] = '\n';
	return write(fd, line, len + 1) == (ssize_t)(len + 1);
}

static void bench_file(void)
{
	char dir[64] = "/tmp/saker-bench-XXXXXX", path[128], raw[128];
	ph_plugin p = {0};
	int fd;

	if (mkdtemp(dir) == NULL) {
		return;
	}
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	snprintf(raw, sizeof(raw), "%s/raw.json", dir);
	const char *const config[] = {"path", path, NULL};
	fd = open(raw, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0 && open_plugin(&p, "file", config)) {
		compare("file", (side){"send", plugin_op, &p, 1}, (side){"write() per line", write_op, &fd, 1});
		compare("file", (side){"send_batch(256)", plugin_op, &p, BATCH_MAX},
			(side){"write() per line", write_op, &fd, 1});
	}
	ph_unload(&p);
	if (fd >= 0) {
		close(fd);
	}
	unlink(path);
	unlink(raw);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		seconds = atof(argv[1]);
		if (seconds <= 0 || seconds > 60) {
			fprintf(stderr, "usage: %s [seconds per pair, 0..60] [http|redis|kafka|file|aws|batch]\n", argv[0]);
			return 2;
		}
	}
	setenv("SAKER_BUILD_DIR", SAKER_BENCH_BUILD_DIR, 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (int i = 0; i < BATCH_MAX; i++) {
		ph_alert_make(&alerts[i], i);
		batch[i] = &alerts[i].a;
	}
	static const struct {
		const char *name;
		void (*fn)(void);
	} benches[] = {{"http", bench_http}, {"redis", bench_redis}, {"kafka", bench_kafka}, {"file", bench_file},
		       {"aws", bench_aws}, {"batch", bench_batches}};
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		if (argc <= 2 || strcmp(argv[2], benches[i].name) == 0) {
			benches[i].fn();
		}
	}
	curl_global_cleanup();
	return 0;
}
