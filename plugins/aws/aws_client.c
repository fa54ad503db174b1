#include "aws_client.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws_answer.h"
#include "aws_payload.h"
#include "spl_http.h"
#include "spl_util.h"

#define AWS_MAX_FILE (64 * 1024) /* a web identity token is a few KiB */
#define AWS_RENEW_BEFORE_S 300
#define AWS_DEFAULT_IMDS "http://169.254.169.254"
#define AWS_DEFAULT_CONTAINER_HOST "http://169.254.170.2"

typedef enum aws_source {
	AWS_SOURCE_CONFIG,	 /* aws.accesskeyid + aws.secretaccesskey */
	AWS_SOURCE_ENV,		 /* AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) */
	AWS_SOURCE_WEB_IDENTITY, /* AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (EKS IRSA) */
	AWS_SOURCE_CONTAINER,	 /* AWS_CONTAINER_CREDENTIALS_FULL_URI/RELATIVE_URI (EKS Pod Identity, ECS) */
	AWS_SOURCE_IMDS,	 /* the EC2 instance profile, IMDSv2 */
} aws_source;

static const char *const aws_source_names[] = {"accesskeyid", "AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE",
					       "the container credentials endpoint", "the EC2 instance metadata"};

struct aws_client {
	const saker_plugin_host *host; /* valid until the plugin's close() */
	aws_service svc;
	char region[64];
	char *endpoint;
	bool custom_endpoint;
	aws_source source;
	aws_creds base;		/* from source */
	aws_creds role;		/* aws.rolearn assumed with base; key_id NULL without a role */
	unsigned generation;	/* bumped whenever the credentials change */
	unsigned http_generation; /* the generation http signs with */
	char *rolearn;
	char *externalid;
	spl_http *http; /* the service's connection */
	spl_http *sts;	/* STS, signed with the base credentials (AssumeRole) */
	char account[32]; /* the caller's account from GetCallerIdentity; "" when not checked */
};

/* ---- small helpers ---- */

/* Passes rc on, saying "out of memory" in err when it is SK_ENOMEM. */
static sk_err aws_oom(sk_err rc, char *err, size_t errlen)
{
	if (rc == SK_ENOMEM) {
		snprintf(err, errlen, "out of memory");
	}
	return rc;
}

/* ---- configuration ---- */

