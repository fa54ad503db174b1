/* aws.sqs, aws.sns, aws.lambda, aws.kinesis, aws.cloudwatchlogs and aws.s3
 * against loopback receivers standing in for AWS's endpoints (the AWS
 * SDKs' AWS_ENDPOINT_URL), every request's Signature Version 4 checked by
 * botocore (aws_sigcheck.py, Debian's python3-botocore: the AWS SDK's own
 * signer, not libcurl's). Checks each service's request as its API wants
 * it, the outcomes of AWS's error answers (JSON and XML), the identity
 * check, and the credential sources: keys in the config, the environment
 * with a session token, the container credentials endpoint (renewed before
 * they expire), web identity (IRSA), aws.rolearn through STS and the EC2
 * instance metadata (IMDSv2, which also gives the region). */
#define _GNU_SOURCE
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

#define PYTHON "/usr/bin/python3" /* Debian's, where python3-botocore lives */
#define SIGCHECK "tests/plugins/aws_sigcheck.py"
#define KEY_ID "AKIDSAKERTEST0001"
#define SECRET "s3cr3t/Key+for=tests"
#define REGION "eu-west-3"

static char endpoint[64];

/* Checks r's signature with botocore for key/secret/service (token may be
 * NULL); prints botocore's reason on failure. */
static bool sig_ok_region(const hp_request *r, const char *key, const char *secret, const char *region,
			  const char *service, const char *token)
{
	char path[] = "/tmp/saker-aws-req-XXXXXX", cmd[1024], out[4096] = "";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		return false;
	}
	fprintf(f, "%s\n%s\n%s\n", r->method, r->raw_url, r->headers);
	fwrite(r->body != NULL ? r->body : "", 1, r->body_len, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s %s %s '%s' '%s' %s %s %s 2>&1", PYTHON, SIGCHECK, path, key, secret, region,
		 service, token != NULL ? token : "");
	FILE *p = popen(cmd, "r");
	size_t n = p != NULL ? fread(out, 1, sizeof(out) - 1, p) : 0;
	int rc = p != NULL ? pclose(p) : -1;
	out[n] = '\0';
	unlink(path);
	if (rc != 0 || strcmp(out, "ok\n") != 0) {
		fprintf(stderr, "signature of %s %s (%s): %s\n", r->method, r->raw_url, service, out);
		return false;
	}
	return true;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* sig_ok_region() for the test's region. */
static bool sig_ok(const hp_request *r, const char *key, const char *secret, const char *service, const char *token)
{
	return sig_ok_region(r, key, secret, REGION, service, token);
}

/* The string member name of a JSON body ("" when absent). */
static const char *json_member(json_object *root, const char *name)
{
	json_object *v = NULL;
	return root != NULL && json_object_object_get_ex(root, name, &v) ? json_object_get_string(v) : "";
}

/* Opens plugin name with the shared keys plus extra (NULL-terminated
 * pairs, at most 16 strings); the identity check goes to the peer too. */
static bool open_aws(ph_plugin *p, const char *name, const char *const *extra)
{
	static const char *config[40];
	size_t n = 0;
	const char *const shared[] = {"region", REGION, "accesskeyid", KEY_ID, "secretaccesskey", SECRET, NULL};
	for (size_t i = 0; shared[i] != NULL; i++) {
		config[n++] = shared[i];
	}
	for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 38; i++) {
		config[n++] = extra[i];
	}
	config[n] = NULL;
	memset(p, 0, sizeof(*p));
	return ph_open(p, name, config);
}

/* Sends alert seq through an opened plugin and returns the request it
 * made (the last one the peer got), signature checked for service. */
