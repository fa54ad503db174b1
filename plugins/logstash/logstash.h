/* logstash: Falcosidekick's Logstash event: the Falco alert as one JSON
 * line (Logstash's tcp input, json_lines codec), its output_fields names
 * with "[N]" written ".N" (Logstash refuses field names with an index, as
 * proc.aname[2]) in nested objects too, and the configured tags appended to
 * the rule's. */
#ifndef LOGSTASH_H
#define LOGSTASH_H

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"
#include "spl_util.h"

/* Appends the line for alert (newline-terminated); extra_tags may be NULL.
 * Returns SK_ENOMEM when memory ran out. */
sk_err logstash_line(sk_strbuf *sb, const saker_alert *alert, const spl_strlist *extra_tags);

/* Appends name with every "[digits]" written ".digits". */
void logstash_key(sk_strbuf *sb, const char *name);

#endif
