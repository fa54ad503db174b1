/* aws_client: what every AWS output shares.
 *
 * Reads the region and the credentials (Falcosidekick's aws.* keys, then
 * the AWS SDKs' environment, web identity (IRSA), container and instance
 * metadata endpoints), assumes aws.rolearn when set, checks the identity
 * with STS when aws.checkidentity (the default), and sends requests signed
 * with Signature Version 4 (libcurl's) on one kept-alive connection,
 * mapping AWS's error codes to the sidekick's outcomes. */
#ifndef AWS_CLIENT_H
#define AWS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct aws_client aws_client;

/* One AWS API: its SigV4 signing name ("sqs", "logs"), which is also the
 * first label of its endpoint host, and the service id of its
 * AWS_ENDPOINT_URL_<ID> variable ("SQS", "CLOUDWATCH_LOGS"). Another
 * provider speaking the same API (Yandex Cloud) sets endpoint and region:
 * its defaults, which the output's "endpoint" and "region" keys override;
 * it has no STS, so checkidentity is off unless set. */
typedef struct aws_service {
	const char *signing_name;
	const char *env_id;
	const char *endpoint; /* NULL for AWS */
	const char *region;   /* NULL for AWS */
} aws_service;

/* Creates the client of one output for svc from host's keys. Fails, with
 * the reason in err, when no region or no credentials are found, when STS
 * refuses the role or (checkidentity) the identity. */
sk_err aws_client_new(const saker_plugin_host *host, const aws_service *svc, aws_client **out, char *err,
		      size_t errlen);

/* The region requests are signed for. */
const char *aws_client_region(const aws_client *c);

/* The caller's account id as STS's identity check answered it; "" when
 * the identity was not checked. */
const char *aws_client_account(const aws_client *c);

/* The service's endpoint without a trailing slash: AWS_ENDPOINT_URL_<ID>,
 * else AWS_ENDPOINT_URL, else https://<signing name>.<region>.amazonaws.com.
 * *custom (may be NULL) tells whether it came from the environment. */
const char *aws_client_endpoint(const aws_client *c, bool *custom);

/* One request. */
typedef struct aws_request {
	const char *method; /* "POST" or "PUT" */
	const char *url;
	const char *content_type;
	const char *target;	    /* X-Amz-Target of the JSON APIs, or NULL */
	const char *const *headers; /* more "name", "value" pairs, NULL-terminated; or NULL */
	const char *body;
	size_t len;
} aws_request;

/* Sends req signed with the current credentials (renewed first when they
 * expire within 5 minutes). OK on 2xx; RETRY on connection errors, 5xx,
 * 429 and AWS's throttling, timeout and expired-credential codes; FAIL on
 * other refusals. On RETRY/FAIL err names the HTTP status and AWS's error
 * code and message, and code (codelen bytes, may be NULL) gets the code
 * ("" when the answer had none). */
saker_send_result aws_client_send(aws_client *c, const aws_request *req, char *code, size_t codelen, char *err,
				  size_t errlen);

/* Frees the client; NULL is fine. */
void aws_client_free(aws_client *c);

#endif
