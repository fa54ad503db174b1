/* slack: Falcosidekick's Slack incoming-webhook payload (one attachment
 * coloured by priority, fields, footer; optional messageformat text). */
#ifndef SLACK_H
#define SLACK_H

#include "saker/output_plugin.h"
#include "sk_strbuf.h"
#include "spl_template.h"

typedef enum slack_format {
	SLACK_FORMAT_ALL,    /* text + fields */
	SLACK_FORMAT_TEXT,   /* the output line only */
	SLACK_FORMAT_FIELDS, /* the fields only */
} slack_format;

typedef struct slack_config {
	const char *username;
	const char *icon;
	const char *channel; /* "" = the webhook's default channel */
	const char *footer;
	slack_format format;
	const spl_template *message; /* messageformat, or NULL */
} slack_config;

/* Parses an `outputformat` value ("all", "text", "fields" or "" for all).
 * Returns SK_EINVAL for anything else. */
sk_err slack_parse_format(const char *text, slack_format *out);

/* Returns the attachment colour Falcosidekick uses for priority. */
const char *slack_color(saker_priority priority);

/* Appends the JSON body for alert to sb. */
void slack_payload(sk_strbuf *sb, const slack_config *cfg, const saker_alert *alert);

#endif