static const char *aws_env(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

static sk_err aws_imds_token(sk_strbuf *token, char *err, size_t errlen)
{
	const char *base = aws_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	char url[512];
	long status = 0;
	static const char *const headers[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL};

	snprintf(url, sizeof(url), "%s/latest/api/token", base != NULL ? base : AWS_DEFAULT_IMDS);
	sk_err rc = spl_http_fetch("PUT", url, headers, "", token, &status, err, errlen);
	if (rc == SK_OK && status != 200) {
		snprintf(err, errlen, "PUT %s: HTTP %ld", url, status);
		rc = SK_EIO;
	}
	return rc;
}

/* GET <metadata endpoint><path> with an IMDSv2 token into answer. */
static sk_err aws_imds_get(const char *path, sk_strbuf *answer, char *err, size_t errlen)
{
	const char *base = aws_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	sk_strbuf token = SK_STRBUF_INIT, header = SK_STRBUF_INIT;
	char url[512];
	long status = 0;
	sk_err rc;

	if (aws_env("AWS_EC2_METADATA_DISABLED") != NULL && strcasecmp(getenv("AWS_EC2_METADATA_DISABLED"), "true") == 0) {
		snprintf(err, errlen, "disabled by AWS_EC2_METADATA_DISABLED");
		return SK_ENOENT;
	}
	rc = aws_imds_token(&token, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	sk_strbuf_printf(&header, "X-aws-ec2-metadata-token: %s", sk_strbuf_str(&token));
	const char *headers[] = {sk_strbuf_str(&header), NULL};
	snprintf(url, sizeof(url), "%s%s", base != NULL ? base : AWS_DEFAULT_IMDS, path);
	rc = spl_http_fetch("GET", url, headers, NULL, answer, &status, err, errlen);
	if (rc == SK_OK && status != 200) {
		snprintf(err, errlen, "GET %s: HTTP %ld", url, status);
		rc = SK_EIO;
	}
cleanup:
	sk_strbuf_free(&token);
	sk_strbuf_free(&header);
	return rc;
}

/* Falcosidekick's order: aws.region, AWS_REGION, AWS_DEFAULT_REGION, then
 * the instance metadata. */
static sk_err aws_region(aws_client *c, char *err, size_t errlen)
{
	const char *region = c->host->config_string(c->host->ctx, "region", c->svc.region != NULL ? c->svc.region : "");
	sk_strbuf answer = SK_STRBUF_INIT;
	char why[256] = "";

	if (region[0] == '\0') {
		region = aws_env("AWS_REGION");
	}
	if (region == NULL) {
		region = aws_env("AWS_DEFAULT_REGION");
	}
	if (region == NULL && aws_imds_get("/latest/meta-data/placement/region", &answer, why, sizeof(why)) == SK_OK) {
		region = sk_strbuf_str(&answer);
	}
	if (region == NULL || region[0] == '\0') {
		snprintf(err, errlen,
			 "region: not set (aws.region, AWS_REGION or AWS_DEFAULT_REGION), and the EC2 instance metadata: %s",
			 why);
		sk_strbuf_free(&answer);
		return SK_ENOENT;
	}
	/* it names a host: letters, digits and dashes only */
	if (strlen(region) >= sizeof(c->region) || strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(region)) {
		snprintf(err, errlen, "region '%.63s': not an AWS region name", region);
		sk_strbuf_free(&answer);
		return SK_EINVAL;
	}
	snprintf(c->region, sizeof(c->region), "%s", region);
	sk_strbuf_free(&answer);
	return SK_OK;
}

/* endpoint for service id (AWS_ENDPOINT_URL_<ID>, AWS_ENDPOINT_URL, else
 * AWS's), without a trailing slash, into *out (malloc'd). */
static sk_err aws_endpoint_for(const char *signing_name, const char *env_id, const char *region, char **out,
			       bool *custom)
{
	char name[96];
	snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s", env_id);
	const char *url = aws_env(name);
	if (url == NULL) {
		url = aws_env("AWS_ENDPOINT_URL");
	}
	*custom = url != NULL;
	int n = url != NULL ? asprintf(out, "%s", url) : asprintf(out, "https://%s.%s.amazonaws.com", signing_name, region);
	if (n < 0) {
		*out = NULL;
		return SK_ENOMEM;
	}
	size_t len = strlen(*out);
	while (len > 0 && (*out)[len - 1] == '/') {
		(*out)[--len] = '\0';
	}
	return SK_OK;
}

/* A RoleSessionName: "saker-" and 16 hex digits (STS wants [\w+=,.@-]{2,64}). */
static void aws_session_name(char *buf, size_t n)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t x = (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)buf;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	snprintf(buf, n, "saker-%016llx", (unsigned long long)x);
}

static sk_err aws_fetch_web_identity(aws_client *c, char *err, size_t errlen)
{
	const char *token_file = aws_env("AWS_WEB_IDENTITY_TOKEN_FILE"), *role = aws_env("AWS_ROLE_ARN");
	const char *session = aws_env("AWS_ROLE_SESSION_NAME");
	sk_strbuf token = SK_STRBUF_INIT, body = SK_STRBUF_INIT, answer = SK_STRBUF_INIT;
	char *sts = NULL, url[600], name[40], code[96], msg[256];
	bool custom;
	long status = 0;
	sk_err rc;

	if (role == NULL) {
		snprintf(err, errlen, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
		return SK_EINVAL;
	}
	rc = spl_read_file(token_file, AWS_MAX_FILE, true, &token, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	if (session == NULL) {
		aws_session_name(name, sizeof(name));
		session = name;
	}
	sk_strbuf_puts(&body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=");
	spl_uri_encode(&body, role, false);
	sk_strbuf_puts(&body, "&RoleSessionName=");
	spl_uri_encode(&body, session, false);
	sk_strbuf_puts(&body, "&WebIdentityToken=");
	spl_uri_encode(&body, sk_strbuf_str(&token), false);
	rc = aws_endpoint_for("sts", "STS", c->region, &sts, &custom);
	if (rc != SK_OK || sk_strbuf_failed(&body)) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
		goto cleanup;
	}
	snprintf(url, sizeof(url), "%s/", sts);
	static const char *const headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	rc = spl_http_fetch("POST", url, headers, sk_strbuf_str(&body), &answer, &status, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	if (status != 200) {
		aws_error_of(sk_strbuf_str(&answer), answer.len, code, sizeof(code), msg, sizeof(msg));
		snprintf(err, errlen, "STS AssumeRoleWithWebIdentity for %s: HTTP %ld %s: %s", role, status, code, msg);
		rc = SK_EPERM;
		goto cleanup;
	}
	rc = aws_creds_from_sts(&c->base, sk_strbuf_str(&answer), answer.len);
	if (rc != SK_OK) {
		snprintf(err, errlen, "STS AssumeRoleWithWebIdentity for %s: %s", role,
			 rc == SK_ENOMEM ? "out of memory" : "the answer holds no credentials");
	}
cleanup:
	free(sts);
	sk_strbuf_free(&token);
	sk_strbuf_free(&body);
	sk_strbuf_free(&answer);
	return rc;
}

static sk_err aws_fetch_container(aws_client *c, char *err, size_t errlen)
{
	const char *full = aws_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *relative = aws_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *token_file = aws_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *token = aws_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	sk_strbuf file = SK_STRBUF_INIT, header = SK_STRBUF_INIT, answer = SK_STRBUF_INIT;
	char url[1024];
	long status = 0;
	sk_err rc = SK_OK;

	if (full != NULL) {
		snprintf(url, sizeof(url), "%s", full);
	} else {
		snprintf(url, sizeof(url), "%s%s", AWS_DEFAULT_CONTAINER_HOST, relative);
	}
	if (token_file != NULL) {
		rc = spl_read_file(token_file, AWS_MAX_FILE, true, &file, err, errlen);
		if (rc != SK_OK) {
			goto cleanup;
		}
		token = sk_strbuf_str(&file);
	}
	if (token != NULL) {
		sk_strbuf_printf(&header, "Authorization: %s", token);
	}
	const char *headers[] = {token != NULL ? sk_strbuf_str(&header) : NULL, NULL};
	rc = spl_http_fetch("GET", url, headers, NULL, &answer, &status, err, errlen);
	if (rc == SK_OK && status != 200) {
		snprintf(err, errlen, "GET %s: HTTP %ld", url, status);
		rc = SK_EIO;
	}
	if (rc == SK_OK) {
		rc = aws_creds_from_json(&c->base, sk_strbuf_str(&answer), answer.len);
		if (rc != SK_OK) {
			snprintf(err, errlen, "GET %s: %s", url,
				 rc == SK_ENOMEM ? "out of memory" : "the answer holds no AccessKeyId and SecretAccessKey");
		}
	}
cleanup:
	sk_strbuf_free(&file);
	sk_strbuf_free(&header);
	sk_strbuf_free(&answer);
	return rc;
}

static sk_err aws_fetch_imds(aws_client *c, char *err, size_t errlen)
{
	sk_strbuf role = SK_STRBUF_INIT, answer = SK_STRBUF_INIT, path = SK_STRBUF_INIT;
	sk_err rc = aws_imds_get("/latest/meta-data/iam/security-credentials/", &role, err, errlen);

	if (rc == SK_OK) {
		/* the first role listed (an instance has one) */
		role.data[strcspn(role.data, "\r\n")] = '\0';
		sk_strbuf_puts(&path, "/latest/meta-data/iam/security-credentials/");
		sk_strbuf_puts(&path, sk_strbuf_str(&role));
		rc = aws_imds_get(sk_strbuf_str(&path), &answer, err, errlen);
	}
	if (rc == SK_OK) {
		rc = aws_creds_from_json(&c->base, sk_strbuf_str(&answer), answer.len);
		if (rc != SK_OK) {
			snprintf(err, errlen, "the EC2 instance metadata: %s",
				 rc == SK_ENOMEM ? "out of memory" : "the answer holds no AccessKeyId and SecretAccessKey");
		}
	}
	sk_strbuf_free(&role);
	sk_strbuf_free(&answer);
	sk_strbuf_free(&path);
	return rc;
}

/* (Re)reads the base credentials from their source. */
static sk_err aws_fetch_base(aws_client *c, char *err, size_t errlen)
{
	sk_err rc;
	switch (c->source) {
	case AWS_SOURCE_WEB_IDENTITY:
		rc = aws_fetch_web_identity(c, err, errlen);
		break;
	case AWS_SOURCE_CONTAINER:
		rc = aws_fetch_container(c, err, errlen);
		break;
	case AWS_SOURCE_IMDS:
		rc = aws_fetch_imds(c, err, errlen);
		break;
	default:
		return SK_OK; /* long-term keys: nothing to renew */
	}
	if (rc == SK_OK) {
		c->generation++;
	}
	return rc;
}

/* Picks the first source that is configured and reads it: the AWS SDKs'
 * chain, with Falcosidekick's keys first. */
static sk_err aws_find_credentials(aws_client *c, char *err, size_t errlen)
{
	const char *key_id = c->host->config_string(c->host->ctx, "accesskeyid", "");
	const char *secret = c->host->config_string(c->host->ctx, "secretaccesskey", "");
	char why[512] = "";

	if (key_id[0] != '\0' || secret[0] != '\0') {
		if (key_id[0] == '\0' || secret[0] == '\0') {
			snprintf(err, errlen, "accesskeyid and secretaccesskey: set both or neither");
			return SK_EINVAL;
		}
		c->source = AWS_SOURCE_CONFIG;
		c->generation++;
		return aws_oom(aws_creds_set(&c->base, key_id, secret, NULL, 0), err, errlen);
	}
	if (aws_env("AWS_ACCESS_KEY_ID") != NULL && aws_env("AWS_SECRET_ACCESS_KEY") != NULL) {
		c->source = AWS_SOURCE_ENV;
		c->generation++;
		return aws_oom(aws_creds_set(&c->base, getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"),
					     getenv("AWS_SESSION_TOKEN"), 0),
			       err, errlen);
	}
	if (aws_env("AWS_WEB_IDENTITY_TOKEN_FILE") != NULL) {
		c->source = AWS_SOURCE_WEB_IDENTITY;
	} else if (aws_env("AWS_CONTAINER_CREDENTIALS_FULL_URI") != NULL ||
		   aws_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != NULL) {
		c->source = AWS_SOURCE_CONTAINER;
	} else {
		c->source = AWS_SOURCE_IMDS;
	}
	sk_err rc = aws_fetch_base(c, why, sizeof(why));
	if (rc != SK_OK && c->source == AWS_SOURCE_IMDS) {
		snprintf(err, errlen,
			 "no AWS credentials: neither aws.accesskeyid, AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE nor "
			 "AWS_CONTAINER_CREDENTIALS_FULL_URI is set, and the EC2 instance metadata: %s",
			 why);
	} else if (rc != SK_OK) {
		snprintf(err, errlen, "no AWS credentials: %s", why);
	}
	return rc;
}

/* A signed STS Query call on c->sts (created on first use) with creds. */
static sk_err aws_sts_call(aws_client *c, const aws_creds *creds, const char *form, const char *what, char *err,
			   size_t errlen)
{
	char provider[128], code[96], msg[256], why[512];
	sk_err rc = SK_OK;

	if (c->sts == NULL) {
		char *sts = NULL, url[600];
		bool custom;
		if (aws_endpoint_for("sts", "STS", c->region, &sts, &custom) != SK_OK) {
			snprintf(err, errlen, "out of memory");
			return SK_ENOMEM;
		}
		snprintf(url, sizeof(url), "%s/", sts);
		free(sts);
		rc = spl_http_new(c->host, url, &c->sts, err, errlen);
		if (rc != SK_OK) {
			return rc;
		}
		spl_http_keep_answer(c->sts);
		rc = spl_http_add_header(c->sts, "Content-Type", "application/x-www-form-urlencoded");
		if (rc != SK_OK) {
			snprintf(err, errlen, "out of memory");
			return rc;
		}
	}
	snprintf(provider, sizeof(provider), "aws:amz:%s:sts", c->region);
	rc = spl_http_set_aws_sigv4(c->sts, provider, creds->key_id, creds->secret);
	if (rc == SK_OK) {
		rc = creds->token != NULL ? spl_http_add_header(c->sts, "x-amz-security-token", creds->token)
					  : spl_http_drop_header(c->sts, "x-amz-security-token");
	}
	if (rc != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	if (spl_http_send(c->sts, form, strlen(form), why, sizeof(why)) != SAKER_SEND_OK) {
		const char *answer = spl_http_last_answer(c->sts);
		aws_error_of(answer, strlen(answer), code, sizeof(code), msg, sizeof(msg));
		if (code[0] != '\0') {
			snprintf(err, errlen, "STS %s: HTTP %ld %s: %s", what, spl_http_last_status(c->sts), code, msg);
		} else {
			snprintf(err, errlen, "STS %s: %s", what, why);
		}
		return SK_EPERM;
	}
	return SK_OK;
}

static sk_err aws_assume_role(aws_client *c, char *err, size_t errlen)
{
	sk_strbuf form = SK_STRBUF_INIT;
	char name[40];
	sk_err rc;

	aws_session_name(name, sizeof(name));
	sk_strbuf_puts(&form, "Action=AssumeRole&Version=2011-06-15&RoleArn=");
	spl_uri_encode(&form, c->rolearn, false);
	sk_strbuf_printf(&form, "&RoleSessionName=%s", name);
	if (c->externalid != NULL) {
		sk_strbuf_puts(&form, "&ExternalId=");
		spl_uri_encode(&form, c->externalid, false);
	}
	if (sk_strbuf_failed(&form)) {
		sk_strbuf_free(&form);
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	rc = aws_sts_call(c, &c->base, sk_strbuf_str(&form), "AssumeRole", err, errlen);
	if (rc == SK_OK) {
		const char *answer = spl_http_last_answer(c->sts);
		rc = aws_creds_from_sts(&c->role, answer, strlen(answer));
		if (rc != SK_OK) {
			snprintf(err, errlen, "STS AssumeRole of %s: %s", c->rolearn,
				 rc == SK_ENOMEM ? "out of memory" : "the answer holds no credentials");
		}
	}
	if (rc == SK_OK) {
		c->generation++;
	}
	sk_strbuf_free(&form);
	return rc;
}

static const aws_creds *aws_current(const aws_client *c)
{
	return c->role.key_id != NULL ? &c->role : &c->base;
}

/* Renewed 5 minutes before they expire, or halfway through their life
 * when they are given for less than 10 minutes. */
static bool aws_expiring(const aws_creds *cr)
{
	if (cr->expires == 0) {
		return false;
	}
	int64_t margin = (cr->expires - cr->fetched) / 2;
	margin = margin < AWS_RENEW_BEFORE_S ? margin : AWS_RENEW_BEFORE_S;
	return (int64_t)time(NULL) >= cr->expires - margin;
}

/* Renews what expires soon and re-signs the connection when the
 * credentials changed. */
static sk_err aws_refresh(aws_client *c, char *err, size_t errlen)
{
	sk_err rc = SK_OK;
	char provider[128];

	if (aws_expiring(&c->base)) {
		rc = aws_fetch_base(c, err, errlen);
	}
	if (rc == SK_OK && c->rolearn != NULL && (c->role.key_id == NULL || aws_expiring(&c->role))) {
		rc = aws_assume_role(c, err, errlen);
	}
	if (rc != SK_OK || c->http_generation == c->generation) {
		return rc;
	}
	const aws_creds *cr = aws_current(c);
	snprintf(provider, sizeof(provider), "aws:amz:%s:%s", c->region, c->svc.signing_name);
	rc = spl_http_set_aws_sigv4(c->http, provider, cr->key_id, cr->secret);
	if (rc == SK_OK) {
		rc = cr->token != NULL ? spl_http_add_header(c->http, "x-amz-security-token", cr->token)
				       : spl_http_drop_header(c->http, "x-amz-security-token");
	}
	if (rc != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	c->http_generation = c->generation;
	return SK_OK;
}

sk_err aws_client_new(const saker_plugin_host *host, const aws_service *svc, aws_client **out, char *err,
		      size_t errlen)
{
	aws_client *c = calloc(1, sizeof(*c));
	sk_err rc = SK_OK;

	*out = NULL;
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	c->host = host;
	c->svc = *svc;
	rc = spl_curl_global(err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	rc = aws_region(c, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	if (svc->endpoint != NULL) {
		c->custom_endpoint = true;
		c->endpoint = strdup(host->config_string(host->ctx, "endpoint", svc->endpoint));
		rc = c->endpoint != NULL ? SK_OK : SK_ENOMEM;
	} else {
		rc = aws_endpoint_for(svc->signing_name, svc->env_id, c->region, &c->endpoint, &c->custom_endpoint);
	}
	if (rc != SK_OK) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	const char *rolearn = host->config_string(host->ctx, "rolearn", "");
	const char *externalid = host->config_string(host->ctx, "externalid", "");
	c->rolearn = rolearn[0] != '\0' ? strdup(rolearn) : NULL;
	c->externalid = externalid[0] != '\0' ? strdup(externalid) : NULL;
	if ((rolearn[0] != '\0' && c->rolearn == NULL) || (externalid[0] != '\0' && c->externalid == NULL)) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
		goto cleanup;
	}
	rc = aws_find_credentials(c, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	/* the service's own connection; the URL is set per request */
	rc = spl_http_new(host, c->endpoint, &c->http, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	spl_http_keep_answer(c->http);
	rc = aws_refresh(c, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	if (host->config_bool(host->ctx, "checkidentity", svc->endpoint == NULL)) {
		rc = aws_sts_call(c, aws_current(c), "Action=GetCallerIdentity&Version=2011-06-15", "GetCallerIdentity",
				  err, errlen);
		if (rc != SK_OK) {
			goto cleanup;
		}
		static const char *const account[] = {"Account"};
		char *value = NULL;
		const char *answer = spl_http_last_answer(c->sts);
		if (aws_xml_find(answer, strlen(answer), account, &value, 1) && value != NULL) {
			snprintf(c->account, sizeof(c->account), "%s", value);
		}
		free(value);
	}
	host->log(host->ctx, SAKER_LOG_INFO, "region %s, credentials from %s%s%s", c->region,
		  aws_source_names[c->source], c->rolearn != NULL ? ", assuming " : "",
		  c->rolearn != NULL ? c->rolearn : "");
	*out = c;
	c = NULL;
cleanup:
	aws_client_free(c);
	return rc;
}

const char *aws_client_region(const aws_client *c)
{
	return c->region;
}

const char *aws_client_account(const aws_client *c)
{
	return c->account;
}

const char *aws_client_endpoint(const aws_client *c, bool *custom)
{
	if (custom != NULL) {
		*custom = c->custom_endpoint;
	}
	return c->endpoint;
}

saker_send_result aws_client_send(aws_client *c, const aws_request *req, char *code, size_t codelen, char *err,
				  size_t errlen)
{
	char my_code[96], msg[256], why[512];
	saker_send_result res;

	if (code == NULL) {
		code = my_code;
		codelen = sizeof(my_code);
	}
	code[0] = '\0';
	if (aws_refresh(c, err, errlen) != SK_OK) {
		return SAKER_SEND_RETRY; /* the credentials endpoint may come back */
	}
	if (spl_http_set_url(c->http, req->url) != SK_OK || spl_http_set_method(c->http, req->method) != SK_OK ||
	    spl_http_add_header(c->http, "Content-Type", req->content_type) != SK_OK ||
	    (req->target != NULL ? spl_http_add_header(c->http, "X-Amz-Target", req->target)
				 : spl_http_drop_header(c->http, "X-Amz-Target")) != SK_OK) {
		snprintf(err, errlen, "bad request URL or out of memory");
		return SAKER_SEND_FAIL;
	}
	for (size_t i = 0; req->headers != NULL && req->headers[i] != NULL && req->headers[i + 1] != NULL; i += 2) {
		if (spl_http_add_header(c->http, req->headers[i], req->headers[i + 1]) != SK_OK) {
			snprintf(err, errlen, "header %s: not a header value", req->headers[i]);
			return SAKER_SEND_FAIL;
		}
	}
	res = spl_http_send(c->http, req->body, req->len, why, sizeof(why));
	if (res == SAKER_SEND_OK) {
		return res;
	}
	long status = spl_http_last_status(c->http);
	if (status == 0) {
		snprintf(err, errlen, "%s", why);
		return res;
	}
	const char *answer = spl_http_last_answer(c->http);
	aws_error_of(answer, strlen(answer), code, codelen, msg, sizeof(msg));
	if (code[0] == '\0') {
		snprintf(err, errlen, "%s", why);
		return res;
	}
	snprintf(err, errlen, "HTTP %ld %s: %s", status, code, msg);
	if (aws_code_expired(code)) {
		/* renew before the retry */
		c->base.expires = c->source >= AWS_SOURCE_WEB_IDENTITY ? 1 : c->base.expires;
		c->role.expires = c->role.key_id != NULL ? 1 : 0;
	}
	return aws_code_transient(code) ? SAKER_SEND_RETRY : res;
}

void aws_client_free(aws_client *c)
{
	if (c == NULL) {
		return;
	}
	spl_http_free(c->http);
	spl_http_free(c->sts);
	aws_creds_clear(&c->base);
	aws_creds_clear(&c->role);
	free(c->endpoint);
	free(c->rolearn);
	free(c->externalid);
	free(c);
}
