/* teams: Falcosidekick's Microsoft Teams payload, an Office 365
 * MessageCard: summary and text (the output line), a theme colour by
 * priority, and facts (rule, priority, source, hostname, the string output
 * fields sorted, tags). */
#ifndef TEAMS_H
#define TEAMS_H

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef enum teams_format {
	TEAMS_FORMAT_ALL,   /* text and facts */
	TEAMS_FORMAT_TEXT,  /* the output line only */
	TEAMS_FORMAT_FACTS, /* the facts only */
} teams_format;

typedef struct teams_config {
	const char *activity_image; /* activityimage, "" for none */
	teams_format format;
} teams_config;

/* Parses outputformat ("all", "text", "facts", "" for all). */
sk_err teams_parse_format(const char *text, teams_format *out);

/* Appends the JSON body for alert; SK_ENOMEM when memory ran out. */
sk_err teams_payload(sk_strbuf *sb, const teams_config *cfg, const saker_alert *alert);

#endif
