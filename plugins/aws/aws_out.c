/* aws: Falcosidekick's AWS outputs, one .so per service, this file built
 * with one of:
 *
 *   AWS_SQS             aws.sqs.url: SendMessage (JSON protocol), the Falco
 *                       JSON alert as the message body
 *   AWS_SNS             aws.sns.topicarn: Publish, the output line with the
 *                       rule, priority, source, tags, hostname and output
 *                       fields as message attributes, or (rawjson) the
 *                       Falco JSON alert
 *   AWS_LAMBDA          aws.lambda.functionname: Invoke with the alert,
 *                       invocationtype and logtype as Falcosidekick
 *   AWS_KINESIS         aws.kinesis.streamname: PutRecord, the alert as the
 *                       data, the alert's uuid as the partition key
 *   AWS_CLOUDWATCHLOGS  aws.cloudwatchlogs.loggroup: PutLogEvents into
 *                       logstream, or into "falcosidekick-logstream", which
 *                       it creates, as Falcosidekick
 *   AWS_S3              aws.s3.bucket: PutObject of the alert at
 *                       <prefix>/<YYYY-MM-DD>/<RFC 3339 time>.json with the
 *                       objectcannedacl
 *
 * Region, credentials and signing are aws_client's; every key an
 * aws.<service> section lacks is read from aws (region, accesskeyid, ...). */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_client.h"
#include "aws_payload.h"
#include "saker/output_plugin.h"
#include "spl_util.h"

/* Yandex Cloud's Object Storage and Data Streams speak the S3 and Kinesis
 * APIs: the same code, Falcosidekick's yandex.* sections and defaults. */
#if defined(YANDEX_S3)
#define AWS_S3
#define AWS_YANDEX "https://storage.yandexcloud.net"
#elif defined(YANDEX_DATASTREAMS)
#define AWS_KINESIS
#define AWS_YANDEX "https://yds.serverless.yandexcloud.net"
#endif

#if defined(AWS_YANDEX)
#define AWS_NAME_OF(aws, yandex) yandex
#define AWS_SERVICE_OF(name, id) {name, id, AWS_YANDEX, "ru-central1"}
#else
#define AWS_NAME_OF(aws, yandex) aws
#define AWS_SERVICE_OF(name, id) {name, id, NULL, NULL}
#endif

#if defined(AWS_SQS)
#define AWS_NAME "aws.sqs"
#define AWS_KEY "url"
#define AWS_DESCRIPTION "Amazon SQS queue, the Falco JSON alert as the message"
#define AWS_SERVICE AWS_SERVICE_OF("sqs", "SQS")
#elif defined(AWS_SNS)
#define AWS_NAME "aws.sns"
#define AWS_KEY "topicarn"
#define AWS_DESCRIPTION "Amazon SNS topic, the output line with attributes or the Falco JSON alert"
#define AWS_SERVICE AWS_SERVICE_OF("sns", "SNS")
#elif defined(AWS_LAMBDA)
#define AWS_NAME "aws.lambda"
#define AWS_KEY "functionname"
#define AWS_DESCRIPTION "AWS Lambda function invoked with the Falco JSON alert"
#define AWS_SERVICE AWS_SERVICE_OF("lambda", "LAMBDA")
#elif defined(AWS_KINESIS)
#define AWS_NAME AWS_NAME_OF("aws.kinesis", "yandex.datastreams")
#define AWS_KEY "streamname"
#define AWS_DESCRIPTION AWS_NAME_OF("Amazon Kinesis data stream", "Yandex Data Streams stream") ", the Falco JSON alert as a record"
#define AWS_SERVICE AWS_SERVICE_OF("kinesis", "KINESIS")
#elif defined(AWS_CLOUDWATCHLOGS)
#define AWS_NAME "aws.cloudwatchlogs"
#define AWS_KEY "loggroup"
#define AWS_DESCRIPTION "Amazon CloudWatch Logs group, the Falco JSON alert as a log event"
#define AWS_SERVICE AWS_SERVICE_OF("logs", "CLOUDWATCH_LOGS")
#define AWS_DEFAULT_STREAM "falcosidekick-logstream"
#elif defined(AWS_S3)
#define AWS_NAME AWS_NAME_OF("aws.s3", "yandex.s3")
#define AWS_KEY "bucket"
#define AWS_DESCRIPTION AWS_NAME_OF("Amazon S3", "Yandex Object Storage") " bucket, one object per Falco JSON alert"
#define AWS_SERVICE AWS_SERVICE_OF("s3", "S3")
#else
#error "define one AWS_<SERVICE>"
#endif

