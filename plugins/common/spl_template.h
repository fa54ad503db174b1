/* sko_template: the subset of Go's text/template that Falcosidekick users
 * write in chat outputs' `messageformat`.
 *
 * Supported actions: {{ .Rule }}, {{ .Priority }}, {{ .Output }},
 * {{ .Source }}, {{ .Hostname }}, {{ .Time }}, {{ .UUID }}, {{ .Tags }},
 * {{ index .OutputFields "field.name" }}, with optional "{{-" / "-}}"
 * whitespace trimming. Anything else is refused at compile time with the
 * byte offset, so a typo fails at start-up instead of on every alert. */
#ifndef SKO_TEMPLATE_H
#define SKO_TEMPLATE_H

#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define SKO_TEMPLATE_MAX_LEN 8192
#define SKO_TEMPLATE_MAX_PARTS 512

typedef struct sko_template sko_template;

/* Compiles src (len bytes). On error returns SK_EPARSE / SK_ERANGE with
 * "offset N: reason" in err. */
sk_err sko_template_compile(const char *src, size_t len, sko_template **out, char *err, size_t errlen);

/* Appends the template expanded for alert to sb (a missing output field
 * renders as "<no value>", as Go does). */
void sko_template_render(const sko_template *t, const saker_alert *alert, sk_strbuf *sb);

/* Frees t; NULL is fine. */
void sko_template_free(sko_template *t);

#endif