static const hp_request *send_one(ph_plugin *p, hp_peer *peer, ph_alert *a, int seq, const char *service)
{
	size_t before = hp_count(peer);
	ph_alert_make(a, seq);
	SK_CHECK_INT(ph_send(p, &a->a), SAKER_SEND_OK);
	if (hp_count(peer) <= before) {
		SK_CHECK(!"a request");
		return NULL;
	}
	const hp_request *r = hp_get(peer, hp_count(peer) - 1);
	SK_CHECK(sig_ok(r, KEY_ID, SECRET, service, NULL));
	return r;
}

/* A receiver standing in for every AWS endpoint (AWS_ENDPOINT_URL), and
 * none of the machine's own AWS settings; NULL (a failed check) when it
 * did not start. */
static hp_peer *start_endpoint(void)
{
	hp_peer *peer = NULL;
	if (hp_start(&peer, 200, 0) != SK_OK) {
		SK_CHECK(!"a loopback receiver");
		return NULL;
	}
	snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", hp_port(peer));
	setenv("AWS_ENDPOINT_URL", endpoint, 1);
	/* nothing of the machine's own AWS setup */
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	return peer;
}

SK_TEST(sqs_sends_the_alert_as_the_message_body)
{
	hp_peer *peer = start_endpoint();
	ph_plugin p;
	ph_alert a;
	char url[128];

	if (peer == NULL) {
		return;
	}
	snprintf(url, sizeof(url), "%s/123456789012/falco-alerts", endpoint);
	const char *const cfg[] = {"url", url, NULL};
	SK_CHECK(open_aws(&p, "aws.sqs", cfg));
	/* checkidentity (the default): GetCallerIdentity, signed for sts */
	SK_CHECK_INT(hp_count(peer), 1);
	const hp_request *r = hp_get(peer, 0);
	if (r != NULL) {
		SK_CHECK_STR(r->raw_url, "/");
		SK_CHECK_STR(r->body, "Action=GetCallerIdentity&Version=2011-06-15");
		SK_CHECK(sig_ok(r, KEY_ID, SECRET, "sts", NULL));
	}
	r = send_one(&p, peer, &a, 0, "sqs");
	if (r != NULL) {
		SK_CHECK_STR(r->raw_url, "/");
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Target: AmazonSQS.SendMessage\n");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/x-amz-json-1.0\n");
		json_object *body = json_tokener_parse(r->body);
		SK_CHECK_STR(json_member(body, "QueueUrl"), url);
		SK_CHECK_STR(json_member(body, "MessageBody"), a.json);
		json_object_put(body);
	}
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(sns_publishes_the_output_with_attributes_or_the_raw_json)
{
	hp_peer *peer = start_endpoint();
	ph_plugin p;
	ph_alert a;
	static const char arn[] = "arn:aws:sns:eu-west-3:123456789012:falco";

	if (peer == NULL) {
		return;
	}
	const char *const cfg[] = {"topicarn", arn, "checkidentity", "false", NULL};
	SK_CHECK(open_aws(&p, "aws.sns", cfg));
	SK_CHECK_INT(hp_count(peer), 0); /* no identity check */
	const hp_request *r = send_one(&p, peer, &a, 0, "sns");
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/x-www-form-urlencoded\n");
		/* the output line, then Falcosidekick's attributes in order; the
		 * output fields that are strings ("proc.cmdline" etc.) */
		SK_CHECK(starts_with(r->body,
				     "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aeu-west-3%3A123456789012%3A"
				     "falco&Message=22%3A00%3A00.000000789%3A%20Warning%20A%20shell%20was%20spawned"));
		SK_CHECK_CONTAINS(r->body, "&MessageAttributes.entry.1.Name=priority"
					   "&MessageAttributes.entry.1.Value.DataType=String"
					   "&MessageAttributes.entry.1.Value.StringValue=Warning"
					   "&MessageAttributes.entry.2.Name=rule");
		SK_CHECK_CONTAINS(r->body, "&MessageAttributes.entry.4.Name=tags"
					   "&MessageAttributes.entry.4.Value.DataType=String"
					   "&MessageAttributes.entry.4.Value.StringValue=container%2Cshell"
					   "&MessageAttributes.entry.5.Name=hostname");
		SK_CHECK_CONTAINS(r->body, "&MessageAttributes.entry.6.Name=container.id"
					   "&MessageAttributes.entry.6.Value.DataType=String"
					   "&MessageAttributes.entry.6.Value.StringValue=abc123");
		SK_CHECK_CONTAINS(r->body, "&MessageAttributes.entry.8.Name=user.name");
		SK_CHECK(strstr(r->body, "entry.9.") == NULL);
	}
	ph_unload(&p);

	const char *const raw[] = {"topicarn", arn, "checkidentity", "false", "rawjson", "true", NULL};
	SK_CHECK(open_aws(&p, "aws.sns", raw));
	r = send_one(&p, peer, &a, 1, "sns");
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->body, "&Message=%7B%22uuid%22");
		SK_CHECK(strstr(r->body, "MessageAttributes") == NULL);
	}
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(lambda_invokes_the_function_by_name_or_arn)
{
	hp_peer *peer = start_endpoint();
	ph_plugin p;
	ph_alert a;

	if (peer == NULL) {
		return;
	}
	const char *const cfg[] = {"functionname", "falco-response", "checkidentity", "false", NULL};
	SK_CHECK(open_aws(&p, "aws.lambda", cfg));
	const hp_request *r = send_one(&p, peer, &a, 0, "lambda");
	if (r != NULL) {
		SK_CHECK_STR(r->raw_url, "/2015-03-31/functions/falco-response/invocations");
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Invocation-Type: RequestResponse\n");
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Log-Type: Tail\n");
		SK_CHECK_STR(r->body, a.json);
	}
	ph_unload(&p);

	/* an ARN with a qualifier: the name in the path, the qualifier in the
	 * query, the account checked against the caller's */
	static const char arn_name[] = "arn:aws:lambda:eu-west-3:123456789012:function:falco-response:$LATEST";
	hp_set_reply_body(peer, "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:"
				"user/falco</Arn><UserId>AIDA</UserId><Account>123456789012</Account>"
				"</GetCallerIdentityResult></GetCallerIdentityResponse>");
	const char *const arn[] = {"functionname", arn_name, "invocationtype", "Event", "logtype", "None", NULL};
	SK_CHECK(open_aws(&p, "aws.lambda", arn));
	r = send_one(&p, peer, &a, 1, "lambda");
	if (r != NULL) {
		SK_CHECK_STR(r->raw_url, "/2015-03-31/functions/falco-response/invocations?Qualifier=%24LATEST");
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Invocation-Type: Event\n");
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Log-Type: None\n");
	}
	ph_unload(&p);
	const char *const other_account[] = {"functionname", "999999999999:function:f", NULL};
	SK_CHECK(!open_aws(&p, "aws.lambda", other_account));
	SK_CHECK_CONTAINS(p.err, "account 999999999999 is not the caller's (123456789012)");
	ph_unload(&p);
	const char *const other_region[] = {"functionname", "arn:aws:lambda:us-east-1:123456789012:function:f",
					    "checkidentity", "false", NULL};
	SK_CHECK(!open_aws(&p, "aws.lambda", other_region));
	SK_CHECK_CONTAINS(p.err, "the function's region is not the client's (eu-west-3)");
	ph_unload(&p);
	const char *const not_a_name[] = {"functionname", "a/b", "checkidentity", "false", NULL};
	SK_CHECK(!open_aws(&p, "aws.lambda", not_a_name));
	SK_CHECK_CONTAINS(p.err, "functionname 'a/b': want a function name, name:qualifier, or its ARN");
	ph_unload(&p);

	const char *const bad[] = {"functionname", "f", "invocationtype", "Async", "checkidentity", "false", NULL};
	SK_CHECK(!open_aws(&p, "aws.lambda", bad));
	SK_CHECK_CONTAINS(p.err, "invocationtype 'Async': want RequestResponse, Event or DryRun");
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(kinesis_puts_the_alert_as_a_record_keyed_by_its_uuid)
{
	hp_peer *peer = start_endpoint();
	ph_plugin p;
	ph_alert a;

	if (peer == NULL) {
		return;
	}
	const char *const cfg[] = {"streamname", "falco-stream", "checkidentity", "false", NULL};
	SK_CHECK(open_aws(&p, "aws.kinesis", cfg));
	const hp_request *r = send_one(&p, peer, &a, 0, "kinesis");
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Target: Kinesis_20131202.PutRecord\n");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/x-amz-json-1.1\n");
		json_object *body = json_tokener_parse(r->body);
		SK_CHECK_STR(json_member(body, "StreamName"), "falco-stream");
		SK_CHECK_STR(json_member(body, "PartitionKey"), a.uuid);
		/* Data: the alert in base64, decoded here by a separate tool */
		char cmd[4096], out[2048] = "";
		snprintf(cmd, sizeof(cmd), "printf '%%s' '%s' | base64 -d", json_member(body, "Data"));
		FILE *pipe = popen(cmd, "r");
		size_t n = pipe != NULL ? fread(out, 1, sizeof(out) - 1, pipe) : 0;
		if (pipe != NULL) {
			pclose(pipe);
		}
		out[n] = '\0';
		SK_CHECK_STR(out, a.json);
		json_object_put(body);
	}
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(cloudwatchlogs_creates_its_stream_once_then_puts_events)
{
	hp_peer *peer = start_endpoint();
	ph_plugin p;
	ph_alert a;

	if (peer == NULL) {
		return;
	}
	const char *const cfg[] = {"loggroup", "/falco/alerts", "checkidentity", "false", NULL};
	SK_CHECK(open_aws(&p, "aws.cloudwatchlogs", cfg));
	/* the stream exists already: fine, but the put is refused here */
	hp_set_reply(peer, 400, 0);
	hp_set_reply_body(peer, "{\"__type\":\"ResourceAlreadyExistsException\",\"message\":\"exists\"}");
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_INT(hp_count(peer), 2);
	const hp_request *r = hp_get(peer, 0);
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Target: Logs_20140328.CreateLogStream\n");
		SK_CHECK_STR(r->body, "{\"logGroupName\":\"/falco/alerts\",\"logStreamName\":\"falcosidekick-logstream\"}");
		SK_CHECK(sig_ok(r, KEY_ID, SECRET, "logs", NULL));
	}
	hp_set_reply(peer, 200, 0);
	hp_set_reply_body(peer, "{\"nextSequenceToken\":\"1\"}");
	r = send_one(&p, peer, &a, 1, "logs");
	SK_CHECK_INT(hp_count(peer), 3); /* not created again */
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Target: Logs_20140328.PutLogEvents\n");
		json_object *body = json_tokener_parse(r->body), *events = NULL, *ev = NULL, *ts = NULL;
		SK_CHECK_STR(json_member(body, "logGroupName"), "/falco/alerts");
		SK_CHECK_STR(json_member(body, "logStreamName"), "falcosidekick-logstream");
		SK_CHECK(json_object_object_get_ex(body, "logEvents", &events) && json_object_array_length(events) == 1);
		ev = events != NULL ? json_object_array_get_idx(events, 0) : NULL;
		SK_CHECK_STR(json_member(ev, "message"), a.json);
		SK_CHECK(ev != NULL && json_object_object_get_ex(ev, "timestamp", &ts) &&
			 json_object_get_int64(ts) == a.a.time_ns / 1000000);
		json_object_put(body);
	}
	ph_unload(&p);

	/* a stream given: used as it is, never created */
	const char *const given[] = {"loggroup", "g", "logstream", "node-1", "checkidentity", "false", NULL};
	SK_CHECK(open_aws(&p, "aws.cloudwatchlogs", given));
	r = send_one(&p, peer, &a, 2, "logs");
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Target: Logs_20140328.PutLogEvents\n");
		SK_CHECK_CONTAINS(r->body, "\"logStreamName\":\"node-1\"");
	}
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(s3_puts_one_object_per_alert_under_prefix_and_date)
{
	hp_peer *peer = start_endpoint();
	ph_plugin p;
	ph_alert a;
	char want[64];
	time_t now = time(NULL);
	struct tm day;

	if (peer == NULL) {
		return;
	}
	const char *const cfg[] = {"bucket", "falco-audit", "prefix", "alerts", "checkidentity", "false", NULL};
	SK_CHECK(open_aws(&p, "aws.s3", cfg));
	const hp_request *r = send_one(&p, peer, &a, 0, "s3");
	if (r != NULL) {
		SK_CHECK_STR(r->method, "PUT");
		gmtime_r(&now, &day);
		strftime(want, sizeof(want), "/falco-audit/alerts/%Y-%m-%d/%Y-%m-%dT", &day);
		SK_CHECK(starts_with(r->raw_url, want));
		SK_CHECK(strstr(r->raw_url, "%3A") != NULL && strcmp(r->raw_url + strlen(r->raw_url) - 6, "Z.json") == 0);
		SK_CHECK_CONTAINS(r->headers, "x-amz-acl: bucket-owner-full-control\n");
		SK_CHECK_CONTAINS(r->headers, "x-amz-content-sha256: ");
		SK_CHECK_STR(r->body, a.json);
	}
	ph_unload(&p);

	/* s3.endpoint (MinIO and the like), no prefix, no ACL */
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1", 1); /* not used: s3.endpoint wins */
	const char *const minio[] = {"bucket", "bkt", "endpoint", endpoint, "objectcannedacl", "", "checkidentity", "false",
				     NULL};
	SK_CHECK(open_aws(&p, "aws.s3", minio));
	r = send_one(&p, peer, &a, 1, "s3");
	if (r != NULL) {
		strftime(want, sizeof(want), "/bkt/%Y-%m-%d/", &day);
		SK_CHECK(starts_with(r->raw_url, want));
		SK_CHECK(strstr(r->headers, "x-amz-acl") == NULL);
	}
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(aws_error_codes_decide_retry_or_fail)
{
	hp_peer *peer = start_endpoint();
	ph_plugin p;
	ph_alert a;
	static const struct {
		int status;
		const char *body;
		saker_send_result want;
		const char *err;
	} cases[] = {
		{400, "{\"__type\":\"com.amazonaws.kinesis#ProvisionedThroughputExceededException\",\"message\":\"Rate "
		      "exceeded\"}",
		 SAKER_SEND_RETRY, "HTTP 400 ProvisionedThroughputExceededException: Rate exceeded"},
		{400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Stream falco-stream not found\"}",
		 SAKER_SEND_FAIL, "HTTP 400 ResourceNotFoundException: Stream falco-stream not found"},
		{400, "{\"__type\":\"ExpiredTokenException\",\"message\":\"expired\"}", SAKER_SEND_RETRY,
		 "ExpiredTokenException"},
		{403,
		 "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message>"
		 "</Error></ErrorResponse>",
		 SAKER_SEND_FAIL, "HTTP 403 AccessDenied: not allowed"},
		{400, "<?xml version=\"1.0\"?><ErrorResponse><Error><Code>Throttling</Code><Message>Rate</Message></Error>"
		      "</ErrorResponse>",
		 SAKER_SEND_RETRY, "HTTP 400 Throttling: Rate"},
		{503, "", SAKER_SEND_RETRY, "HTTP 503"},
		{404, "not json, not xml", SAKER_SEND_FAIL, "HTTP 404"},
	};

	if (peer == NULL) {
		return;
	}
	const char *const cfg[] = {"streamname", "falco-stream", "checkidentity", "false", NULL};
	SK_CHECK(open_aws(&p, "aws.kinesis", cfg));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hp_set_reply(peer, cases[i].status, 0);
		hp_set_reply_body(peer, cases[i].body);
		ph_alert_make(&a, (int)i);
		SK_CHECK_INT(ph_send(&p, &a.a), cases[i].want);
		SK_CHECK_CONTAINS(p.err, cases[i].err);
	}
	ph_unload(&p);

	/* the identity check refused: the output does not start */
	hp_set_reply(peer, 403, 0);
	hp_set_reply_body(peer, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token "
				"included in the request is invalid.</Message></Error></ErrorResponse>");
	const char *const check[] = {"streamname", "falco-stream", NULL};
	SK_CHECK(!open_aws(&p, "aws.kinesis", check));
	SK_CHECK_CONTAINS(p.err, "STS GetCallerIdentity: HTTP 403 InvalidClientTokenId: The security token included");
	SK_CHECK(strstr(p.err, SECRET) == NULL);
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(credentials_from_env_container_web_identity_and_role)
{
	hp_peer *peer = start_endpoint();
	hp_peer *creds = NULL;
	ph_plugin p;
	ph_alert a;
	char url[128], answer[1024], expires[32], token_file[] = "/tmp/saker-aws-token-XXXXXX";
	const char *const stream[] = {"streamname", "s", "checkidentity", "false", NULL};
	static const char *const no_keys[] = {"region", REGION, "streamname", "s", "checkidentity", "false", NULL};
	static const char *const no_keys_checked[] = {"region", REGION, "streamname", "s", NULL};

	SK_CHECK(peer != NULL && hp_start(&creds, 200, 0) == SK_OK);
	if (peer == NULL || creds == NULL) {
		hp_stop(peer);
		return;
	}
	(void)stream;

	/* the environment's keys and session token */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "aws.kinesis", no_keys));
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK(hp_count(peer) == 1 && sig_ok(hp_get(peer, 0), "AKIDENV", "envsecret", "kinesis", "envtoken"));
	ph_unload(&p);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");

	/* the container endpoint (EKS Pod Identity): its token sent; keys
	 * given for 4 s are renewed halfway, after 2 s */
	time_t soon = time(NULL) + 4;
	struct tm tm;
	gmtime_r(&soon, &tm);
	strftime(expires, sizeof(expires), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(answer, sizeof(answer),
		 "{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"containersecret\",\"Token\":\"ctoken\","
		 "\"Expiration\":\"%s\"}",
		 expires);
	hp_set_reply_body(creds, answer);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/credentials", hp_port(creds));
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "pod-identity-token", 1);
	size_t before = hp_count(peer);
	SK_CHECK(ph_open(&p, "aws.kinesis", no_keys_checked));
	SK_CHECK_INT(hp_count(creds), 1);
	SK_CHECK(hp_count(creds) > 0 && strstr(hp_get(creds, 0)->headers, "Authorization: pod-identity-token\n"));
	SK_CHECK(hp_count(peer) == before + 1 &&
		 sig_ok(hp_get(peer, before), "ASIACONTAINER", "containersecret", "sts", "ctoken"));
	ph_alert_make(&a, 1);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(creds), 1);
	sleep(3); /* halfway of 4 s, past any second boundary */
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(creds), 2); /* renewed halfway */
	SK_CHECK(sig_ok(hp_get(peer, hp_count(peer) - 1), "ASIACONTAINER", "containersecret", "kinesis", "ctoken"));
	ph_unload(&p);
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");

	/* web identity (EKS IRSA): AssumeRoleWithWebIdentity, unsigned, with
	 * the token file's JWT */
	int fd = mkstemp(token_file);
	SK_CHECK(fd >= 0 && write(fd, "eyJhbGciOi.jwt.sig\n", 19) == 19);
	if (fd >= 0) {
		close(fd);
	}
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file, 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/falco", 1);
	setenv("AWS_ENDPOINT_URL_STS", url, 1); /* the creds peer plays STS */
	hp_set_reply_body(creds, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
				 "<AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>websecret</SecretAccessKey>"
				 "<SessionToken>webtoken</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
				 "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>");
	before = hp_count(creds);
	SK_CHECK(ph_open(&p, "aws.kinesis", no_keys));
	SK_CHECK_INT(hp_count(creds), before + 1);
	const hp_request *r = hp_get(creds, before);
	if (r != NULL) {
		SK_CHECK(starts_with(r->body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam"
					      "%3A%3A123456789012%3Arole%2Ffalco&RoleSessionName=saker-"));
		SK_CHECK_CONTAINS(r->body, "&WebIdentityToken=eyJhbGciOi.jwt.sig");
		SK_CHECK(strstr(r->headers, "Authorization") == NULL);
	}
	ph_alert_make(&a, 2);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(creds), before + 1); /* good until 2099 */
	SK_CHECK(sig_ok(hp_get(peer, hp_count(peer) - 1), "ASIAWEB", "websecret", "kinesis", "webtoken"));
	ph_unload(&p);
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");
	unlink(token_file);

	/* aws.rolearn: AssumeRole signed with the configured keys */
	hp_set_reply_body(creds, "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>"
				 "<SecretAccessKey>rolesecret</SecretAccessKey><SessionToken>roletoken</SessionToken>"
				 "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>"
				 "</AssumeRoleResponse>");
	const char *const role[] = {"streamname", "s", "rolearn", "arn:aws:iam::123456789012:role/x", "externalid",
				    "ext-1", NULL};
	before = hp_count(creds);
	SK_CHECK(open_aws(&p, "aws.kinesis", role));
	SK_CHECK_INT(hp_count(creds), before + 2); /* AssumeRole, then GetCallerIdentity as the role */
	r = hp_get(creds, before);
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->body, "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012"
					   "%3Arole%2Fx&RoleSessionName=saker-");
		SK_CHECK_CONTAINS(r->body, "&ExternalId=ext-1");
		SK_CHECK(sig_ok(r, KEY_ID, SECRET, "sts", NULL));
		SK_CHECK(sig_ok(hp_get(creds, before + 1), "ASIAROLE", "rolesecret", "sts", "roletoken"));
	}
	ph_alert_make(&a, 3);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK(sig_ok(hp_get(peer, hp_count(peer) - 1), "ASIAROLE", "rolesecret", "kinesis", "roletoken"));
	ph_unload(&p);
	unsetenv("AWS_ENDPOINT_URL_STS");

	/* nothing at all: one line naming every source tried */
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "aws.kinesis", no_keys));
	SK_CHECK_CONTAINS(p.err, "no AWS credentials: neither aws.accesskeyid, AWS_ACCESS_KEY_ID, "
				 "AWS_WEB_IDENTITY_TOKEN_FILE nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set, and the EC2 "
				 "instance metadata: disabled by AWS_EC2_METADATA_DISABLED");
	ph_unload(&p);
	static const char *const no_region[] = {"streamname", "s", "accesskeyid", "a", "secretaccesskey", "b", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "aws.kinesis", no_region));
	SK_CHECK_CONTAINS(p.err, "region: not set (aws.region, AWS_REGION or AWS_DEFAULT_REGION), and the EC2 instance "
				 "metadata: disabled by AWS_EC2_METADATA_DISABLED");
	ph_unload(&p);
	hp_stop(creds);
	hp_stop(peer);
}

