/* statsd.c: the counters of one alert (statsd.h). */
#include "statsd.h"

#include <stdio.h>
#include <string.h>

static const char *const priority_names[8] = {"Emergency", "Alert",  "Critical",      "Error",
					      "Warning",   "Notice", "Informational", "Debug"};

bool statsd_token_ok(const char *s, bool tag)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < ' ' || c == 0x7f || c == '|') {
			return false;
		}
		if (!tag && (c == ' ' || strchr(":#,@", c) != NULL)) {
			return false;
		}
	}
	return true;
}

/* Appends s without its newlines (datadog-go's appendWithoutNewlines). */
static void put_without_newlines(sk_strbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != '\n') {
			sk_strbuf_putc(sb, *s);
		}
	}
}

/* Appends "name[suffix]:1|c" and the constant tags followed by extra_tag
 * (either may be absent), as datadog-go formats a count. */
static void put_count(sk_strbuf *sb, const statsd_config *cfg, const char *name, const char *suffix,
		      const char *extra_tag)
{
	size_t ntags = cfg->tags != NULL ? cfg->tags->n : 0;
	sk_strbuf_puts(sb, cfg->namespace_);
	sk_strbuf_puts(sb, name);
	put_without_newlines(sb, suffix);
	sk_strbuf_puts(sb, ":1|c");
	if (ntags == 0 && extra_tag == NULL) {
		return;
	}
	sk_strbuf_puts(sb, "|#");
	for (size_t i = 0; i < ntags; i++) {
		if (i > 0) {
			sk_strbuf_putc(sb, ',');
		}
		put_without_newlines(sb, cfg->tags->items[i]);
	}
	if (extra_tag != NULL) {
		if (ntags > 0) {
			sk_strbuf_putc(sb, ',');
		}
		put_without_newlines(sb, extra_tag);
	}
}

sk_err statsd_payload(sk_strbuf *sb, const statsd_config *cfg, const saker_alert *alert)
{
	/* Go's PriorityType.String(): "" for a priority outside the enum */
	const char *prio = (unsigned)alert->priority_num < 8 ? priority_names[alert->priority_num] : "";
	char tag[32], suffix[32];
	/* StatsD: each tag's value (blanks removed, none in these names) joins
	 * the name after a dot */
	snprintf(tag, sizeof(tag), "priority:%s", prio);
	snprintf(suffix, sizeof(suffix), ".%s", prio);
	put_count(sb, cfg, "total", "", NULL);
	sk_strbuf_putc(sb, '\n');
	if (cfg->dogstatsd) {
		put_count(sb, cfg, "falco.accepted", "", tag);
	} else {
		put_count(sb, cfg, "falco.accepted", suffix, NULL);
	}
	sk_strbuf_putc(sb, '\n');
	put_count(sb, cfg, "inputs.requests.accepted", "", NULL);
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}
