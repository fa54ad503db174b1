/* alertmanager: Falcosidekick's Alertmanager payload, a JSON list of one
 * alert whose labels are the alert's output fields (names made label-safe,
 * strings and numbers only) plus source, rule, eventsource, hostname, tags,
 * priority and severity, and whose annotations carry the output line. */
#ifndef ALERTMANAGER_H
#define ALERTMANAGER_H

#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define AM_MAX_EXTRA 64     /* extralabels, extraannotations */
#define AM_MAX_THRESHOLDS 16 /* dropeventthresholds */

typedef struct am_pair {
	char *name, *value;
} am_pair;

typedef struct am_threshold {
	int64_t value;
	saker_priority priority;
} am_threshold;

typedef struct am_config {
	int64_t expires_after_s; /* expiresafter: endsAt = time + this (0: Go's zero time) */
	am_pair labels[AM_MAX_EXTRA];
	size_t nlabels;
	am_pair annotations[AM_MAX_EXTRA];
	size_t nannotations;
	char *severity[8]; /* customseveritymap, by saker_priority (owned); NULL: the default */
	saker_priority drop_default; /* dropeventdefaultpriority */
	am_threshold thresholds[AM_MAX_THRESHOLDS]; /* dropeventthresholds, highest value first */
	size_t nthresholds;
} am_config;

/* Falcosidekick's defaults (no extras, drops: critical, thresholds
 * "10000:critical, 1000:critical, 100:critical, 10:warning, 1:warning"). */
void am_config_defaults(am_config *cfg);

/* Parses a priority name as Falcosidekick spells them in config
 * ("critical", "Informational", "info"); false when unknown. */
bool am_parse_priority(const char *text, saker_priority *out);

/* Parses "10000:critical, 10:warning" into cfg's thresholds, sorted by
 * value, highest first. SK_EINVAL (why says which) for a bad entry. */
sk_err am_parse_thresholds(am_config *cfg, const char *text, char *why, size_t whylen);

/* Appends the JSON body for alert to sb; SK_ENOMEM when memory ran out. */
sk_err am_payload(sk_strbuf *sb, const am_config *cfg, const saker_alert *alert);

/* The label name Alertmanager accepts for name: [^a-zA-Z0-9_] becomes _,
 * "__" becomes "_", leading and trailing _ go (Falcosidekick's rule). */
void am_safe_label(sk_strbuf *sb, const char *name);

#endif