/* Yandex Cloud: the same APIs at Yandex's endpoints (the endpoint key
 * here), signed for ru-central1, and no STS to check the identity with. */
SK_TEST(yandex_s3_and_datastreams)
{
	hp_peer *peer = start_endpoint();
	ph_plugin p = {0};
	ph_alert a;

	if (peer == NULL) {
		return;
	}
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1", 1); /* AWS's variables do not apply */
	const char *const s3[] = {"accesskeyid", KEY_ID, "secretaccesskey", SECRET, "bucket", "falco", "prefix", "alerts",
				  "endpoint", endpoint, NULL};
	SK_CHECK(ph_open(&p, "yandex.s3", s3));
	SK_CHECK_INT(hp_count(peer), 0);
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	const hp_request *r = hp_count(peer) == 1 ? hp_get(peer, 0) : NULL;
	SK_CHECK(r != NULL);
	if (r != NULL) {
		SK_CHECK_STR(r->method, "PUT");
		SK_CHECK(starts_with(r->raw_url, "/falco/alerts/20"));
		SK_CHECK_CONTAINS(r->headers, "/ru-central1/s3/aws4_request");
		SK_CHECK(sig_ok_region(r, KEY_ID, SECRET, "ru-central1", "s3", NULL));
	}
	ph_unload(&p);
	const char *const yds[] = {"accesskeyid", KEY_ID, "secretaccesskey", SECRET, "streamname",
				   "/ru-central1/b1g/etn/falco", "endpoint", endpoint, NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "yandex.datastreams", yds));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	r = hp_count(peer) == 2 ? hp_get(peer, 1) : NULL;
	SK_CHECK(r != NULL);
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->headers, "X-Amz-Target: Kinesis_20131202.PutRecord\n");
		SK_CHECK_CONTAINS(r->body, "\"StreamName\":\"/ru-central1/b1g/etn/falco\"");
		SK_CHECK(sig_ok_region(r, KEY_ID, SECRET, "ru-central1", "kinesis", NULL));
	}
	ph_unload(&p);
	hp_stop(peer);
}

