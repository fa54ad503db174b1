/* Fuzzes what the AWS and GCP outputs read from the network (and from
 * their keys) and what they build from alerts. The input, whole, is an
 * OTLP collector's answer, JSON and protobuf, and a gRPC header line (a
 * partial success's reason or grpc-message must end within its buffer, a
 * grpc-status be a number of two digits at most). It is also an AWS
 * answer: its error code must come out a name and its message one line;
 * credentials read from it (JSON or STS XML) must have a key id and a
 * secret. It is also a Google or Entra ID answer and a service account key: an
 * accepted key has its three fields and an http(s) token_uri, an accepted
 * token is printable ASCII without spaces, an error message one line; an
 * accepted kubeconfig names its server. A PolicyReport holding the alert's
 * result must be strict JSON. Split into NUL-separated
 * strings it is a Lambda functionname (an accepted one gives a name of
 * [A-Za-z0-9_-]{1,64}) and an alert: the SQS, Kinesis and CloudWatch Logs
 * bodies must be strict valid-UTF-8 JSON (the SQS message the alert when
 * it is ASCII, the Kinesis data its base64), and the SNS body only key=value pairs of
 * percent-encoded unreserved characters. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_json.h"
#include "aws_answer.h"
#include "aws_payload.h"
#include "azure_eventhub.h"
#include "gcp_auth.h"
#include "gcp_payload.h"
#include "k8s_client.h"
#include "otlp.h"
#include "policyreport.h"
#include "spl_http.h"
#include "spl_util.h"

#define NSTR 6

static const char *member(json_object *o, const char *name)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string)) {
		abort();
	}
	return json_object_get_string(v);
}

static void check_answer(const uint8_t *data, size_t size)
{
	char code[96], msg[256];
	aws_creds cr = {0};

	aws_error_of((const char *)data, size, code, sizeof(code), msg, sizeof(msg));
	if (strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-") != strlen(code)) {
		abort();
	}
	for (const char *c = msg; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20) {
			abort();
		}
	}
	(void)aws_code_transient(code);
	if (aws_creds_from_json(&cr, (const char *)data, size) == SK_OK &&
	    (cr.key_id[0] == '\0' || cr.secret[0] == '\0')) {
		abort();
	}
	if (aws_creds_from_sts(&cr, (const char *)data, size) == SK_OK && (cr.key_id[0] == '\0' || cr.secret[0] == '\0')) {
		abort();
	}
	aws_creds_clear(&cr);
}

static void check_google(const uint8_t *data, size_t size)
{
	gcp_service_account sa;
	char err[256], msg[300], *token = NULL;
	int64_t expires = 0;

	if (gcp_service_account_parse((const char *)data, size, &sa, err, sizeof(err)) == SK_OK) {
		if (sa.client_email[0] == '\0' || sa.private_key[0] == '\0' ||
		    (strncmp(sa.token_uri, "https://", 8) != 0 && strncmp(sa.token_uri, "http://", 7) != 0)) {
			abort();
		}
		gcp_service_account_free(&sa);
	}
	if (gcp_token_parse((const char *)data, size, &token, &expires) == SK_OK) {
		for (const char *c = token; *c != '\0'; c++) {
			if (*c <= 0x20 || *c >= 0x7f) {
				abort();
			}
		}
		free(token);
	}
	if (azure_token_parse((const char *)data, size, &token, &expires) == SK_OK) {
		for (const char *c = token; *c != '\0'; c++) {
			if (*c <= 0x20 || *c >= 0x7f) {
				abort();
			}
		}
		free(token);
	}
	char server[256];
	if (size < 65536 && k8s_kubeconfig_check((const char *)data, size, server, sizeof(server), err, sizeof(err)) ==
				    SK_OK &&
	    server[0] == '\0') {
		abort(); /* an accepted kubeconfig has a server */
	}
	gcp_error_of((const char *)data, size, msg, sizeof(msg));
	for (const char *c = msg; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20) {
			abort();
		}
	}
}

