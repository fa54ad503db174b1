/* dynatrace: Falcosidekick's Dynatrace log record (Log Monitoring API v2,
 * POST apiurl/v2/logs/ingest): an array of one record with the alert's time
 * (RFC 3339, seconds), event.id (uuid), event.name (rule),
 * event.provider "Falco", severity (priority), host.name, log.source
 * (source), content {output, output_fields, tags}, MITRE technique and
 * tactic taken from the rule's tags, and the semantic attributes
 * container.id, container.name, container.image.name, k8s.namespace.name,
 * k8s.pod.name, k8s.pod.uid and process.executable.name from the string
 * output fields that carry them. */
#ifndef DYNATRACE_H
#define DYNATRACE_H

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* Appends the JSON body for alert; SK_ENOMEM when memory ran out. */
sk_err dynatrace_payload(sk_strbuf *sb, const saker_alert *alert);

#endif
