/* nats_out: what Falcosidekick's nats output publishes, as pure functions:
 * the subject (subjecttemplate with <priority> and <rule> filled in) and
 * the checks on hostport and the template. The connection lives in
 * nats_plugin.c. Named nats_out so it never shadows libnats's <nats.h>. */
#ifndef NATS_OUT_H
#define NATS_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* Falcosidekick's subjecttemplate default. */
#define NATS_DEFAULT_SUBJECT_TEMPLATE "falco.<priority>.<rule>"

/* Returns the priority's name in lower case, as Falcosidekick puts it in
 * subjects ("warning", "informational"); "" for a value out of range. */
const char *nats_priority_name(saker_priority priority);

/* Appends rule as one subject token: lower case, every run of characters
 * other than a-z and 0-9 becomes a single '_', and '_' is trimmed from
 * both ends ("Terminal shell in container" -> "terminal_shell_in_container").
 * Lower-casing follows Go's, so U+0130 and U+212A (Kelvin) count as 'i', 'k'. */
void nats_rule_slug(sk_strbuf *sb, const char *rule);

/* Appends the subject for alert: tmpl with every "<priority>" replaced by
 * nats_priority_name() and every "<rule>" by nats_rule_slug(). */
void nats_subject(sk_strbuf *sb, const char *tmpl, const saker_alert *alert);

/* Checks a subjecttemplate. Returns SK_OK, or SK_EINVAL with err set when
 * it holds whitespace or control bytes (the NATS protocol line would break)
 * or '*' / '>' (wildcards cannot be published to). */
sk_err nats_check_template(const char *tmpl, char *err, size_t errlen);

/* Checks hostport: one or more comma-separated URLs, each nats://, tls://
 * or without a scheme (then nats://). Sets *tls when any is tls://.
 * Returns SK_OK, or SK_EINVAL with err set. */
sk_err nats_check_hostport(const char *hostport, bool *tls, char *err, size_t errlen);

#endif
