/* spl_template: the subset of Go's text/template that Falcosidekick users
 * write in chat outputs' `messageformat` and in `templatedfields`.
 *
 * Two kinds of dot. For messageformat the dot is the alert: .Rule,
 * .Priority, .Output, .Source, .Hostname, .Time, .UUID, .Tags and
 * .OutputFields (a map). For templatedfields the dot is the output_fields
 * map itself: .key reads one field, index . "k8s.ns.name" any field.
 *
 * Actions: {{ pipeline }}, {{ if p }} / {{ else if p }} / {{ else }} /
 * {{ end }}, {{ with p }} ... {{ end }} (the dot becomes the value),
 * comment actions, "{{-" / "-}}" trimming. Pipelines: "." , .Field,
 * "strings" and `raw strings`, true, false, nil, (parentheses), "|", and
 * the functions index, or, and, not, eq, ne. Anything else (variables,
 * range, printf, field chains .a.b) is refused at compile time with the
 * action's byte offset, so a typo fails at start-up and not on each alert.
 * Values print as Go prints them; a missing field prints "<no value>". */
#ifndef SPL_TEMPLATE_H
#define SPL_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define SPL_TEMPLATE_MAX_LEN 8192
#define SPL_TEMPLATE_MAX_PARTS 512 /* text runs + actions */
#define SPL_TEMPLATE_MAX_DEPTH 16  /* nested if/with blocks and parentheses */

typedef struct spl_template spl_template;

/* One value a template works with. Field lookups return NIL, STRING (JSON
 * numbers too, as their text: Falcosidekick decodes with UseNumber) or
 * BOOL; the other kinds come from the alert. */
typedef enum spl_tpl_kind {
	SPL_TV_NIL,
	SPL_TV_STRING,
	SPL_TV_BOOL,
	SPL_TV_MAP,  /* the output fields */
	SPL_TV_TAGS, /* the alert's tags */
	SPL_TV_TIME, /* the alert's time */
} spl_tpl_kind;

typedef struct spl_tpl_value {
	spl_tpl_kind kind;
	const char *s; /* STRING: the text */
	bool b;        /* BOOL: the value */
} spl_tpl_value;

/* Reads output field name into *out (NIL when absent). */
typedef void (*spl_tpl_field_fn)(const void *user, const char *name, spl_tpl_value *out);

/* Compiles a messageformat template (dot = the alert). On error returns
 * SK_EPARSE / SK_ERANGE with "offset N: reason" in err. */
sk_err spl_template_compile(const char *src, size_t len, spl_template **out, char *err, size_t errlen);

/* Compiles a templatedfields template (dot = the output fields map);
 * errors as spl_template_compile. */
sk_err spl_template_compile_fields(const char *src, size_t len, spl_template **out, char *err, size_t errlen);

/* Appends a messageformat template expanded for alert to sb. */
void spl_template_render(const spl_template *t, const saker_alert *alert, sk_strbuf *sb);

/* Appends a templatedfields template expanded over the fields field()
 * reads to sb. */
void spl_template_render_fields(const spl_template *t, spl_tpl_field_fn field, const void *user, sk_strbuf *sb);

/* Frees t; NULL is fine. */
void spl_template_free(spl_template *t);

#endif
