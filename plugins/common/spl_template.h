/* spl_template: the subset of Go's text/template that Falcosidekick users
 * write in chat outputs' `messageformat`.
 *
 * Supported actions: {{ .Rule }}, {{ .Priority }}, {{ .Output }},
 * {{ .Source }}, {{ .Hostname }}, {{ .Time }}, {{ .UUID }}, {{ .Tags }},
 * {{ index .OutputFields "field.name" }}, with optional "{{-" / "-}}"
 * whitespace trimming. Anything else is refused at compile time with the
 * byte offset, so a typo fails at start-up instead of on every alert. */
#ifndef SPL_TEMPLATE_H
#define SPL_TEMPLATE_H

#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define SPL_TEMPLATE_MAX_LEN 8192
#define SPL_TEMPLATE_MAX_PARTS 512

typedef struct spl_template spl_template;

/* Compiles src (len bytes). On error returns SK_EPARSE / SK_ERANGE with
 * "offset N: reason" in err. */
sk_err spl_template_compile(const char *src, size_t len, spl_template **out, char *err, size_t errlen);

/* Appends the template expanded for alert to sb (a missing output field
 * renders as "<no value>", as Go does). */
void spl_template_render(const spl_template *t, const saker_alert *alert, sk_strbuf *sb);

/* Frees t; NULL is fine. */
void spl_template_free(spl_template *t);

#endif
