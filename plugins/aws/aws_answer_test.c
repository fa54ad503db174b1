/* aws_answer: error codes from JSON and XML answers, credentials from the
 * metadata endpoints' JSON and STS's XML, times, and answers that are
 * neither (or hostile: an external entity is never read). */
#include "aws_answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sk_test.h"

static void error_of(const char *answer, char *code, char *msg)
{
	aws_error_of(answer, strlen(answer), code, 96, msg, 256);
}

SK_TEST(error_codes_from_json_and_xml)
{
	char code[96], msg[256];

	error_of("{\"__type\":\"com.amazonaws.kinesis.v20131202#ProvisionedThroughputExceededException\","
		 "\"message\":\"Rate exceeded for shard\"}",
		 code, msg);
	SK_CHECK_STR(code, "ProvisionedThroughputExceededException");
	SK_CHECK_STR(msg, "Rate exceeded for shard");
	error_of("  {\"code\":\"AccessDeniedException\",\"Message\":\"line1\nline2\"}", code, msg);
	SK_CHECK_STR(code, "AccessDeniedException");
	SK_CHECK_STR(msg, "line1 line2");
	error_of("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
		 "<Message>The specified bucket does not exist</Message><BucketName>b</BucketName></Error>",
		 code, msg);
	SK_CHECK_STR(code, "NoSuchBucket");
	SK_CHECK_STR(msg, "The specified bucket does not exist");
	error_of("<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
		 "<Code>AuthorizationError</Code><Message>not authorized</Message></Error></ErrorResponse>",
		 code, msg);
	SK_CHECK_STR(code, "AuthorizationError");
	/* neither, broken, or a code that is not a name */
	static const char *const none[] = {"", "Service Unavailable", "{\"__type\":", "<Error><Code>x",
					   "{\"__type\":7}", "[1,2]", "{\"__type\":\"a b\"}"};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		error_of(none[i], code, msg);
		SK_CHECK_STR(code, "");
	}
	SK_CHECK(aws_code_transient("ThrottlingException"));
	SK_CHECK(aws_code_transient("SlowDown"));
	SK_CHECK(aws_code_transient("ExpiredToken"));
	SK_CHECK(!aws_code_transient("AccessDenied"));
	SK_CHECK(!aws_code_transient(""));
	SK_CHECK(aws_code_expired("ExpiredTokenException"));
	SK_CHECK(!aws_code_expired("Throttling"));
}

SK_TEST(credentials_from_json_and_sts)
{
	aws_creds cr = {0};
	static const char json[] = "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIA1\","
				   "\"SecretAccessKey\":\"s1\",\"Token\":\"t1\",\"Expiration\":\"2026-12-01T12:00:00Z\"}";

	SK_CHECK_INT(aws_creds_from_json(&cr, json, strlen(json)), SK_OK);
	SK_CHECK_STR(cr.key_id, "ASIA1");
	SK_CHECK_STR(cr.secret, "s1");
	SK_CHECK_STR(cr.token, "t1");
	SK_CHECK_INT(cr.expires, 1796126400);
	/* a failed read keeps what was there */
	static const char *const bad_json[] = {"{}", "{\"AccessKeyId\":\"A\"}", "{\"AccessKeyId\":1,\"SecretAccessKey\":2}",
					       "not json", "{\"AccessKeyId\":\"\",\"SecretAccessKey\":\"s\"}"};
	for (size_t i = 0; i < sizeof(bad_json) / sizeof(bad_json[0]); i++) {
		SK_CHECK_INT(aws_creds_from_json(&cr, bad_json[i], strlen(bad_json[i])), SK_EPARSE);
	}
	SK_CHECK_STR(cr.key_id, "ASIA1");

	static const char sts[] = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
				  "<AssumeRoleResult><Credentials><AccessKeyId>ASIA2</AccessKeyId>"
				  "<SecretAccessKey>s2</SecretAccessKey><SessionToken>t2</SessionToken>"
				  "<Expiration>2026-12-01T13:00:00.000Z</Expiration></Credentials></AssumeRoleResult>"
				  "</AssumeRoleResponse>";
	SK_CHECK_INT(aws_creds_from_sts(&cr, sts, strlen(sts)), SK_OK);
	SK_CHECK_STR(cr.key_id, "ASIA2");
	SK_CHECK_STR(cr.token, "t2");
	SK_CHECK_INT(cr.expires, 1796130000);
	static const char partial[] = "<R><AccessKeyId>A</AccessKeyId></R>";
	SK_CHECK_INT(aws_creds_from_sts(&cr, partial, strlen(partial)), SK_EPARSE);
	SK_CHECK_INT(aws_creds_from_sts(&cr, "<R>", 3), SK_EPARSE);
	SK_CHECK_STR(cr.key_id, "ASIA2");
	aws_creds_clear(&cr);
	SK_CHECK(cr.key_id == NULL && cr.secret == NULL);

	SK_CHECK_INT(aws_time("2026-12-01T12:00:00Z"), 1796126400);
	SK_CHECK_INT(aws_time("soon"), 0);
	SK_CHECK_INT(aws_time(NULL), 0);
}

SK_TEST(xml_external_entities_are_never_read)
{
	char path[] = "/tmp/saker-aws-xxe-XXXXXX", xml[512], code[96], msg[256];
	int fd = mkstemp(path);
	SK_CHECK(fd >= 0 && write(fd, "LEAKED", 6) == 6);
	if (fd >= 0) {
		close(fd);
	}
	snprintf(xml, sizeof(xml),
		 "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file://%s\">]>"
		 "<Error><Code>AccessDenied</Code><Message>&x;</Message></Error>",
		 path);
	aws_error_of(xml, strlen(xml), code, sizeof(code), msg, sizeof(msg));
	SK_CHECK(strstr(msg, "LEAKED") == NULL);
	unlink(path);
}

SK_TEST_MAIN()
