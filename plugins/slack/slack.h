/* slack: Falcosidekick's Slack incoming-webhook payload (one attachment
 * coloured by priority, fields, footer; optional messageformat text), and
 * the Mattermost and Rocket.Chat payloads Falcosidekick builds from the
 * same structure with their own field order. */
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

/* Whose layout: they differ in the order of the fields, whether every
 * output field is listed or only those holding strings, and (Rocket.Chat)
 * whether outputformat text still sends the attachment. */
typedef enum slack_layout {
	SLACK_LAYOUT_SLACK = 0,	   /* rule priority source hostname tags <every field> time */
	SLACK_LAYOUT_MATTERMOST,   /* rule hostname priority source tags <string fields> time */
	SLACK_LAYOUT_ROCKETCHAT,   /* rule priority source tags <string fields> time hostname; text: no attachment */
} slack_layout;

typedef struct slack_config {
	const char *username;
	const char *icon;
	const char *channel; /* "" = the webhook's default channel */
	const char *footer;
	slack_format format;
	const spl_template *message; /* messageformat, or NULL */
	slack_layout layout;
} slack_config;

/* Parses an `outputformat` value ("all", "text", "fields" or "" for all).
 * Returns SK_EINVAL for anything else. */
sk_err slack_parse_format(const char *text, slack_format *out);

/* Returns the attachment colour Falcosidekick uses for priority. */
const char *slack_color(saker_priority priority);

/* Appends the JSON body for alert to sb. */
void slack_payload(sk_strbuf *sb, const slack_config *cfg, const saker_alert *alert);

#endif
