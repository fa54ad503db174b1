/* aws_payload: each AWS request body byte for byte, SNS's attribute rules,
 * bucket names and the forms of a Lambda function name. */
#include "aws_payload.h"

#include <string.h>

#include "sk_test.h"

/* An alert with fields of every JSON type, for SNS's attributes. */
static saker_alert sns_alert(const char *json, const char *const *names, const char *const *values, size_t n)
{
	static const char *const tags[] = {"T1059", "shell"};
	saker_alert a = {
		.uuid = "u-1",
		.json = json,
		.json_len = strlen(json),
		.rule = "Shell in container",
		.priority = "Critical",
		.priority_num = SAKER_PRIORITY_CRITICAL,
		.source = "syscall",
		.hostname = "",
		.output = "12:00:00.000000001: Critical shell & more",
		.time = "2026-12-01T12:00:00.000000001Z",
		.time_ns = 1796126400000000001LL,
		.tags = tags,
		.ntags = 2,
		.field_names = names,
		.field_values = values,
		.nfields = n,
	};
	return a;
}

SK_TEST(sns_attributes_follow_falcosidekick_and_sns_rules)
{
	static const char json[] = "{\"output_fields\":{\"evt.num\":42,\"fd.port\":8.5,\"is.ok\":true,\"list\":[1],"
				   "\"proc.aname[2]\":\"bash\",\"AWS.secret\":\"x\",\"empty\":\"\",\"nul\":null,"
				   "\"user.name\":\"root\"}}";
	/* sorted by name, as the sidekick hands them */
	static const char *const names[] = {"AWS.secret", "empty", "evt.num", "fd.port", "is.ok",
					    "list",	  "nul",   "proc.aname[2]", "user.name"};
	static const char *const values[] = {"x", "", "42", "8.5", "true", "[1]", "<NA>", "bash", "root"};
	saker_alert a = sns_alert(json, names, values, 9);
	sk_strbuf b = SK_STRBUF_INIT;

	SK_CHECK_INT(aws_sns_body(&b, "arn:aws:sns:eu-west-3:1:t", false, &a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b),
		     "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aeu-west-3%3A1%3At"
		     "&Message=12%3A00%3A00.000000001%3A%20Critical%20shell%20%26%20more"
		     "&MessageAttributes.entry.1.Name=priority&MessageAttributes.entry.1.Value.DataType=String"
		     "&MessageAttributes.entry.1.Value.StringValue=Critical"
		     "&MessageAttributes.entry.2.Name=rule&MessageAttributes.entry.2.Value.DataType=String"
		     "&MessageAttributes.entry.2.Value.StringValue=Shell%20in%20container"
		     "&MessageAttributes.entry.3.Name=source&MessageAttributes.entry.3.Value.DataType=String"
		     "&MessageAttributes.entry.3.Value.StringValue=syscall"
		     "&MessageAttributes.entry.4.Name=tags&MessageAttributes.entry.4.Value.DataType=String"
		     "&MessageAttributes.entry.4.Value.StringValue=T1059%2Cshell"
		     /* no hostname (empty), AWS.* refused by SNS, "" refused, bool, list, null skipped */
		     "&MessageAttributes.entry.5.Name=evt.num&MessageAttributes.entry.5.Value.DataType=Number"
		     "&MessageAttributes.entry.5.Value.StringValue=42"
		     "&MessageAttributes.entry.6.Name=fd.port&MessageAttributes.entry.6.Value.DataType=Number"
		     "&MessageAttributes.entry.6.Value.StringValue=8.5"
		     "&MessageAttributes.entry.7.Name=proc.aname.2&MessageAttributes.entry.7.Value.DataType=String"
		     "&MessageAttributes.entry.7.Value.StringValue=bash"
		     "&MessageAttributes.entry.8.Name=user.name&MessageAttributes.entry.8.Value.DataType=String"
		     "&MessageAttributes.entry.8.Value.StringValue=root");

	SK_CHECK_INT(aws_sns_body(&b, "t", true, &a), SK_OK);
	static const char raw[] = "Action=Publish&Version=2010-03-31&TopicArn=t&Message=%7B%22output_fields%22";
	SK_CHECK(strncmp(sk_strbuf_str(&b), raw, sizeof(raw) - 1) == 0);
	SK_CHECK(strstr(sk_strbuf_str(&b), "MessageAttributes") == NULL);
	sk_strbuf_free(&b);
}

