/* grafana: Falcosidekick's Grafana bodies.
 *
 * grafana, an annotation (POST hostport/api/annotations): dashboardId and
 * panelId when set, time and timeEnd the alert's time in ms, tags "falco",
 * the priority, the rule, the source, the hostname, and with
 * allfieldsastags every output field's value (sorted by field name) and the
 * rule's tags; the output line as text.
 *
 * grafanaoncall, an alert for a webhook integration: alert_uid (the alert's
 * uuid), state "alerting", title "[<priority>] <rule>", message the output
 * line. */
#ifndef GRAFANA_H
#define GRAFANA_H

#include <stdbool.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct grafana_config {
	int64_t dashboard_id; /* 0: none */
	int64_t panel_id;     /* 0: none */
	bool all_fields_as_tags;
} grafana_config;

/* Appends the annotation's JSON body; SK_ENOMEM when memory ran out. */
sk_err grafana_annotation(sk_strbuf *sb, const grafana_config *cfg, const saker_alert *alert);

/* Appends the OnCall alert's JSON body; SK_ENOMEM when memory ran out. */
sk_err grafana_oncall_alert(sk_strbuf *sb, const saker_alert *alert);

#endif
