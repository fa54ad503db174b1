#include "aws_payload.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "spl_fields.h"
#include "spl_util.h"

static sk_err aws_done(const sk_strbuf *b)
{
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}

sk_err aws_sqs_body(sk_strbuf *b, const char *queue_url, const saker_alert *alert)
{
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "{\"QueueUrl\":");
	spl_json_go_string(b, queue_url);
	sk_strbuf_puts(b, ",\"MessageBody\":");
	spl_json_go_stringn(b, alert->json, alert->json_len);
	sk_strbuf_putc(b, '}');
	return aws_done(b);
}

/* SNS's rules for attribute names: [A-Za-z0-9_.-], at most 256, no
 * leading, trailing or doubled '.', no AWS. or Amazon. prefix. */
static bool aws_sns_name_ok(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > 256 || name[0] == '.' || name[len - 1] == '.' || strstr(name, "..") != NULL ||
	    strncasecmp(name, "aws.", 4) == 0 || strncasecmp(name, "amazon.", 7) == 0) {
		return false;
	}
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == len;
}

/* Appends attribute number *n + 1 unless SNS would refuse it (a bad name,
 * an empty value) or the message has its 10 already. */
static void aws_sns_attribute(sk_strbuf *sb, int *n, const char *name, const char *type, const char *value)
{
	if (*n >= AWS_SNS_MAX_ATTRIBUTES || value[0] == '\0' || !aws_sns_name_ok(name)) {
		return;
	}
	(*n)++;
	sk_strbuf_printf(sb, "&MessageAttributes.entry.%d.Name=", *n);
	spl_uri_encode(sb, name, false);
	sk_strbuf_printf(sb, "&MessageAttributes.entry.%d.Value.DataType=%s", *n, type);
	sk_strbuf_printf(sb, "&MessageAttributes.entry.%d.Value.StringValue=", *n);
	spl_uri_encode(sb, value, false);
}

static void aws_sns_attributes(sk_strbuf *sb, const saker_alert *alert)
{
	sk_strbuf tags = SK_STRBUF_INIT, name = SK_STRBUF_INIT;
	json_object *root = NULL, *fields = spl_output_fields(alert, &root);
	int n = 0;

	aws_sns_attribute(sb, &n, "priority", "String", alert->priority);
	aws_sns_attribute(sb, &n, "rule", "String", alert->rule);
	aws_sns_attribute(sb, &n, "source", "String", alert->source);
	spl_join_tags(&tags, alert, ",");
	aws_sns_attribute(sb, &n, "tags", "String", sk_strbuf_str(&tags));
	aws_sns_attribute(sb, &n, "hostname", "String", alert->hostname);
	for (size_t i = 0; fields != NULL && i < alert->nfields; i++) {
		json_object *v = NULL;
		if (!json_object_object_get_ex(fields, alert->field_names[i], &v)) {
			continue;
		}
		json_type t = json_object_get_type(v);
		if (t != json_type_string && t != json_type_int && t != json_type_double) {
			continue; /* Falcosidekick sends strings and numbers only */
		}
		sk_strbuf_reset(&name);
		for (const char *c = alert->field_names[i]; *c != '\0'; c++) {
			if (*c != ']') {
				sk_strbuf_putc(&name, *c == '[' ? '.' : *c);
			}
		}
		aws_sns_attribute(sb, &n, sk_strbuf_str(&name), t == json_type_string ? "String" : "Number",
				  alert->field_values[i]);
	}
	if (sk_strbuf_failed(&tags) || sk_strbuf_failed(&name)) {
		sb->failed = true; /* the body is incomplete */
	}
	json_object_put(root);
	sk_strbuf_free(&tags);
	sk_strbuf_free(&name);
}

sk_err aws_sns_body(sk_strbuf *b, const char *topic_arn, bool rawjson, const saker_alert *alert)
{
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "Action=Publish&Version=2010-03-31&TopicArn=");
	spl_uri_encode(b, topic_arn, false);
	sk_strbuf_puts(b, "&Message=");
	if (rawjson) {
		spl_uri_encoden(b, alert->json, alert->json_len, false);
	} else {
		spl_uri_encode(b, alert->output, false);
		aws_sns_attributes(b, alert);
	}
	return aws_done(b);
}

