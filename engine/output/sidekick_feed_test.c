/* sidekick_feed_test.c: saker-engine's http_output and nng_output feed the
 * real saker-sidekick (Falcosidekick-compatible input), which forwards to a
 * webhook receiver on loopback. Proves the alert body the engine sends is
 * one Falcosidekick accepts: rule, priority, output and typed output_fields
 * arrive intact through both links. Every wait is bounded; the sidekick is
 * stopped even when a check fails. */
#define _GNU_SOURCE
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sk_http_recv.h"
#include "sk_test.h"

typedef struct receiver {
	pthread_mutex_t mu;
	int alerts;
	int with_fields; /* alerts whose output_fields kept fd.num as a number */
	char last[4096];
} receiver;

static receiver rx = {PTHREAD_MUTEX_INITIALIZER, 0, 0, ""};

static void record(const char *text, size_t len)
{
	json_object *o = json_tokener_parse(text), *rule = NULL, *fields = NULL, *fd = NULL;
	pthread_mutex_lock(&rx.mu);
	if (o != NULL && json_object_object_get_ex(o, "rule", &rule) &&
	    strcmp(json_object_get_string(rule), "Saker feed test") == 0) {
		rx.alerts++;
		if (json_object_object_get_ex(o, "output_fields", &fields) &&
		    json_object_object_get_ex(fields, "fd.num", &fd) && json_object_is_type(fd, json_type_int) &&
		    json_object_get_int(fd) == 3) {
			rx.with_fields++;
		}
		snprintf(rx.last, sizeof(rx.last), "%.*s", (int)len, text);
	}
	pthread_mutex_unlock(&rx.mu);
	json_object_put(o);
}

static void on_request(void *ctx, const sk_http_req *req, sk_http_reply *reply)
{
	record(req->body, req->body_len);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* A port the kernel just handed out: bind to 0, read it back. */
static unsigned free_port(void)
{
	sk_http_recv_opts o = {.handle = NULL};
	sk_http_recv *r = NULL;
	unsigned port = 0;

	if (sk_http_recv_start(&o, &r) == SK_OK) {
		port = sk_http_recv_port(r);
		sk_http_recv_stop(r);
	}
	return port;
}

SK_TEST(engine_feeds_saker_sidekick_over_http_and_nng)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char tmp[] = "/tmp/sk_feed_XXXXXX", cmd[4096], path[512];
	sk_http_recv_opts rx_opts = {.handle = on_request};
	sk_http_recv *webhook_peer = NULL;
	pid_t pid = -1;
	unsigned sk_port = free_port(), rx_port;

	if (build == NULL) {
		build = "build";
	}
	SK_CHECK(mkdtemp(tmp) != NULL);
	SK_CHECK_INT(sk_http_recv_start(&rx_opts, &webhook_peer), SK_OK);
	SK_CHECK(webhook_peer != NULL && sk_port != 0);
	if (webhook_peer == NULL || sk_port == 0) {
		sk_http_recv_stop(webhook_peer);
		return;
	}
	rx_port = sk_http_recv_port(webhook_peer);

	snprintf(path, sizeof(path), "%s/sidekick.yaml", tmp);
	FILE *f = fopen(path, "w");
	SK_CHECK(f != NULL);
	if (f != NULL) {
		fprintf(f,
			"listenaddress: 127.0.0.1\nlistenport: %u\nnng:\n  listen: ipc://%s/alerts.sock\n"
			"spool:\n  dir: %s/spool\n  syncms: 50\ndrainms: 1500\n"
			"webhook:\n  address: http://127.0.0.1:%u/\n  timeout: 2000\n",
			sk_port, tmp, tmp, rx_port);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/rules.yaml", tmp);
	f = fopen(path, "w");
	SK_CHECK(f != NULL);
	if (f != NULL) {
		fputs("- rule: Saker feed test\n  desc: feed test\n"
		      "  condition: evt.type in (open, openat) and evt.dir=< and fd.name startswith /etc\n"
		      "  output: \"file below /etc opened (file=%fd.name fd=%fd.num command=%proc.cmdline)\"\n"
		      "  priority: WARNING\n  tags: [filesystem, saker_feed]\n",
		      f);
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/plugins && ln -s '%s/lib/saker/plugins/saker_webhook.so' %s/plugins/",
		 tmp, build, tmp);
	SK_CHECK_INT(system(cmd), 0);

	pid = fork();
	if (pid == 0) {
		char bin[600], cfg[600], plugins[600];
		snprintf(bin, sizeof(bin), "%s/bin/saker-sidekick", build);
		snprintf(cfg, sizeof(cfg), "%s/sidekick.yaml", tmp);
		snprintf(plugins, sizeof(plugins), "%s/plugins", tmp);
		if (freopen("/dev/null", "w", stdout) == NULL) {
			_exit(126);
		}
		execl(bin, bin, "-c", cfg, "--plugin-dir", plugins, (char *)NULL);
		_exit(127);
	}
	SK_CHECK(pid > 0);
	/* Ready when its HTTP input answers (at most 10 s). */
	snprintf(cmd, sizeof(cmd), "curl -sf -o /dev/null http://127.0.0.1:%u/ping", sk_port);
	int ready = 0;
	for (int i = 0; i < 100 && !ready; i++) {
		ready = system(cmd) == 0;
		if (!ready) {
			sleep_ms(100);
		}
	}
	SK_CHECK(ready);
	if (ready) {
		snprintf(cmd, sizeof(cmd),
			 "'%s/bin/saker-engine' -e ../shared/upstream/scap/cat_write.scap -r %s/rules.yaml "
			 "-o stdout_output.enabled=false -o json_output=true -o http_output.enabled=true "
			 "-o http_output.url=http://127.0.0.1:%u/ -o nng_output.enabled=true "
			 "-o nng_output.url=ipc://%s/alerts.sock",
			 build, tmp, sk_port, tmp);
		SK_CHECK_INT(system(cmd), 0);
		for (int i = 0; i < 100; i++) {
			pthread_mutex_lock(&rx.mu);
			int got = rx.alerts;
			pthread_mutex_unlock(&rx.mu);
			if (got >= 2) {
				break;
			}
			sleep_ms(100);
		}
		pthread_mutex_lock(&rx.mu);
		SK_CHECK_INT(rx.alerts, 2); /* one through http, one through nng */
		SK_CHECK_INT(rx.with_fields, 2);
		SK_CHECK_CONTAINS(rx.last, "\"priority\":\"Warning\"");
		SK_CHECK_CONTAINS(rx.last, "file below /etc opened (file=/etc/ld.so.cache fd=3 command=cat /dev/null)");
		pthread_mutex_unlock(&rx.mu);
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 50 && waitpid(pid, NULL, WNOHANG) == 0; i++) {
			sleep_ms(100);
		}
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	SK_CHECK_INT(sk_http_recv_too_big(webhook_peer), 0);
	sk_http_recv_stop(webhook_peer);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	SK_CHECK_INT(system(cmd), 0);
}

SK_TEST_MAIN()
