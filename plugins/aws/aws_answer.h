/* aws_answer: reading what AWS answers, which comes from the network:
 * error codes of the JSON and XML APIs, credentials from STS (XML) and
 * from the container and instance metadata endpoints (JSON). json-c and
 * libxml2 (no network, no entity expansion) do the parsing. */
#ifndef AWS_ANSWER_H
#define AWS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

/* A set of credentials; strings malloc'd. */
typedef struct aws_creds {
	char *key_id;
	char *secret;
	char *token;	 /* NULL for long-term keys */
	int64_t expires; /* Unix seconds; 0 for never */
	int64_t fetched; /* Unix seconds */
} aws_creds;

/* Replaces *cr with copies of the strings (token NULL or "" for none),
 * fetched now. SK_ENOMEM leaves *cr as it was. */
sk_err aws_creds_set(aws_creds *cr, const char *key_id, const char *secret, const char *token, int64_t expires);

/* Frees the strings (the secret wiped first) and zeroes *cr. */
void aws_creds_clear(aws_creds *cr);

/* Credentials from the JSON of the container and instance metadata
 * endpoints (AccessKeyId, SecretAccessKey, Token, Expiration), or from
 * an STS answer (AssumeRole, AssumeRoleWithWebIdentity: the elements of
 * the same names, the token in SessionToken). SK_EPARSE when the answer
 * holds no key id and secret; *cr is replaced only on SK_OK. */
sk_err aws_creds_from_json(aws_creds *cr, const char *json, size_t len);
sk_err aws_creds_from_sts(aws_creds *cr, const char *xml, size_t len);

/* Unix seconds of an ISO 8601 UTC time ("2026-12-01T12:00:00Z", with or
 * without a fraction); 0 when it cannot be read. */
int64_t aws_time(const char *s);

/* Reads the text of the first element named names[i] into values[i]
 * (malloc'd, NULL when absent) for each of the count names. False when xml
 * is not well-formed XML (the values are then all NULL). */
bool aws_xml_find(const char *xml, size_t len, const char *const *names, char **values, size_t count);

/* AWS's error code and message from an error answer in either shape: JSON
 * ({"__type": "namespace#Code", "message": ...}) or XML (<Code>,
 * <Message>); both "" when the answer is neither. The message is made one
 * line. */
void aws_error_of(const char *answer, size_t len, char *code, size_t codelen, char *msg, size_t msglen);

/* Whether the AWS SDKs retry a request that failed with code: throttling,
 * transient service errors, clock skew, expired credentials. */
bool aws_code_transient(const char *code);

/* Whether code says the session credentials expired. */
bool aws_code_expired(const char *code);

#endif
