/* alert: parse, validate and enrich Falco JSON alerts.
 *
 * One parser serves both inputs (HTTP POST bodies and nng messages) and the
 * output workers (records read back from the alert log). A parsed alert owns
 * its json-c tree; `view` is the saker_alert handed to plugins and points
 * into that tree and into the JSON text given to ska_parse(). */
#ifndef SK_ALERT_H
#define SK_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"
#include "spl_template.h"

#define SKA_MAX_DEPTH 16    /* JSON nesting accepted in an alert */
#define SKA_MAX_FIELDS 1024 /* output_fields entries */
#define SKA_MAX_TAGS 256

typedef struct ska_alert {
	saker_alert view;
	struct json_object *root;
	struct json_object *fields; /* output_fields (borrowed from root) */
	const char **tags;
	const char **names;
	const char **values;
	char *rendered; /* text of non-string field values, NUL-separated */
} ska_alert;

/* What the sidekick adds to every accepted alert (Falcosidekick's
 * customfields and customtags). */
typedef struct ska_extras {
	const char *const *field_names;
	const char *const *field_values;
	size_t nfields;
	const char *const *tags;
	size_t ntags;
	/* Falcosidekick's bracketreplacer: when not NULL/"", output_fields keys
	 * with '[' lose their ']' and get this instead of '[' (a[2] -> a_2). */
	const char *bracket_replacer;
	/* Falcosidekick's templatedfields: templates[i], evaluated over the
	 * output fields (customfields included), becomes field
	 * template_names[i]. */
	const char *const *template_names;
	const spl_template *const *templates;
	size_t ntemplates;
	/* Falcosidekick's outputFieldFormat: when not NULL/"" and "output"
	 * starts like Falco's ("12:00:00.123: Warning ..."), "output" becomes
	 * this with <timestamp>, <priority>, <output>, <custom_fields>,
	 * <templated_fields> and <tags> replaced. */
	const char *output_format;
} ska_extras;

/* Parses and validates one alert: a JSON object with "rule", a known
 * "priority", an RFC 3339 "time" and an "output_fields" object (Falco's
 * json_output). json need not be NUL-terminated and must stay valid while the
 * alert is used. On failure returns SK_EPARSE/SK_EINVAL with a one-line
 * reason in err and leaves *out empty (ska_free is still safe). */
sk_err ska_parse(const char *json, size_t len, ska_alert *out, char *err, size_t errlen);

/* Validates like ska_parse() but skips building the sorted tag and field
 * arrays of the view (view.ntags/nfields stay 0): the ingest path only needs
 * the verdict, the scalar members, ska_field() and ska_enrich(). */
sk_err ska_check(const char *json, size_t len, ska_alert *out, char *err, size_t errlen);

/* Merges extras in Falcosidekick's order (customfields override same-named
 * output_fields, customtags are appended when missing, templatedfields are
 * evaluated, brackets replaced, "output" reformatted) and a fresh "uuid"
 * when the alert has none, then writes the resulting JSON to json_out. The
 * view is not updated, except view.output when outputFieldFormat changed it
 * (the old text is gone). */
sk_err ska_enrich(ska_alert *a, const ska_extras *x, sk_strbuf *json_out);

/* Returns this thread's scratch buffer for ska_enrich()'s output (emptied
 * by the next call on the same thread), or NULL without memory. The
 * ingest path uses it so an alert does not allocate its output text. */
sk_strbuf *ska_thread_buf(void);

/* Returns the output_fields value named name as text, or NULL. */
const char *ska_field(const ska_alert *a, const char *name);

/* Frees what ska_parse allocated; the alert is empty afterwards. */
void ska_free(ska_alert *a);

/* Parses a Falco priority name, case-insensitively ("Warning", "info"...). */
sk_err ska_priority_parse(const char *s, saker_priority *out);

/* Returns Falco's spelling of p ("Warning"); "Debug" for out-of-range. */
const char *ska_priority_name(saker_priority p);

/* Parses an RFC 3339 time ("2024-05-01T10:00:00.123456789Z", offsets
 * allowed) into ns since the epoch. */
sk_err ska_parse_time(const char *s, int64_t *ns);

/* Writes a random RFC 4122 version-4 UUID (36 chars + NUL). */
void ska_uuid(char out[37]);

#endif