typedef struct aws_out {
	aws_client *client;
	char *target; /* the queue URL, topic ARN, function, stream, log group or bucket */
	char *url;    /* where requests go (S3: the bucket's base) */
	sk_strbuf body;
#if defined(AWS_SNS)
	bool rawjson;
#elif defined(AWS_LAMBDA)
	const char *invocation_type;
	const char *log_type;
#elif defined(AWS_CLOUDWATCHLOGS)
	char *stream;
	bool stream_ready; /* the log stream exists (given, or created) */
#elif defined(AWS_S3)
	char *prefix;
	char *acl;
#endif
} aws_out;

static void aws_out_close(void *state)
{
	aws_out *o = state;
	if (o == NULL) {
		return;
	}
	aws_client_free(o->client);
	free(o->target);
	free(o->url);
	sk_strbuf_free(&o->body);
#if defined(AWS_CLOUDWATCHLOGS)
	free(o->stream);
#elif defined(AWS_S3)
	free(o->prefix);
	free(o->acl);
#endif
	free(o);
}

static char *aws_dup_or_null(const char *s, bool *oom)
{
	char *copy = strdup(s);
	*oom = *oom || copy == NULL;
	return copy;
}

#if defined(AWS_LAMBDA)
/* functionname's name and qualifier. The name goes in the path, the
 * qualifier in the query: libcurl 7.88 signs a path's escapes once where
 * Lambda wants them twice, so an ARN's colons cannot be in the path. An
 * ARN's region must be the client's, its account the caller's when the
 * identity was checked. */
static bool aws_lambda_target(const aws_out *o, const saker_plugin_host *host, aws_lambda_function *fn, char *err,
			      size_t errlen)
{
	if (!aws_lambda_parse(o->target, fn)) {
		snprintf(err, errlen,
			 "functionname '%s': want a function name, name:qualifier, or its ARN "
			 "(arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])",
			 o->target);
		return false;
	}
	if (fn->region[0] != '\0' && strcmp(fn->region, aws_client_region(o->client)) != 0) {
		snprintf(err, errlen, "functionname '%s': the function's region is not the client's (%s); set aws.region",
			 o->target, aws_client_region(o->client));
		return false;
	}
	const char *caller = aws_client_account(o->client);
	if (fn->account[0] != '\0' && caller[0] != '\0' && strcmp(fn->account, caller) != 0) {
		snprintf(err, errlen,
			 "functionname '%s': account %s is not the caller's (%s); invoking another account's function "
			 "is not supported",
			 o->target, fn->account, caller);
		return false;
	}
	if (fn->account[0] != '\0' && caller[0] == '\0') {
		host->log(host->ctx, SAKER_LOG_WARNING,
			  "functionname '%s': invoking %s in the caller's account (checkidentity is off, so account %s "
			  "is not checked)",
			  o->target, fn->name, fn->account);
	}
	return true;
}
#endif

