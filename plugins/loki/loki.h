/* loki: Grafana Loki push API payloads, labelled as Falcosidekick does
 * (rule, source, priority, hostname, tags + `extralabels` output fields). */
#ifndef LOKI_H
#define LOKI_H

#include <stdbool.h>

#include "saker/output_plugin.h"
#include "sk_strbuf.h"
#include "spl_util.h"

#define LOKI_MAX_EXTRALABELS 32
#define LOKI_MAX_BATCH 64

typedef struct loki_config {
	const spl_strlist *extralabels; /* output field names to add as labels */
	bool json_format;               /* line = the alert JSON, else the output text */
} loki_config;

/* Appends {"streams":[...]} with one stream per alert to sb. */
void loki_payload(sk_strbuf *sb, const loki_config *cfg, const saker_alert *const *alerts, size_t n);

#endif
