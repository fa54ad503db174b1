/* stdout: one Falco JSON alert per line on standard output, the embedded
 * default output. Enabled by `stdout.enabled: true`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "saker/output_plugin.h"
#include "spl_util.h"

typedef struct stdout_state {
	sk_strbuf line; /* reused between sends */
} stdout_state;

static bool stdout_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	stdout_state *st = calloc(1, sizeof(*st));

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result stdout_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					   size_t errlen)
{
	stdout_state *st = state;
	saker_send_result res;
	size_t written = 0;

	res = spl_build_lines(&st->line, alerts, n, err, errlen);
	if (res != SAKER_SEND_OK) {
		return res;
	}
	/* One write per batch keeps lines whole when others share the fd. */
	if (spl_write_all(STDOUT_FILENO, st->line.data, st->line.len, &written) != SK_OK) {
		snprintf(err, errlen, "write stdout: %s (%zu of %zu bytes)", strerror(errno), written,
			 st->line.len);
		/* A half line cannot be taken back; resending the whole is safer
		 * than losing the alert. */
		return SAKER_SEND_RETRY;
	}
	return SAKER_SEND_OK;
}

static saker_send_result stdout_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return stdout_send_batch(state, &alert, 1, err, errlen);
}

static void stdout_close(void *state)
{
	stdout_state *st = state;

	if (st != NULL) {
		sk_strbuf_free(&st->line);
		free(st);
	}
}

static const saker_output_plugin stdout_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "stdout",
	.description = "one Falco JSON alert per line on standard output",
	.required_key = "enabled",
	.max_batch = 256,
	.init = stdout_init,
	.send = stdout_send,
	.send_batch = stdout_send_batch,
	.close = stdout_close,
};

SPL_PLUGIN_ENTRY(stdout_plugin)
