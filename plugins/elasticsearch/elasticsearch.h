/* elasticsearch: Falcosidekick's Elasticsearch output. Each alert is the
 * Falco JSON document, indexed under index-<date> (the suffix says which
 * date: daily 2006.01.02, monthly, annually, none) with `type` (_doc) as
 * the document endpoint, or many at once through the _bulk API. */
#ifndef ELASTICSEARCH_H
#define ELASTICSEARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef enum es_suffix {
	ES_SUFFIX_DAILY = 0, /* Falcosidekick's default */
	ES_SUFFIX_MONTHLY,
	ES_SUFFIX_ANNUALLY,
	ES_SUFFIX_NONE,
} es_suffix;

typedef struct es_config {
	const char *hostport; /* http(s)://host:port, no trailing slash needed */
	const char *index;    /* "falco" */
	const char *type;     /* "_doc" */
	const char *pipeline; /* ingest pipeline, "" for none */
	es_suffix suffix;
	bool flatten; /* flattenfields: output_fields names with '.' as '_' */
} es_config;

/* Parses a suffix name ("daily", "monthly", "annually", "none"). */
sk_err es_parse_suffix(const char *text, es_suffix *out);

/* Appends the URL for now (local time, as Falcosidekick dates the index):
 * hostport/index-date/type, or hostport/index-date/_bulk when bulk; with
 * "?pipeline=NAME" when a pipeline is set. */
void es_url(sk_strbuf *sb, const es_config *cfg, time_t now, bool bulk);

/* Appends the document for alert: its Falco JSON, or with flatten the
 * same with output_fields names' dots turned into underscores. */
sk_err es_document(sk_strbuf *sb, const es_config *cfg, const saker_alert *alert);

/* Appends a _bulk body: {"create":{}} and the document, a line each, per
 * alert. */
sk_err es_bulk_body(sk_strbuf *sb, const es_config *cfg, const saker_alert *const *alerts, size_t n);

/* Whether a _bulk answer says an item failed ("errors": true); why gets
 * the first item's error type and reason. */
bool es_bulk_failed(const char *answer, char *why, size_t whylen);

/* Appends the index template createindextemplate puts at
 * hostport/_index_template/<index>: for index-* (or the index itself with
 * suffix none), number_of_shards and number_of_replicas, time and
 * @timestamp as dates, the alert's text fields (and, by a dynamic
 * template, every string of the flattened output_fields) as text with a
 * keyword (the output line's up to 2048 characters, the others' 256). */
sk_err es_template_body(sk_strbuf *sb, const es_config *cfg, int64_t shards, int64_t replicas);

/* Whether index is a name Elasticsearch takes (lower-case ASCII, none of
 * \\ / * ? " < > | , # : or spaces, not starting with - _ +). */
bool es_index_ok(const char *index);

/* Whether an answer to the template's creation says it exists already. */
bool es_template_exists(const char *answer);

#endif