/* The request URL of the service, from the target and the endpoint. */
static bool aws_out_url(aws_out *o, const saker_plugin_host *host, char *err, size_t errlen)
{
	bool custom = false, oom = false;
	const char *endpoint = aws_client_endpoint(o->client, &custom);
	sk_strbuf url = SK_STRBUF_INIT;

#if defined(AWS_SQS)
	/* the JSON protocol posts to the root of the queue URL's host */
	(void)host;
	if (strncmp(o->target, "https://", 8) != 0 && strncmp(o->target, "http://", 7) != 0) {
		snprintf(err, errlen, "url '%s': want the queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>)",
			 o->target);
		return false;
	}
	if (custom) {
		sk_strbuf_printf(&url, "%s/", endpoint);
	} else {
		const char *host_start = strstr(o->target, "://") + 3;
		sk_strbuf_append(&url, o->target, (size_t)(host_start - o->target) + strcspn(host_start, "/?#"));
		sk_strbuf_putc(&url, '/');
	}
#elif defined(AWS_LAMBDA)
	aws_lambda_function fn;
	if (!aws_lambda_target(o, host, &fn, err, errlen)) {
		return false;
	}
	sk_strbuf_printf(&url, "%s/2015-03-31/functions/%s/invocations", endpoint, fn.name);
	if (fn.qualifier[0] != '\0') {
		sk_strbuf_puts(&url, "?Qualifier=");
		spl_uri_encode(&url, fn.qualifier, false);
	}
#elif defined(AWS_S3)
	/* path style on a custom endpoint (MinIO, LocalStack), the bucket's own
	 * host on AWS */
	const char *s3_endpoint = host->config_string(host->ctx, "endpoint", "");
	if (s3_endpoint[0] != '\0' || custom) {
		const char *base = s3_endpoint[0] != '\0' ? s3_endpoint : endpoint;
		size_t len = strlen(base);
		while (len > 0 && base[len - 1] == '/') {
			len--;
		}
		sk_strbuf_append(&url, base, len);
		sk_strbuf_putc(&url, '/');
		spl_uri_encode(&url, o->target, false);
	} else {
		sk_strbuf_printf(&url, "https://%s.s3.%s.amazonaws.com", o->target, aws_client_region(o->client));
	}
#else
	(void)host;
	(void)custom;
	sk_strbuf_printf(&url, "%s/", endpoint);
#endif
	if (sk_strbuf_failed(&url)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	o->url = aws_dup_or_null(sk_strbuf_str(&url), &oom);
	sk_strbuf_free(&url);
	if (oom) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static bool aws_out_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	static const aws_service service = AWS_SERVICE;
	aws_out *o = calloc(1, sizeof(*o));
	bool oom = false, ok = false;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	o->target = aws_dup_or_null(host->config_string(host->ctx, AWS_KEY, ""), &oom);
#if defined(AWS_SNS)
	o->rawjson = host->config_bool(host->ctx, "rawjson", false);
#elif defined(AWS_LAMBDA)
	static const char *const invocation_types[] = {"RequestResponse", "Event", "DryRun"};
	static const char *const log_types[] = {"None", "Tail"};
	const char *it = host->config_string(host->ctx, "invocationtype", "RequestResponse");
	const char *lt = host->config_string(host->ctx, "logtype", "Tail");
	for (size_t i = 0; i < 3; i++) {
		o->invocation_type = strcmp(it, invocation_types[i]) == 0 ? invocation_types[i] : o->invocation_type;
	}
	for (size_t i = 0; i < 2; i++) {
		o->log_type = strcmp(lt, log_types[i]) == 0 ? log_types[i] : o->log_type;
	}
	if (o->invocation_type == NULL || o->log_type == NULL) {
		snprintf(err, errlen, "%s '%s': want %s", o->invocation_type == NULL ? "invocationtype" : "logtype",
			 o->invocation_type == NULL ? it : lt,
			 o->invocation_type == NULL ? "RequestResponse, Event or DryRun" : "None or Tail");
		goto cleanup;
	}
#elif defined(AWS_CLOUDWATCHLOGS)
	const char *stream = host->config_string(host->ctx, "logstream", "");
	o->stream_ready = stream[0] != '\0';
	o->stream = aws_dup_or_null(stream[0] != '\0' ? stream : AWS_DEFAULT_STREAM, &oom);
#elif defined(AWS_S3)
	o->prefix = aws_dup_or_null(host->config_string(host->ctx, "prefix", ""), &oom);
	o->acl = aws_dup_or_null(host->config_string(host->ctx, "objectcannedacl", "bucket-owner-full-control"), &oom);
	if (!oom && !aws_s3_bucket_ok(o->target)) {
		snprintf(err, errlen, "bucket '%s': not an S3 bucket name (3 to 63 of a-z, 0-9, '.' and '-')", o->target);
		goto cleanup;
	}
#endif
	if (oom) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	if (aws_client_new(host, &service, &o->client, err, errlen) != SK_OK || !aws_out_url(o, host, err, errlen)) {
		goto cleanup;
	}
	*state = o;
	o = NULL;
	ok = true;
cleanup:
	aws_out_close(o);
	return ok;
}

#if defined(AWS_CLOUDWATCHLOGS)
/* CreateLogStream of the default stream; one that exists already is fine. */
static saker_send_result aws_logs_create_stream(aws_out *o, char *err, size_t errlen)
{
	char code[96];
	if (aws_logs_create_body(&o->body, o->target, o->stream) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	aws_request req = {"POST", o->url, "application/x-amz-json-1.1", "Logs_20140328.CreateLogStream", NULL,
			   sk_strbuf_str(&o->body), o->body.len};
	saker_send_result res = aws_client_send(o->client, &req, code, sizeof(code), err, errlen);
	if (res == SAKER_SEND_OK || strcmp(code, "ResourceAlreadyExistsException") == 0) {
		o->stream_ready = true;
		return SAKER_SEND_OK;
	}
	return res;
}
#endif

#if defined(AWS_S3)
/* hex SHA-256 of the body: S3 checks the signed payload hash */
static bool aws_sha256_hex(const char *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
		return false;
	}
	spl_hex_encode(hex, md, mdlen);
	return true;
}
#endif

static saker_send_result aws_out_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	aws_out *o = state;
	sk_strbuf *b = &o->body;
	sk_err built;

#if defined(AWS_SQS)
	built = aws_sqs_body(b, o->target, alert);
	aws_request req = {"POST", o->url, "application/x-amz-json-1.0", "AmazonSQS.SendMessage", NULL, NULL, 0};
#elif defined(AWS_SNS)
	built = aws_sns_body(b, o->target, o->rawjson, alert);
	aws_request req = {"POST", o->url, "application/x-www-form-urlencoded", NULL, NULL, NULL, 0};
#elif defined(AWS_LAMBDA)
	sk_strbuf_reset(b);
	sk_strbuf_append(b, alert->json, alert->json_len);
	built = sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
	const char *headers[] = {"X-Amz-Invocation-Type", o->invocation_type, "X-Amz-Log-Type", o->log_type, NULL};
	aws_request req = {"POST", o->url, "application/json", NULL, headers, NULL, 0};
#elif defined(AWS_KINESIS)
	built = aws_kinesis_body(b, o->target, alert);
	aws_request req = {"POST", o->url, "application/x-amz-json-1.1", "Kinesis_20131202.PutRecord", NULL, NULL, 0};
#elif defined(AWS_CLOUDWATCHLOGS)
	if (!o->stream_ready) {
		saker_send_result created = aws_logs_create_stream(o, err, errlen);
		if (created != SAKER_SEND_OK) {
			return created;
		}
	}
	built = aws_logs_put_body(b, o->target, o->stream, alert);
	aws_request req = {"POST", o->url, "application/x-amz-json-1.1", "Logs_20140328.PutLogEvents", NULL, NULL, 0};
#elif defined(AWS_S3)
	sk_strbuf key = SK_STRBUF_INIT, url = SK_STRBUF_INIT;
	struct timespec now;
	char sha[65];
	clock_gettime(CLOCK_REALTIME, &now);
	built = spl_dated_key(&key, o->prefix, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
	sk_strbuf_printf(&url, "%s/", o->url);
	spl_uri_encode(&url, sk_strbuf_str(&key), true);
	sk_strbuf_reset(b);
	sk_strbuf_append(b, alert->json, alert->json_len);
	if (built == SK_OK && (sk_strbuf_failed(&url) || sk_strbuf_failed(b) || !aws_sha256_hex(alert->json,
													 alert->json_len, sha))) {
		built = SK_ENOMEM;
	}
	const char *headers[] = {"x-amz-content-sha256", sha, o->acl[0] != '\0' ? "x-amz-acl" : NULL, o->acl, NULL};
	aws_request req = {"PUT", sk_strbuf_str(&url), "application/json", NULL, headers, NULL, 0};
#endif
	saker_send_result res = SAKER_SEND_RETRY;
	if (built != SK_OK) {
		snprintf(err, errlen, "out of memory");
	} else {
		req.body = sk_strbuf_str(b);
		req.len = b->len;
		res = aws_client_send(o->client, &req, NULL, 0, err, errlen);
	}
#if defined(AWS_S3)
	sk_strbuf_free(&key);
	sk_strbuf_free(&url);
#endif
	return res;
}

static const saker_output_plugin aws_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = AWS_NAME,
	.description = AWS_DESCRIPTION,
	.required_key = AWS_KEY,
	.max_batch = 1,
	.init = aws_out_init,
	.send = aws_out_send,
	.send_batch = NULL,
	.close = aws_out_close,
};

SPL_PLUGIN_ENTRY(aws_plugin)
