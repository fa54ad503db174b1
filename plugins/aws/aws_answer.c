#include "aws_answer.h"

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spl_fields.h"

void aws_creds_clear(aws_creds *cr)
{
	if (cr->secret != NULL) {
		explicit_bzero(cr->secret, strlen(cr->secret));
	}
	free(cr->key_id);
	free(cr->secret);
	free(cr->token);
	memset(cr, 0, sizeof(*cr));
}

sk_err aws_creds_set(aws_creds *cr, const char *key_id, const char *secret, const char *token, int64_t expires)
{
	aws_creds next = {0};
	bool has_token = token != NULL && token[0] != '\0';

	next.key_id = strdup(key_id);
	next.secret = strdup(secret);
	next.token = has_token ? strdup(token) : NULL;
	next.expires = expires;
	next.fetched = (int64_t)time(NULL);
	if (next.key_id == NULL || next.secret == NULL || (has_token && next.token == NULL)) {
		aws_creds_clear(&next);
		return SK_ENOMEM;
	}
	aws_creds_clear(cr);
	*cr = next;
	return SK_OK;
}

int64_t aws_time(const char *s)
{
	struct tm tm = {0};
	const char *end = s != NULL ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	return end != NULL ? (int64_t)timegm(&tm) : 0;
}

static pthread_once_t aws_xml_once = PTHREAD_ONCE_INIT;

static void aws_xml_init(void)
{
	xmlInitParser();
}

/* Depth-first over the elements; the depth is bounded by libxml2's own
 * limit (256 without XML_PARSE_HUGE). */
static void aws_xml_walk(xmlNode *n, const char *const *names, char **values, size_t count)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE) {
			continue;
		}
		for (size_t i = 0; i < count; i++) {
			if (values[i] == NULL && strcmp((const char *)n->name, names[i]) == 0) {
				xmlChar *text = xmlNodeGetContent(n);
				values[i] = strdup(text != NULL ? (const char *)text : "");
				xmlFree(text);
			}
		}
		aws_xml_walk(n->children, names, values, count);
	}
}

bool aws_xml_find(const char *xml, size_t len, const char *const *names, char **values, size_t count)
{
	pthread_once(&aws_xml_once, aws_xml_init);
	for (size_t i = 0; i < count; i++) {
		values[i] = NULL;
	}
	if (len > INT32_MAX) {
		return false;
	}
	/* no XML_PARSE_NOENT: entities stay unexpanded; NONET: no fetching */
	xmlDoc *doc = xmlReadMemory(xml, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		return false;
	}
	aws_xml_walk(xmlDocGetRootElement(doc), names, values, count);
	xmlFreeDoc(doc);
	return true;
}

static const char *aws_json_string(json_object *root, const char *name)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(root, name, &v) || !json_object_is_type(v, json_type_string)) {
		return NULL;
	}
	return json_object_get_string(v);
}

sk_err aws_creds_from_json(aws_creds *cr, const char *json, size_t len)
{
	json_object *root = spl_json_object(json, len);
	sk_err rc = SK_EPARSE;

	if (root != NULL) {
		const char *id = aws_json_string(root, "AccessKeyId"), *secret = aws_json_string(root, "SecretAccessKey");
		const char *expires = aws_json_string(root, "Expiration");
		if (id != NULL && secret != NULL && id[0] != '\0' && secret[0] != '\0') {
			rc = aws_creds_set(cr, id, secret, aws_json_string(root, "Token"), aws_time(expires));
		}
	}
	json_object_put(root);
	return rc;
}

sk_err aws_creds_from_sts(aws_creds *cr, const char *xml, size_t len)
{
	static const char *const names[] = {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"};
	char *v[4];
	sk_err rc = SK_EPARSE;

	if (aws_xml_find(xml, len, names, v, 4) && v[0] != NULL && v[1] != NULL && v[0][0] != '\0' &&
	    v[1][0] != '\0') {
		rc = aws_creds_set(cr, v[0], v[1], v[2], aws_time(v[3]));
	}
	if (v[1] != NULL) {
		explicit_bzero(v[1], strlen(v[1]));
	}
	for (size_t i = 0; i < 4; i++) {
		free(v[i]);
	}
	return rc;
}

void aws_error_of(const char *answer, size_t len, char *code, size_t codelen, char *msg, size_t msglen)
{
	size_t skip = 0;

	code[0] = '\0';
	msg[0] = '\0';
	while (skip < len && (answer[skip] == ' ' || answer[skip] == '\t' || answer[skip] == '\r' || answer[skip] == '\n')) {
		skip++;
	}
	if (skip < len && answer[skip] == '{') {
		json_object *root = spl_json_object(answer + skip, len - skip);
		if (root != NULL) {
			const char *type = aws_json_string(root, "__type");
			type = type != NULL ? type : aws_json_string(root, "code");
			type = type != NULL ? type : aws_json_string(root, "Code");
			const char *message = aws_json_string(root, "message");
			message = message != NULL ? message : aws_json_string(root, "Message");
			if (type != NULL) {
				const char *hash = strrchr(type, '#');
				snprintf(code, codelen, "%s", hash != NULL ? hash + 1 : type);
			}
			snprintf(msg, msglen, "%s", message != NULL ? message : "");
			json_object_put(root);
		}
	} else if (skip < len && answer[skip] == '<') {
		static const char *const names[] = {"Code", "Message"};
		char *values[2];
		if (aws_xml_find(answer + skip, len - skip, names, values, 2)) {
			snprintf(code, codelen, "%s", values[0] != NULL ? values[0] : "");
			snprintf(msg, msglen, "%s", values[1] != NULL ? values[1] : "");
		}
		free(values[0]);
		free(values[1]);
	}
	/* one line, and a code is a name */
	for (char *c = msg; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			*c = ' ';
		}
	}
	if (strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-") != strlen(code)) {
		code[0] = '\0';
	}
}

bool aws_code_transient(const char *code)
{
	static const char *const codes[] = {
		"Throttling",
		"ThrottlingException",
		"ThrottledException",
		"RequestThrottledException",
		"TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"TransactionInProgressException",
		"RequestLimitExceeded",
		"BandwidthLimitExceeded",
		"LimitExceededException",
		"RequestThrottled",
		"SlowDown",
		"PriorRequestNotComplete",
		"EC2ThrottledException",
		"RequestTimeout",
		"RequestTimeoutException",
		"InternalError",
		"InternalFailure",
		"InternalServerError",
		"ServiceUnavailable",
		"ServiceUnavailableException",
		"ServiceException",
		"KMSThrottlingException",
		"RequestTimeTooSkewed",
		"RequestExpired",
		"ExpiredToken",
		"ExpiredTokenException",
	};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		if (strcmp(code, codes[i]) == 0) {
			return true;
		}
	}
	return false;
}

bool aws_code_expired(const char *code)
{
	return strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0;
}
