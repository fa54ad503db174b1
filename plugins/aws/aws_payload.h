/* aws_payload: the requests of Falcosidekick's AWS outputs, as each API
 * wants them:
 *
 *   SQS SendMessage (JSON 1.0)  {"QueueUrl": url, "MessageBody": <alert JSON>}
 *   SNS Publish (query form)    TopicArn, Message = the output line with
 *                               message attributes priority, rule, source,
 *                               tags, hostname and the string and number
 *                               output fields ("proc.aname[2]" named
 *                               "proc.aname.2"); or, rawjson, the alert JSON
 *   Kinesis PutRecord (1.1)     {"StreamName", "Data": base64(alert JSON),
 *                               "PartitionKey": the alert's uuid}
 *   CloudWatch Logs (1.1)       CreateLogStream, PutLogEvents with one event
 *                               {"timestamp": the alert's time in ms,
 *                               "message": <alert JSON>}
 *   S3 PutObject                the key is spl_dated_key()'s
 *   Lambda Invoke               the function's name and qualifier
 *
 * Strings are written the way Go's encoding/json writes them, so the
 * bodies are valid JSON whatever bytes the alert holds. */
#ifndef AWS_PAYLOAD_H
#define AWS_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define AWS_SNS_MAX_ATTRIBUTES 10 /* SNS refuses a message with more */

/* Each appends its request body for alert to b (reset first); SK_ENOMEM
 * when memory ran out. */
sk_err aws_sqs_body(sk_strbuf *b, const char *queue_url, const saker_alert *alert);
sk_err aws_sns_body(sk_strbuf *b, const char *topic_arn, bool rawjson, const saker_alert *alert);
sk_err aws_kinesis_body(sk_strbuf *b, const char *stream, const saker_alert *alert);
sk_err aws_logs_create_body(sk_strbuf *b, const char *group, const char *stream);
sk_err aws_logs_put_body(sk_strbuf *b, const char *group, const char *stream, const saker_alert *alert);

/* Whether name is an S3 bucket name: 3..63 of a-z 0-9 . -, starting and
 * ending with a letter or digit. */
bool aws_s3_bucket_ok(const char *name);

/* A Lambda function as functionname names it: a name, "name:qualifier", a
 * partial ARN (account:function:name[:qualifier]) or an ARN
 * (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]).
 * region and account are "" when the form has none. */
typedef struct aws_lambda_function {
	char name[65];	    /* [A-Za-z0-9_-]{1,64} */
	char qualifier[130]; /* "" or a version, an alias or $LATEST */
	char region[32];
	char account[16];
} aws_lambda_function;

/* Reads functionname into *fn; false when it is none of the forms. */
bool aws_lambda_parse(const char *functionname, aws_lambda_function *fn);

#endif