SK_TEST(sns_stops_at_ten_attributes)
{
	static const char json[] = "{\"output_fields\":{\"a1\":\"1\",\"a2\":\"2\",\"a3\":\"3\",\"a4\":\"4\",\"a5\":\"5\","
				   "\"a6\":\"6\",\"a7\":\"7\"}}";
	static const char *const names[] = {"a1", "a2", "a3", "a4", "a5", "a6", "a7"};
	static const char *const values[] = {"1", "2", "3", "4", "5", "6", "7"};
	saker_alert a = sns_alert(json, names, values, 7);
	sk_strbuf b = SK_STRBUF_INIT;

	a.hostname = "node-1";
	SK_CHECK_INT(aws_sns_body(&b, "t", false, &a), SK_OK);
	/* priority, rule, source, tags, hostname, then a1..a5 */
	SK_CHECK_CONTAINS(sk_strbuf_str(&b), "&MessageAttributes.entry.10.Name=a5&");
	SK_CHECK(strstr(sk_strbuf_str(&b), "entry.11.") == NULL);
	SK_CHECK(strstr(sk_strbuf_str(&b), "Name=a6") == NULL);
	sk_strbuf_free(&b);
}

SK_TEST(json_bodies_are_exact)
{
	static const char json[] = "{\"rule\":\"<x>\"}";
	saker_alert a = sns_alert(json, NULL, NULL, 0);
	sk_strbuf b = SK_STRBUF_INIT;

	SK_CHECK_INT(aws_sqs_body(&b, "https://sqs.eu-west-3.amazonaws.com/1/q", &a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "{\"QueueUrl\":\"https://sqs.eu-west-3.amazonaws.com/1/q\","
					"\"MessageBody\":\"{\\\"rule\\\":\\\"\\u003cx\\u003e\\\"}\"}");
	SK_CHECK_INT(aws_kinesis_body(&b, "s", &a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "{\"StreamName\":\"s\",\"Data\":\"eyJydWxlIjoiPHg+In0=\",\"PartitionKey\":\"u-1\"}");
	SK_CHECK_INT(aws_logs_create_body(&b, "/falco", "node"), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "{\"logGroupName\":\"/falco\",\"logStreamName\":\"node\"}");
	SK_CHECK_INT(aws_logs_put_body(&b, "/falco", "node", &a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "{\"logGroupName\":\"/falco\",\"logStreamName\":\"node\",\"logEvents\":[{"
					"\"timestamp\":1796126400000,\"message\":\"{\\\"rule\\\":\\\"\\u003cx\\u003e\\\"}\"}]}");
	sk_strbuf_free(&b);
}

SK_TEST(s3_bucket_names)
{
	SK_CHECK(aws_s3_bucket_ok("falco-audit.logs"));
	SK_CHECK(aws_s3_bucket_ok("a1b"));
	SK_CHECK(!aws_s3_bucket_ok("ab"));
	SK_CHECK(!aws_s3_bucket_ok("-abc"));
	SK_CHECK(!aws_s3_bucket_ok("abc."));
	SK_CHECK(!aws_s3_bucket_ok("Falco"));
	SK_CHECK(!aws_s3_bucket_ok("a/b/c"));
}

SK_TEST(lambda_function_forms)
{
	aws_lambda_function fn;

	SK_CHECK(aws_lambda_parse("falco-response", &fn));
	SK_CHECK_STR(fn.name, "falco-response");
	SK_CHECK_STR(fn.qualifier, "");
	SK_CHECK_STR(fn.account, "");
	SK_CHECK(aws_lambda_parse("falco:prod", &fn));
	SK_CHECK_STR(fn.name, "falco");
	SK_CHECK_STR(fn.qualifier, "prod");
	SK_CHECK(aws_lambda_parse("123456789012:function:falco:7", &fn));
	SK_CHECK_STR(fn.account, "123456789012");
	SK_CHECK_STR(fn.name, "falco");
	SK_CHECK_STR(fn.qualifier, "7");
	SK_CHECK(aws_lambda_parse("arn:aws:lambda:eu-west-3:123456789012:function:falco:$LATEST", &fn));
	SK_CHECK_STR(fn.region, "eu-west-3");
	SK_CHECK_STR(fn.account, "123456789012");
	SK_CHECK_STR(fn.name, "falco");
	SK_CHECK_STR(fn.qualifier, "$LATEST");
	SK_CHECK(aws_lambda_parse("arn:aws-cn:lambda:cn-north-1:1:function:f", &fn));

	static const char *const bad[] = {
		"", "a/b", "f:", ":q", "f:q:r", "f:$", "1:fn:f", "x1:function:f", "arn:aws:s3:eu-west-3:1:function:f",
		"arn:aws:lambda:eu-west-3:1:layer:f", "arn:aws:lambda:eu-west-3:1:function:f:q:r",
		"a:b:c:d:e:f:g:h:i:j", "f:$LAT$EST",
		"0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (aws_lambda_parse(bad[i], &fn)) {
			SK_CHECK_STR(bad[i], "(refused)");
		}
	}
}

SK_TEST_MAIN()
