#include "plugin_host.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <signal.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ph_lookup(const ph_plugin *p, const char *path)
{
	for (size_t i = 0; p->config != NULL && p->config[i] != NULL; i += 2) {
		if (strcmp(p->config[i], path) == 0) {
			return p->config[i + 1];
		}
	}
	return NULL;
}

static const char *ph_config_string(const void *ctx, const char *path, const char *def)
{
	const char *v = ph_lookup(ctx, path);

	return v != NULL ? v : def;
}

static int64_t ph_config_int(const void *ctx, const char *path, int64_t def)
{
	const char *v = ph_lookup(ctx, path);

	return v != NULL ? strtoll(v, NULL, 10) : def;
}

static bool ph_config_bool(const void *ctx, const char *path, bool def)
{
	const char *v = ph_lookup(ctx, path);

	return v != NULL ? strcmp(v, "true") == 0 : def;
}

static size_t ph_config_map(const void *ctx, const char *path, void (*fn)(void *, const char *, const char *),
			    void *user)
{
	const ph_plugin *p = ctx;
	size_t plen = strlen(path), n = 0;

	for (size_t i = 0; p->config != NULL && p->config[i] != NULL; i += 2) {
		if (strncmp(p->config[i], path, plen) == 0 && p->config[i][plen] == '.') {
			fn(user, p->config[i] + plen + 1, p->config[i + 1]);
			n++;
		}
	}
	return n;
}

static size_t ph_config_list(const void *ctx, const char *path, void (*fn)(void *, const char *), void *user)
{
	const char *v = ph_lookup(ctx, path);
	char item[256];
	size_t n = 0;

	/* as the sidekick splits a comma-separated value: each piece trimmed,
	 * empty ones skipped */
	while (v != NULL && *v != '\0') {
		size_t len = strcspn(v, ",");
		const char *start = v;
		size_t keep = len;

		while (keep > 0 && isspace((unsigned char)*start)) {
			start++;
			keep--;
		}
		while (keep > 0 && isspace((unsigned char)start[keep - 1])) {
			keep--;
		}
		if (keep > 0) {
			snprintf(item, sizeof(item), "%.*s", (int)keep, start);
			fn(user, item);
			n++;
		}
		v += len;
		if (*v == ',') {
			v++;
		}
	}
	return n;
}

