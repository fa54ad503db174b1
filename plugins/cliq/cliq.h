/* cliq: Falcosidekick's Zoho Cliq message: text (the output line, or the
 * messageformat template with the output as a text slide), bot "Falco
 * Sidekick" with the icon, and a table slide of rule, priority, hostname,
 * the string output fields and the time (outputformat all, text or
 * fields); useemoji prefixes the text with a coloured sign per priority. */
#ifndef CLIQ_H
#define CLIQ_H

#include <stdbool.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"
#include "spl_template.h"

#define CLIQ_DEFAULT_ICON "https://raw.githubusercontent.com/falcosecurity/falcosidekick/master/imgs/falcosidekick_color.png"

typedef enum cliq_format { CLIQ_ALL, CLIQ_TEXT, CLIQ_FIELDS } cliq_format;

typedef struct cliq_config {
	cliq_format format;
	bool use_emoji;
	const char *icon;
	const spl_template *message; /* messageformat, or NULL */
} cliq_config;

/* Reads an outputformat name ("" is all); SK_EINVAL for anything else. */
sk_err cliq_parse_format(const char *name, cliq_format *out);

/* Appends the JSON body for alert; SK_ENOMEM when memory ran out. */
sk_err cliq_payload(sk_strbuf *sb, const cliq_config *cfg, const saker_alert *alert);

#endif
