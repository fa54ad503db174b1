/* sidekick_feed_test.c: saker-engine's http_output and nng_output feed the
 * real saker-sidekick (Falcosidekick-compatible input), which forwards to a
 * webhook receiver on loopback. Proves the alert body the engine sends is
 * one Falcosidekick accepts: rule, priority, output and typed output_fields
 * arrive intact through both links. Every wait is bounded; the sidekick is
 * stopped even when a check fails. */
#define _GNU_SOURCE
#include <json-c/json.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sk_test.h"

typedef struct receiver {
	pthread_mutex_t mu;
	int alerts;
	int with_fields; /* alerts whose output_fields kept fd.num as a number */
	char last[4096];
} receiver;

static receiver rx = {PTHREAD_MUTEX_INITIALIZER, 0, 0, ""};

typedef struct body {
	char *data;
	size_t len;
} body;

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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *data, size_t *size, void **state)
{
	body *b = *state;
	if (b == NULL) {
		*state = calloc(1, sizeof(body));
		return *state != NULL ? MHD_YES : MHD_NO;
	}
	if (*size > 0) {
		char *nd = realloc(b->data, b->len + *size + 1);
		if (nd == NULL) {
			return MHD_NO;
		}
		b->data = nd;
		memcpy(b->data + b->len, data, *size);
		b->len += *size;
		b->data[b->len] = '\0';
		*size = 0;
		return MHD_YES;
	}
	if (b->data != NULL) {
		record(b->data, b->len);
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode code)
{
	body *b = *state;
	if (b != NULL) {
		free(b->data);
		free(b);
	}
	*state = NULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* A port the kernel just handed out: bind to 0, read it back. */
static unsigned free_port(void)
{
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, NULL,
						MHD_OPTION_END);
	unsigned port = 0;
	if (d != NULL) {
		port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
		MHD_stop_daemon(d);
	}
	return port;
}

SK_TEST(engine_feeds_saker_sidekick_over_http_and_nng)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char tmp[] = "/tmp/sk_feed_XXXXXX", cmd[4096], path[512];
	struct MHD_Daemon *d;
	pid_t pid = -1;
	unsigned sk_port = free_port(), rx_port;

	if (build == NULL) {
		build = "build";
	}
	SK_CHECK(mkdtemp(tmp) != NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, NULL,
			     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
	SK_CHECK(d != NULL && sk_port != 0);
	if (d == NULL || sk_port == 0) {
		return;
	}
	rx_port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;

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
	MHD_stop_daemon(d);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	SK_CHECK_INT(system(cmd), 0);
}

SK_TEST_MAIN()
