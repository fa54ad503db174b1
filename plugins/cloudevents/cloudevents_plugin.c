/* cloudevents plugin glue: cloudevents.address, extensions (a map of
 * ce-<name> headers); one binary-mode CloudEvent per alert. The per-alert
 * attributes are set as headers before each POST (spl_http replaces a
 * header of the same name). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloudevents.h"
#include "spl_http.h"
#include "spl_util.h"

typedef struct cloudevents_state {
	spl_http *http;
	sk_strbuf value;
	bool bad_extension;
	char bad_name[64];
} cloudevents_state;

static void cloudevents_close(void *state)
{
	cloudevents_state *st = state;
	if (st != NULL) {
		spl_http_free(st->http);
		sk_strbuf_free(&st->value);
		free(st);
	}
}

/* Sets header ce-<name> to value, encoded; an empty value drops it. */
static sk_err set_attribute(cloudevents_state *st, const char *name, const char *value)
{
	char header[64];

	snprintf(header, sizeof(header), "ce-%s", name);
	if (value[0] == '\0') {
		return spl_http_drop_header(st->http, header);
	}
	sk_strbuf_reset(&st->value);
	cloudevents_header_value(&st->value, value);
	if (sk_strbuf_failed(&st->value)) {
		return SK_ENOMEM;
	}
	return spl_http_add_header(st->http, header, sk_strbuf_str(&st->value));
}

static void add_extension(void *user, const char *key, const char *value)
{
	cloudevents_state *st = user;

	if (st->bad_extension) {
		return;
	}
	if (!cloudevents_extension_ok(key) || set_attribute(st, key, value) != SK_OK) {
		st->bad_extension = true;
		snprintf(st->bad_name, sizeof(st->bad_name), "%s", key);
	}
}

static bool cloudevents_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	cloudevents_state *st = calloc(1, sizeof(*st));

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (spl_http_new(host, host->config_string(host->ctx, "address", ""), &st->http, err, errlen) != SK_OK) {
		cloudevents_close(st);
		return false;
	}
	bool ok = set_attribute(st, "specversion", "1.0") == SK_OK &&
		  set_attribute(st, "source", "https://falco.org") == SK_OK &&
		  set_attribute(st, "type", "falco.rule.output.v1") == SK_OK;
	if (ok) {
		host->config_map(host->ctx, "extensions", add_extension, st);
		if (st->bad_extension) {
			snprintf(err, errlen,
				 "extensions.%s: want 1 to 20 lower-case letters or digits, not an attribute Saker sets",
				 st->bad_name);
			cloudevents_close(st);
			return false;
		}
	} else {
		snprintf(err, errlen, "out of memory");
		cloudevents_close(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result cloudevents_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	cloudevents_state *st = state;
	sk_strbuf time = SK_STRBUF_INIT;

	spl_go_rfc3339(&time, alert->time_ns, true);
	bool ok = !sk_strbuf_failed(&time) && set_attribute(st, "id", alert->uuid) == SK_OK &&
		  set_attribute(st, "time", sk_strbuf_str(&time)) == SK_OK &&
		  set_attribute(st, "priority", alert->priority) == SK_OK &&
		  set_attribute(st, "rule", alert->rule) == SK_OK &&
		  set_attribute(st, "eventsource", alert->source) == SK_OK &&
		  set_attribute(st, "hostname", alert->hostname) == SK_OK;
	sk_strbuf_free(&time);
	if (!ok) {
		snprintf(err, errlen, "out of memory setting the event's attributes");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(st->http, alert->json, alert->json_len, err, errlen);
}

static const saker_output_plugin cloudevents_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "cloudevents",
	.description = "CloudEvents 1.0 over HTTP, binary mode, the Falco JSON alert as data",
	.required_key = "address",
	.max_batch = 1,
	.init = cloudevents_init,
	.send = cloudevents_send,
	.send_batch = NULL,
	.close = cloudevents_close,
};

SPL_PLUGIN_ENTRY(cloudevents_plugin)