/* An EC2 node: region and instance-profile credentials from IMDSv2 (a
 * session token first, sent with every read). */
SK_TEST(region_and_credentials_from_the_instance_metadata)
{
	hp_peer *peer = start_endpoint(), *imds = NULL;
	ph_plugin p = {0};
	ph_alert a;
	char url[64];
	static const char *const cfg[] = {"streamname", "s", "checkidentity", "false", NULL};

	if (peer == NULL || hp_start(&imds, 404, 0) != SK_OK) {
		SK_CHECK(!"receivers");
		hp_stop(peer);
		return;
	}
	hp_route(imds, "/latest/api/token", 200, "imds-session-token");
	hp_route(imds, "/latest/meta-data/placement/region", 200, REGION);
	hp_route(imds, "/latest/meta-data/iam/security-credentials/falco-node", 200,
		 "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"imdssecret\","
		 "\"Token\":\"imdstoken\",\"Expiration\":\"2099-01-01T00:00:00Z\"}");
	hp_route(imds, "/latest/meta-data/iam/security-credentials/", 200, "falco-node\n");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", hp_port(imds));
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	SK_CHECK(ph_open(&p, "aws.kinesis", cfg));
	SK_CHECK_INT(hp_count(imds), 6);
	for (size_t i = 0; i < hp_count(imds); i++) {
		const hp_request *r = hp_get(imds, i);
		if (i % 2 == 0) {
			SK_CHECK_STR(r->method, "PUT");
			SK_CHECK_CONTAINS(r->headers, "X-aws-ec2-metadata-token-ttl-seconds: 21600\n");
		} else {
			SK_CHECK_STR(r->method, "GET");
			SK_CHECK_CONTAINS(r->headers, "X-aws-ec2-metadata-token: imds-session-token\n");
		}
	}
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK(hp_count(peer) == 1 && sig_ok(hp_get(peer, 0), "ASIAIMDS", "imdssecret", "kinesis", "imdstoken"));
	ph_unload(&p);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	hp_stop(imds);
	hp_stop(peer);
}

SK_TEST_MAIN()
