/* dynatrace.c: the log record (dynatrace.h). */
#include "dynatrace.h"

#include <ctype.h>
#include <json-c/json.h>
#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

/* "key":value, left out when value is empty (Go's omitempty). */
static void member(sk_strbuf *sb, const char *key, const char *value)
{
	if (value == NULL || value[0] == '\0') {
		return;
	}
	sk_strbuf_printf(sb, ",\"%s\":", key);
	spl_json_go_string(sb, value);
}

/* Whether tag holds a MITRE technique id ("T" and a digit, as T1070 or
 * T1055.008) or a tactic ("mitre_" and a word character), anywhere in it. */
static bool is_technique(const char *tag)
{
	for (const char *p = strchr(tag, 'T'); p != NULL; p = strchr(p + 1, 'T')) {
		if (isdigit((unsigned char)p[1])) {
			return true;
		}
	}
	return false;
}

static bool is_tactic(const char *tag)
{
	for (const char *p = strstr(tag, "mitre_"); p != NULL; p = strstr(p + 1, "mitre_")) {
		if (isalnum((unsigned char)p[6]) || p[6] == '_') {
			return true;
		}
	}
	return false;
}

/* The string value of output field name, or NULL. */
static const char *string_field(json_object *fields, const char *name)
{
	json_object *v = NULL;

	if (fields == NULL || !json_object_object_get_ex(fields, name, &v) || !json_object_is_type(v, json_type_string)) {
		return NULL;
	}
	return json_object_get_string(v);
}

sk_err dynatrace_payload(sk_strbuf *sb, const saker_alert *alert)
{
	static const char *const semantic[][2] = {
		{"container.id", "container.id"},	 {"container.name", "container.name"},
		{"container.image", "container.image.name"}, {"k8s.ns.name", "k8s.namespace.name"},
		{"k8s.pod.name", "k8s.pod.name"},	 {"k8s.pod.id", "k8s.pod.uid"},
		{"proc.name", "process.executable.name"},
	};
	json_object *root = NULL;
	json_object *fields = spl_output_fields(alert, &root);
	const char *technique = NULL, *tactic = NULL;

	sk_strbuf_puts(sb, "[{\"timestamp\":\"");
	spl_go_rfc3339(sb, alert->time_ns, false);
	sk_strbuf_putc(sb, '"');
	member(sb, "event.id", alert->uuid);
	member(sb, "event.name", alert->rule);
	member(sb, "event.provider", "Falco");
	member(sb, "severity", alert->priority);
	member(sb, "host.name", alert->hostname);
	member(sb, "log.source", alert->source);
	sk_strbuf_puts(sb, ",\"content\":{\"output\":");
	spl_json_go_string(sb, alert->output);
	sk_strbuf_puts(sb, ",\"output_fields\":");
	if (fields != NULL) {
		spl_json_go_value(sb, fields);
	} else {
		sk_strbuf_puts(sb, "null");
	}
	if (alert->ntags > 0) {
		sk_strbuf_puts(sb, ",\"tags\":[");
		for (size_t i = 0; i < alert->ntags; i++) {
			sk_strbuf_puts(sb, i > 0 ? "," : "");
			spl_json_go_string(sb, alert->tags[i]);
		}
		sk_strbuf_putc(sb, ']');
	}
	sk_strbuf_putc(sb, '}');
	/* the last matching tag wins, as in Falcosidekick */
	for (size_t i = 0; i < alert->ntags; i++) {
		if (is_technique(alert->tags[i])) {
			technique = alert->tags[i];
		} else if (is_tactic(alert->tags[i])) {
			tactic = alert->tags[i];
		}
	}
	member(sb, "mitre.technique", technique);
	member(sb, "mitre.tactic", tactic);
	for (size_t i = 0; i < sizeof(semantic) / sizeof(semantic[0]); i++) {
		const char *value = string_field(fields, semantic[i][0]);
		/* Kubernetes audit events name the namespace ka.target.namespace */
		if (value == NULL && strcmp(semantic[i][0], "k8s.ns.name") == 0) {
			value = string_field(fields, "ka.target.namespace");
		}
		member(sb, semantic[i][1], value);
	}
	sk_strbuf_puts(sb, "}]");
	json_object_put(root);
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}
