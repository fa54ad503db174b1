/* loki: Grafana Loki push API payloads, labelled as Falcosidekick 2.32
 * does: rule, source, priority, hostname, tags, k8s_ns_name, k8s_pod_name,
 * and every customfields, templatedfields and `extralabels` output field. */
#ifndef LOKI_H
#define LOKI_H

#include <stdbool.h>

#include "saker/output_plugin.h"
#include "sk_strbuf.h"
#include "spl_util.h"

#define LOKI_MAX_EXTRALABELS 32
#define LOKI_MAX_BATCH 64

typedef struct loki_config {
	const spl_strlist *extralabels;     /* output field names to add as labels */
	bool json_format;                   /* line = the alert JSON, else the output text */
	const spl_strlist *customfields;    /* the sidekick's customfields keys (labels too) */
	const spl_strlist *templatedfields; /* the sidekick's templatedfields keys (labels too) */
} loki_config;

/* Appends {"streams":[...]} with one stream per alert to sb. */
void loki_payload(sk_strbuf *sb, const loki_config *cfg, const saker_alert *const *alerts, size_t n);

#endif