sk_err aws_kinesis_body(sk_strbuf *b, const char *stream, const saker_alert *alert)
{
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "{\"StreamName\":");
	spl_json_go_string(b, stream);
	sk_strbuf_puts(b, ",\"Data\":\"");
	sk_strbuf_base64(b, alert->json, alert->json_len);
	sk_strbuf_puts(b, "\",\"PartitionKey\":");
	spl_json_go_string(b, alert->uuid);
	sk_strbuf_putc(b, '}');
	return aws_done(b);
}

/* {"logGroupName":group,"logStreamName":stream (the object left open) */
static void aws_logs_target(sk_strbuf *b, const char *group, const char *stream)
{
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "{\"logGroupName\":");
	spl_json_go_string(b, group);
	sk_strbuf_puts(b, ",\"logStreamName\":");
	spl_json_go_string(b, stream);
}

sk_err aws_logs_create_body(sk_strbuf *b, const char *group, const char *stream)
{
	aws_logs_target(b, group, stream);
	sk_strbuf_putc(b, '}');
	return aws_done(b);
}

sk_err aws_logs_put_body(sk_strbuf *b, const char *group, const char *stream, const saker_alert *alert)
{
	aws_logs_target(b, group, stream);
	sk_strbuf_printf(b, ",\"logEvents\":[{\"timestamp\":%lld,\"message\":", (long long)(alert->time_ns / 1000000));
	spl_json_go_stringn(b, alert->json, alert->json_len);
	sk_strbuf_puts(b, "}]}");
	return aws_done(b);
}

bool aws_s3_bucket_ok(const char *name)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t len = strlen(name);
	return len >= 3 && len <= 63 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789.-") == len &&
	       memchr(alnum, name[0], sizeof(alnum) - 1) != NULL && memchr(alnum, name[len - 1], sizeof(alnum) - 1) != NULL;
}

/* Copies s (len bytes: 1..max of A-Z a-z 0-9 - _, a leading '$' too with
 * allow_dollar) into out; false when it is not that. */
static bool aws_lambda_part(const char *s, size_t len, size_t max, bool allow_dollar, char *out)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t start = allow_dollar && len > 0 && s[0] == '$' ? 1 : 0;

	if (len == start || len > max) {
		return false;
	}
	for (size_t i = start; i < len; i++) {
		if (memchr(chars, s[i], sizeof(chars) - 1) == NULL) {
			return false;
		}
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

bool aws_lambda_parse(const char *functionname, aws_lambda_function *fn)
{
	const char *parts[9];
	size_t lens[9], n = 0;
	const char *p = functionname;

	memset(fn, 0, sizeof(*fn));
	for (;;) {
		size_t len = strcspn(p, ":");
		if (n == 9) {
			return false;
		}
		parts[n] = p;
		lens[n++] = len;
		if (p[len] == '\0') {
			break;
		}
		p += len + 1;
	}
	size_t name = 0, qualifier = 0;
	bool has_qualifier = false;
	if (n == 1 || n == 2) {
		name = 0;
		qualifier = 1;
		has_qualifier = n == 2;
	} else if ((n == 3 || n == 4) && lens[1] == 8 && strncmp(parts[1], "function", 8) == 0) {
		if (lens[0] == 0 || lens[0] >= sizeof(fn->account) || strspn(parts[0], "0123456789") < lens[0]) {
			return false;
		}
		memcpy(fn->account, parts[0], lens[0]);
		name = 2;
		qualifier = 3;
		has_qualifier = n == 4;
	} else if ((n == 7 || n == 8) && lens[0] == 3 && strncmp(parts[0], "arn", 3) == 0 && lens[2] == 6 &&
		   strncmp(parts[2], "lambda", 6) == 0 && lens[5] == 8 && strncmp(parts[5], "function", 8) == 0) {
		if (!aws_lambda_part(parts[3], lens[3], sizeof(fn->region) - 1, false, fn->region) || lens[4] == 0 ||
		    lens[4] >= sizeof(fn->account) || strspn(parts[4], "0123456789") < lens[4]) {
			return false;
		}
		memcpy(fn->account, parts[4], lens[4]);
		name = 6;
		qualifier = 7;
		has_qualifier = n == 8;
	} else {
		return false;
	}
	if (!aws_lambda_part(parts[name], lens[name], sizeof(fn->name) - 1, false, fn->name)) {
		return false;
	}
	return !has_qualifier ||
	       aws_lambda_part(parts[qualifier], lens[qualifier], sizeof(fn->qualifier) - 1, true, fn->qualifier);
}
