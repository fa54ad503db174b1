/* saker_example: a minimal out-of-tree output plugin.
 *
 * Appends one line per alert, "<time> <priority> <rule>: <output>", to the
 * file named by the `path` key of its config section, e.g.
 *
 *     example:
 *       path: /var/log/saker/alerts.txt
 *
 * Build it anywhere the Saker plugin header is installed:
 *
 *     cc -shared -fPIC -O2 $(pkg-config --cflags saker-plugin) -o saker_example.so example.c
 *
 * and copy saker_example.so next to the other plugins (pkg-config
 * --variable=plugindir saker-plugin). It uses nothing but libc and the ABI
 * header, and shows the whole contract: read config in init(), keep state
 * in the instance, make one attempt per send() and say how it went. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <saker/output_plugin.h>

struct example_state {
	FILE *out;
	unsigned long sent;
};

static bool example_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *path = host->config_string(host->ctx, "path", "");
	struct example_state *st;

	if (*path == '\0') {
		snprintf(err, errlen, "path: must name the file to append alerts to");
		return false;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->out = fopen(path, "a");
	if (st->out == NULL) {
		snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		free(st);
		return false;
	}
	host->log(host->ctx, SAKER_LOG_INFO, "appending alerts to %s", path);
	*state = st;
	return true;
}

static saker_send_result example_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	struct example_state *st = state;

	if (fprintf(st->out, "%s %s %s: %s\n", alert->time, alert->priority, alert->rule, alert->output) < 0 ||
	    fflush(st->out) != 0) {
		/* A full disk may clear up: let the sidekick retry later. */
		snprintf(err, errlen, "write: %s", strerror(errno));
		clearerr(st->out);
		return SAKER_SEND_RETRY;
	}
	st->sent++;
	return SAKER_SEND_OK;
}

static void example_close(void *state)
{
	struct example_state *st = state;

	if (st != NULL) {
		fclose(st->out);
		free(st);
	}
}

static const saker_output_plugin example_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "example",
	.description = "example out-of-tree plugin: one text line per alert in a file",
	.required_key = "path",
	.max_batch = 1,
	.init = example_init,
	.send = example_send,
	.send_batch = NULL,
	.close = example_close,
};

/* The only symbol the sidekick looks up. */
__attribute__((visibility("default"))) const saker_output_plugin *saker_output_plugin_entry(void)
{
	return &example_plugin;
}
