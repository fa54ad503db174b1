/* googlechat: Falcosidekick's Google Chat webhook payload: an optional
 * text from messageformat, and (unless outputformat is text) one card of
 * key-value widgets: rule, priority, source, hostname, the string output
 * fields sorted, tags, time. */
#ifndef GOOGLECHAT_H
#define GOOGLECHAT_H

#include <stdbool.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"
#include "spl_template.h"

typedef struct googlechat_config {
	bool text_only;			/* outputformat: text */
	const spl_template *message; /* messageformat, or NULL */
} googlechat_config;

/* Appends the JSON body for alert; SK_ENOMEM when memory ran out. */
sk_err googlechat_payload(sk_strbuf *sb, const googlechat_config *cfg, const saker_alert *alert);

#endif