__attribute__((format(printf, 3, 4))) static void ph_log(const void *ctx, saker_log_level level,
							  const char *fmt, ...)
{
	const ph_plugin *p = ctx;
	va_list ap;

	fprintf(stderr, "%s: ", p->host.instance_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

sk_err ph_load(ph_plugin *p, const char *name)
{
	const char *dir = getenv("SAKER_BUILD_DIR");
	char path[4096];

	snprintf(path, sizeof(path), "%s/lib/saker/plugins/saker_%s.so", dir != NULL ? dir : "build", name);
	return ph_load_path(p, path);
}

sk_err ph_load_path(ph_plugin *p, const char *path)
{
	saker_output_plugin_entry_fn entry;

	memset(p, 0, sizeof(*p));
	p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (p->dl == NULL) {
		snprintf(p->err, sizeof(p->err), "dlopen: %s", dlerror());
		return SK_ENOENT;
	}
	*(void **)&entry = dlsym(p->dl, SAKER_OUTPUT_PLUGIN_ENTRY);
	p->api = entry != NULL ? entry() : NULL;
	if (p->api == NULL) {
		snprintf(p->err, sizeof(p->err), "%s: no %s", path, SAKER_OUTPUT_PLUGIN_ENTRY);
		return SK_EINVAL;
	}
	if (p->api->abi_version < SAKER_OUTPUT_ABI_MIN_VERSION || p->api->abi_version > SAKER_OUTPUT_ABI_VERSION) {
		snprintf(p->err, sizeof(p->err), "%s: ABI %u, want %u", path, p->api->abi_version,
			 SAKER_OUTPUT_ABI_VERSION);
		return SK_EVERSION;
	}
	p->host.ctx = p;
	p->host.instance_name = p->api->name;
	p->host.config_string = ph_config_string;
	p->host.config_int = ph_config_int;
	p->host.config_bool = ph_config_bool;
	p->host.config_map = ph_config_map;
	p->host.config_list = ph_config_list;
	p->host.log = ph_log;
	p->host.hostname = "saker-test-host";
	return SK_OK;
}

bool ph_init(ph_plugin *p, const char *const *config)
{
	p->config = config;
	p->err[0] = '\0';
	return p->api->init(&p->host, &p->state, p->err, sizeof(p->err));
}

bool ph_open(ph_plugin *p, const char *name, const char *const *config)
{
	if (ph_load(p, name) != SK_OK || !ph_init(p, config)) {
		fprintf(stderr, "plugin %s: %s\n", name, p->err);
		return false;
	}
	return true;
}

saker_send_result ph_send(ph_plugin *p, const saker_alert *alert)
{
	p->err[0] = '\0';
	return p->api->send(p->state, alert, p->err, sizeof(p->err));
}

saker_send_result ph_send_made_batch(ph_plugin *p, ph_alert *alerts, size_t n)
{
	const saker_alert *batch[16];

	p->err[0] = '\0';
	if (p->state == NULL || p->api->send_batch == NULL || p->api->max_batch < n || n > 16) {
		snprintf(p->err, sizeof(p->err), "no instance, or no batches of %zu", n);
		return SAKER_SEND_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		ph_alert_make(&alerts[i], (int)i);
		batch[i] = &alerts[i].a;
	}
	return p->api->send_batch(p->state, batch, n, p->err, sizeof(p->err));
}

void ph_unload(ph_plugin *p)
{
	if (p->state != NULL) {
		p->api->close(p->state);
		p->state = NULL;
	}
	if (p->dl != NULL) {
		dlclose(p->dl);
		p->dl = NULL;
	}
}

void ph_alert_make(ph_alert *pa, int seq)
{
	/* 2026-11-29T22:00:00Z plus seq ms and a ns tail. */
	int64_t base = 1795989600LL * 1000000000LL;
	saker_alert *a = &pa->a;

	memset(pa, 0, sizeof(*pa));
	snprintf(pa->uuid, sizeof(pa->uuid), "6f1c2a50-0000-4000-8000-%012d", seq);
	snprintf(pa->cmdline, sizeof(pa->cmdline), "bash -i #%d", seq);
	snprintf(pa->output, sizeof(pa->output),
		 "22:00:00.%09d: Warning A shell was spawned in a container (user=root "
		 "container_id=abc123 shell=bash cmdline=%s)",
		 seq * 1000000 + 789, pa->cmdline);
	snprintf(pa->time, sizeof(pa->time), "2026-11-29T22:00:00.%09dZ", seq * 1000000 + 789);
	pa->tags[0] = "container";
	pa->tags[1] = "shell";
	pa->names[0] = "container.id";
	pa->names[1] = "proc.cmdline";
	pa->names[2] = "user.name";
	pa->values[0] = "abc123";
	pa->values[1] = pa->cmdline;
	pa->values[2] = "root";
	snprintf(pa->json, sizeof(pa->json),
		 "{\"uuid\":\"%s\",\"output\":\"%s\",\"priority\":\"Warning\",\"rule\":\"Terminal shell in "
		 "container\",\"time\":\"%s\",\"source\":\"syscall\",\"hostname\":\"node-1\",\"tags\":["
		 "\"container\",\"shell\"],\"output_fields\":{\"container.id\":\"abc123\",\"proc.cmdline\":"
		 "\"%s\",\"user.name\":\"root\"}}",
		 pa->uuid, pa->output, pa->time, pa->cmdline);
	a->uuid = pa->uuid;
	a->json = pa->json;
	a->json_len = strlen(pa->json);
	a->rule = "Terminal shell in container";
	a->priority = "Warning";
	a->priority_num = SAKER_PRIORITY_WARNING;
	a->source = "syscall";
	a->hostname = "node-1";
	a->output = pa->output;
	a->time = pa->time;
	a->time_ns = base + (int64_t)seq * 1000000 + 789;
	a->tags = pa->tags;
	a->ntags = 2;
	a->field_names = pa->names;
	a->field_values = pa->values;
	a->nfields = 3;
}

int ph_free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int port = 0;

	if (fd < 0) {
		return 0;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0) {
		port = ntohs(sin.sin_port);
	}
	close(fd);
	return port;
}

long long ph_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ph_stop_child(pid_t pid, int grace_ms)
{
	long long deadline = ph_now_ms() + grace_ms;
	int status;

	if (pid <= 0) {
		return;
	}
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		struct timespec nap = {0, 20 * 1000000L};

		if (ph_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		nanosleep(&nap, NULL);
	}
}
