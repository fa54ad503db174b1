/* Fuzzes the slack, loki, alertmanager, elasticsearch, teams, discord,
 * googlechat, pagerduty and opsgenie payload builders with alerts whose strings come from the input (any
 * bytes, invalid UTF-8 included; the alert's JSON, which alertmanager,
 * elasticsearch's flattenfields, teams and discord parse, is one of them):
 * every payload must be strict, valid-UTF-8 JSON, and valid-UTF-8 text
 * must decode back to itself. The same string is read as an Elasticsearch
 * _bulk answer. */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alertmanager.h"
#include "discord.h"
#include "elasticsearch.h"
#include "googlechat.h"
#include "opsgenie.h"
#include "pagerduty.h"
#include "loki.h"
#include "slack.h"
#include "teams.h"

#define NSTR 8

static json_object *parse_strict(const sk_strbuf *sb)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, sb->data, (int)sb->len);
	if (obj == NULL || json_tokener_get_parse_end(tok) != sb->len) {
		abort();
	}
	json_tokener_free(tok);
	return obj;
}

static const char *get_path(json_object *o, const char *k1, const char *k2)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, k1, &v)) {
		abort();
	}
	v = json_object_array_get_idx(v, 0);
	if (v == NULL || !json_object_object_get_ex(v, k2, &v)) {
		abort();
	}
	return json_object_get_string(v);
}

static bool is_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80) {
			return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + NSTR);
	const char *s[NSTR];
	const char *tags[1], *names[2], *values[2];
	sk_strbuf sb = SK_STRBUF_INIT;
	size_t at = 0;
	json_object *obj;

	if (buf == NULL) {
		return 0;
	}
	/* NSTR NUL-separated strings; missing ones are "". */
	memcpy(buf, data, size);
	memset(buf + size, 0, NSTR);
	for (int i = 0; i < NSTR; i++) {
		s[i] = buf + at;
		at += strlen(buf + at) + 1;
		if (at > size + NSTR - 1) {
			at = size + NSTR - 1;
		}
	}
	tags[0] = s[4];
	/* field_names must be sorted and distinct, as the ABI promises. */
	names[0] = strcmp(s[5], s[6]) <= 0 ? s[5] : s[6];
	names[1] = names[0] == s[5] ? s[6] : s[5];
	values[0] = s[7];
	values[1] = s[0];
	saker_alert a = {
		.uuid = s[0],
		.json = s[1],
		.json_len = strlen(s[1]),
		.rule = s[0],
		.priority = s[2],
		.priority_num = (saker_priority)(size % 8),
		.source = s[3],
		.hostname = s[4],
		.output = s[1],
		.time = "",
		.time_ns = (int64_t)size * 1000003,
		.tags = tags,
		.ntags = *s[4] != '\0',
		.field_names = names,
		.field_values = values,
		.nfields = strcmp(names[0], names[1]) != 0 ? 2 : 1,
	};
	const saker_alert *one[1] = {&a};
	char *extra_names[2] = {(char *)s[5], (char *)s[6]};
	spl_strlist extra = {extra_names, 2, false};
	slack_config scfg = {s[2], s[3], s[4], s[5], (slack_format)(size % 3), NULL, (slack_layout)(size % 3)};
	loki_config lcfg = {.extralabels = &extra, .json_format = size % 2 == 0, .customfields = &extra};

	slack_payload(&sb, &scfg, &a);
	obj = parse_strict(&sb);
	if (is_ascii(s[1]) && strcmp(get_path(obj, "attachments", "fallback"), s[1]) != 0) {
		abort(); /* ASCII text must survive the Go-style escaping */
	}
	json_object_put(obj);
	sk_strbuf_reset(&sb);
	loki_payload(&sb, &lcfg, one, 1);
	json_object_put(parse_strict(&sb));
	sk_strbuf_reset(&sb);
	am_config acfg;
	am_config_defaults(&acfg);
	acfg.expires_after_s = (int64_t)(size % 5) * 1000;
	if (am_payload(&sb, &acfg, &a) == SK_OK) {
		json_object_put(parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	es_config ecfg = {"http://es:9200", "falco", "_doc", "", ES_SUFFIX_DAILY, true};
	(void)es_document(&sb, &ecfg, &a);
	char why[256];
	(void)es_bulk_failed(s[1], why, sizeof(why));
	sk_strbuf_reset(&sb);
	teams_config tcfg = {s[3], (teams_format)(size % 3)};
	if (teams_payload(&sb, &tcfg, &a) == SK_OK) {
		json_object_put(parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (discord_payload(&sb, s[2], &a) == SK_OK) {
		json_object_put(parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	googlechat_config gcfg = {size % 2 == 1, NULL};
	if (googlechat_payload(&sb, &gcfg, &a) == SK_OK) {
		json_object_put(parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (pagerduty_payload(&sb, s[5], &a) == SK_OK) {
		json_object_put(parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (opsgenie_payload(&sb, &a) == SK_OK) {
		json_object_put(parse_strict(&sb));
	}
	sk_strbuf_free(&sb);
	free(buf);
	return 0;
}