static void check_otlp(const uint8_t *data, size_t size)
{
	char why[64];
	int64_t rejected = 0;
	if (otlp_json_rejected((const char *)data, size, &rejected, why, sizeof(why)) == SK_OK &&
	    strnlen(why, sizeof(why)) == sizeof(why)) {
		abort();
	}
	if (otlp_pb_rejected(data, size, &rejected, why, sizeof(why)) == SK_OK && strnlen(why, sizeof(why)) == sizeof(why)) {
		abort();
	}
	/* and a gRPC answer's header line */
	int status = -1;
	why[0] = '\0';
	spl_grpc_header((const char *)data, size, &status, why, sizeof(why));
	if (status < -1 || status > 99 || strnlen(why, sizeof(why)) == sizeof(why)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + NSTR);
	const char *s[NSTR];
	sk_strbuf b = SK_STRBUF_INIT;

	if (buf == NULL) {
		return 0;
	}
	check_answer(data, size);
	check_google(data, size);
	check_otlp(data, size);
	fz_split(data, size, buf, s, NSTR);

	aws_lambda_function fn;
	if (aws_lambda_parse(s[0], &fn) &&
	    (fn.name[0] == '\0' || strlen(fn.name) > 64 ||
	     strspn(fn.name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(fn.name))) {
		abort();
	}
	(void)aws_s3_bucket_ok(s[0]);

	const char *names[1] = {s[4]}, *values[1] = {s[5]};
	const char *tags[1] = {s[3]};
	saker_alert a = {
		.uuid = s[2],
		.json = s[1],
		.json_len = strlen(s[1]),
		.rule = s[2],
		.priority = s[3],
		.source = s[4],
		.hostname = s[5],
		.output = s[0],
		.time = "",
		.time_ns = (int64_t)size * 1000003,
		.tags = tags,
		.ntags = 1,
		.field_names = names,
		.field_values = values,
		.nfields = 1,
	};
	bool ascii = fz_is_ascii(s[1]); /* survives the Go-style escaping unchanged */

	if (aws_sqs_body(&b, s[0], &a) == SK_OK) {
		json_object *o = fz_parse_strict(&b);
		if (ascii && strcmp(member(o, "MessageBody"), s[1]) != 0) {
			abort();
		}
		json_object_put(o);
	}
	if (aws_kinesis_body(&b, s[0], &a) == SK_OK) {
		json_object *o = fz_parse_strict(&b);
		sk_strbuf data64 = SK_STRBUF_INIT;
		sk_strbuf_base64(&data64, s[1], strlen(s[1]));
		if (strcmp(member(o, "Data"), sk_strbuf_str(&data64)) != 0) {
			abort();
		}
		sk_strbuf_free(&data64);
		json_object_put(o);
	}
	if (aws_logs_put_body(&b, s[0], s[2], &a) == SK_OK) {
		json_object_put(fz_parse_strict(&b));
	}
	if (aws_logs_create_body(&b, s[0], s[2]) == SK_OK) {
		json_object_put(fz_parse_strict(&b));
	}
	for (int raw = 0; raw < 2; raw++) {
		if (aws_sns_body(&b, s[0], raw == 1, &a) != SK_OK) {
			continue;
		}
		/* key=value pairs, nothing outside the unreserved set but the
		 * separators and escapes */
		const char *body = sk_strbuf_str(&b);
		if (strspn(body, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%&=") != b.len) {
			abort();
		}
		for (const char *pair = body; *pair != '\0';) {
			size_t len = strcspn(pair, "&");
			const char *eq = memchr(pair, '=', len);
			if (eq == NULL || memchr(eq + 1, '=', len - (size_t)(eq + 1 - pair)) != NULL) {
				abort();
			}
			pair += len + (pair[len] == '&');
		}
	}
	const saker_alert *one[1] = {&a};
	const char *const attr_keys[1] = {s[2]}, *const attr_values[1] = {s[3]};
	if (gcp_pubsub_body(&b, one, 1, attr_keys, attr_values, 1) == SK_OK) {
		json_object_put(fz_parse_strict(&b));
	}
	if (gcp_chronicle_body(&b, one, 1, (int64_t)size * 999983) == SK_OK) {
		json_object_put(fz_parse_strict(&b));
	}
	if (azure_eventhub_body(&b, one, 1) == SK_OK) {
		json_object_put(fz_parse_strict(&b));
	}
	if (azure_eventhub_url(&b, s[0], s[2]) == SK_OK && strncmp(b.data, "http", 4) != 0) {
		abort();
	}
	pr_result res;
	char ns[128];
	if (pr_result_new(&a, &res, ns, sizeof(ns)) == SK_OK) {
		pr_report rep = {.api = size % 2 == 0 ? &pr_wgpolicy : &pr_openreports, .name = "falco-policy-report-0"};
		rep.namespace_ = ns[0] != '\0' ? ns : NULL;
		if (pr_object(&b, &rep, rep.n, &res) == SK_OK) {
			json_object_put(fz_parse_strict(&b));
		}
		free(res.json);
	}
	if (gcp_function_body(&b, &a) == SK_OK) {
		json_object *o = fz_parse_strict(&b);
		if (ascii && strcmp(member(o, "data"), s[1]) != 0) {
			abort();
		}
		json_object_put(o);
	}
	if (gcp_function_name_ok(s[0]) && (strncmp(s[0], "projects/", 9) != 0 || strpbrk(s[0], "?#% ") != NULL)) {
		abort();
	}
	if (spl_dated_key(&b, s[0], (int64_t)size * 1000000007) == SK_OK && b.len < 16) {
		abort();
	}
	sk_strbuf_free(&b);
	free(buf);
	return 0;
}
