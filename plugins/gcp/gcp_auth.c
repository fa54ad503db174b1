#include "gcp_auth.h"

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spl_fields.h"
#include "spl_http.h"
#include "spl_util.h"

#define GCP_MAX_KEY_FILE (64 * 1024)
#define GCP_DEFAULT_METADATA "metadata.google.internal"

struct gcp_auth {
	char *scope;
	gcp_service_account sa; /* client_email NULL: the metadata server */
	spl_bearer bearer;
};

/* A copy of the string member name, NULL when absent or not a non-empty
 * string; *oom set when the copy failed. */
static char *gcp_member(json_object *root, const char *name, bool *oom)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(root, name, &v) || !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0) {
		return NULL;
	}
	char *copy = strdup(json_object_get_string(v));
	*oom = *oom || copy == NULL;
	return copy;
}

void gcp_service_account_free(gcp_service_account *sa)
{
	if (sa->private_key != NULL) {
		explicit_bzero(sa->private_key, strlen(sa->private_key));
	}
	free(sa->client_email);
	free(sa->private_key);
	free(sa->private_key_id);
	free(sa->token_uri);
	free(sa->project_id);
	memset(sa, 0, sizeof(*sa));
}

sk_err gcp_service_account_parse(const char *json, size_t len, gcp_service_account *sa, char *err, size_t errlen)
{
	json_object *root = spl_json_object(json, len);
	bool oom = false;
	sk_err rc = SK_OK;

	memset(sa, 0, sizeof(*sa));
	if (root == NULL) {
		snprintf(err, errlen, "not a JSON object (want a service account key file)");
		return SK_EPARSE;
	}
	char *type = gcp_member(root, "type", &oom);
	sa->client_email = gcp_member(root, "client_email", &oom);
	sa->private_key = gcp_member(root, "private_key", &oom);
	sa->private_key_id = gcp_member(root, "private_key_id", &oom);
	sa->token_uri = gcp_member(root, "token_uri", &oom);
	sa->project_id = gcp_member(root, "project_id", &oom);
	if (oom) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
	} else if (type == NULL || strcmp(type, "service_account") != 0) {
		snprintf(err, errlen, "type '%s': want a service_account key (other credential types are not supported)",
			 type != NULL ? type : "");
		rc = SK_EPARSE;
	} else if (sa->client_email == NULL || sa->private_key == NULL || sa->token_uri == NULL) {
		snprintf(err, errlen, "the key lacks %s",
			 sa->client_email == NULL ? "client_email" : sa->private_key == NULL ? "private_key" : "token_uri");
		rc = SK_EPARSE;
	} else if (strncmp(sa->token_uri, "https://", 8) != 0 && strncmp(sa->token_uri, "http://", 7) != 0) {
		snprintf(err, errlen, "token_uri '%s': want an http(s) URL", sa->token_uri);
		rc = SK_EPARSE;
	}
	free(type);
	json_object_put(root);
	if (rc != SK_OK) {
		gcp_service_account_free(sa);
	}
	return rc;
}

sk_err gcp_token_parse(const char *json, size_t len, char **token, int64_t *expires_in)
{
	json_object *root = spl_json_object(json, len), *v = NULL;
	bool oom = false;

	*token = NULL;
	*expires_in = 0;
	if (root == NULL) {
		return SK_EPARSE;
	}
	*token = gcp_member(root, "access_token", &oom);
	if (json_object_object_get_ex(root, "expires_in", &v) && json_object_is_type(v, json_type_int)) {
		*expires_in = json_object_get_int64(v);
	}
	json_object_put(root);
	if (oom) {
		return SK_ENOMEM;
	}
	/* it goes into a header: printable ASCII only */
	for (const char *c = *token; c != NULL && *c != '\0'; c++) {
		if (*c <= 0x20 || *c >= 0x7f) {
			free(*token);
			*token = NULL;
		}
		if (*token == NULL) {
			break;
		}
	}
	return *token != NULL ? SK_OK : SK_EPARSE;
}

/* ---- the JWT ---- */

/* Appends base64url (RFC 4648 §5, no padding) of len bytes. */
static void gcp_base64url(sk_strbuf *sb, const void *data, size_t len)
{
	size_t start = sb->len;
	sk_strbuf_base64(sb, data, len);
	if (sk_strbuf_failed(sb)) {
		return;
	}
	size_t out = start;
	for (size_t i = start; i < sb->len; i++) {
		char c = sb->data[i];
		if (c != '=') {
			sb->data[out++] = c == '+' ? '-' : c == '/' ? '_' : c;
		}
	}
	sb->len = out;
	sb->data[out] = '\0';
}

static void gcp_openssl_reason(const char *what, char *err, size_t errlen)
{
	unsigned long e = ERR_get_error();
	char reason[256] = "unknown error";
	if (e != 0) {
		ERR_error_string_n(e, reason, sizeof(reason));
	}
	ERR_clear_error();
	snprintf(err, errlen, "%s: %s", what, reason);
}

sk_err gcp_jwt(const gcp_service_account *sa, const char *scope, int64_t now, sk_strbuf *out, char *err,
	       size_t errlen)
{
	sk_strbuf part = SK_STRBUF_INIT;
	BIO *bio = BIO_new_mem_buf(sa->private_key, -1);
	EVP_PKEY *key = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char sig[1024];
	size_t siglen = sizeof(sig);
	sk_err rc = SK_OK;

	sk_strbuf_reset(out);
	if (key == NULL) {
		gcp_openssl_reason("private_key: not a PEM private key", err, errlen);
		rc = SK_EINVAL;
		goto cleanup;
	}
	sk_strbuf_puts(&part, "{\"alg\":\"RS256\",\"typ\":\"JWT\"");
	if (sa->private_key_id != NULL) {
		sk_strbuf_puts(&part, ",\"kid\":");
		spl_json_go_string(&part, sa->private_key_id);
	}
	sk_strbuf_putc(&part, '}');
	gcp_base64url(out, part.data, part.len);
	sk_strbuf_putc(out, '.');
	sk_strbuf_reset(&part);
	sk_strbuf_puts(&part, "{\"iss\":");
	spl_json_go_string(&part, sa->client_email);
	sk_strbuf_puts(&part, ",\"scope\":");
	spl_json_go_string(&part, scope);
	sk_strbuf_puts(&part, ",\"aud\":");
	spl_json_go_string(&part, sa->token_uri);
	sk_strbuf_printf(&part, ",\"iat\":%lld,\"exp\":%lld}", (long long)now, (long long)(now + 3600));
	gcp_base64url(out, part.data, part.len);
	if (sk_strbuf_failed(&part) || sk_strbuf_failed(out) || md == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
		goto cleanup;
	}
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, (const unsigned char *)out->data, out->len) != 1) {
		gcp_openssl_reason("private_key: cannot sign RS256 with it", err, errlen);
		rc = SK_EINVAL;
		goto cleanup;
	}
	sk_strbuf_putc(out, '.');
	gcp_base64url(out, sig, siglen);
	if (sk_strbuf_failed(out)) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
	}
cleanup:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	BIO_free(bio);
	sk_strbuf_free(&part);
	return rc;
}

/* ---- fetching tokens ---- */

static const char *gcp_env(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* Exchanges a fresh JWT at the key's token_uri, or asks the metadata
 * server; keeps the token in a->bearer. */
static sk_err gcp_fetch_token(gcp_auth *a, char *err, size_t errlen)
{
	sk_strbuf jwt = SK_STRBUF_INIT, body = SK_STRBUF_INIT, answer = SK_STRBUF_INIT, url = SK_STRBUF_INIT;
	char *token = NULL;
	int64_t expires_in = 0, now = (int64_t)time(NULL);
	long status = 0;
	sk_err rc;

	if (a->sa.client_email != NULL) {
		static const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
		rc = gcp_jwt(&a->sa, a->scope, now, &jwt, err, errlen);
		if (rc != SK_OK) {
			goto cleanup;
		}
		sk_strbuf_puts(&body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
		sk_strbuf_append(&body, jwt.data, jwt.len); /* base64url and dots: nothing to escape */
		sk_strbuf_puts(&url, a->sa.token_uri);
		if (sk_strbuf_failed(&body) || sk_strbuf_failed(&url)) {
			snprintf(err, errlen, "out of memory");
			rc = SK_ENOMEM;
			goto cleanup;
		}
		rc = spl_http_fetch("POST", sk_strbuf_str(&url), form, sk_strbuf_str(&body), &answer, &status, err,
				    errlen);
	} else {
		static const char *const flavor[] = {"Metadata-Flavor: Google", NULL};
		const char *host = gcp_env("GCE_METADATA_HOST");
		sk_strbuf_printf(&url, "http://%s/computeMetadata/v1/instance/service-accounts/default/token?scopes=",
				 host != NULL ? host : GCP_DEFAULT_METADATA);
		spl_uri_encode(&url, a->scope, false);
		if (sk_strbuf_failed(&url)) {
			snprintf(err, errlen, "out of memory");
			rc = SK_ENOMEM;
			goto cleanup;
		}
		rc = spl_http_fetch("GET", sk_strbuf_str(&url), flavor, NULL, &answer, &status, err, errlen);
	}
	if (rc != SK_OK) {
		goto cleanup;
	}
	if (status != 200) {
		/* OAuth's {"error","error_description"}: one line of it */
		snprintf(err, errlen, "token from %.*s: HTTP %ld: %.200s", (int)strcspn(sk_strbuf_str(&url), "?"),
			 sk_strbuf_str(&url), status, sk_strbuf_str(&answer));
		for (char *c = err; *c != '\0'; c++) {
			*c = (unsigned char)*c < 0x20 ? ' ' : *c;
		}
		rc = SK_EIO;
		goto cleanup;
	}
	rc = gcp_token_parse(answer.data, answer.len, &token, &expires_in);
	if (rc != SK_OK) {
		snprintf(err, errlen, "token from %.*s: the answer holds no access_token",
			 (int)strcspn(sk_strbuf_str(&url), "?"), sk_strbuf_str(&url));
		rc = SK_EIO;
		goto cleanup;
	}
	rc = spl_bearer_set(&a->bearer, token, expires_in);
	if (rc != SK_OK) {
		snprintf(err, errlen, "out of memory");
	}
cleanup:
	free(token);
	sk_strbuf_free(&jwt);
	sk_strbuf_free(&body);
	sk_strbuf_free(&answer);
	sk_strbuf_free(&url);
	return rc;
}

/* The key: gcp.credentials (base64 of the JSON), else the file
 * GOOGLE_APPLICATION_CREDENTIALS names; *found false for neither. */
static sk_err gcp_read_key(const saker_plugin_host *host, gcp_service_account *sa, bool *found, char *err,
			   size_t errlen)
{
	const char *b64 = host->config_string(host->ctx, "credentials", "");
	const char *file = gcp_env("GOOGLE_APPLICATION_CREDENTIALS");
	sk_strbuf json = SK_STRBUF_INIT;
	char why[256];
	sk_err rc = SK_OK;

	*found = b64[0] != '\0' || file != NULL;
	if (b64[0] != '\0') {
		rc = spl_base64_decode_text(&json, b64);
		if (rc != SK_OK) {
			snprintf(err, errlen, "%s", rc == SK_ENOMEM ? "out of memory"
					     : "credentials: not base64 (want the key file's JSON in base64)");
			goto cleanup;
		}
	} else if (file != NULL) {
		rc = spl_read_file(file, GCP_MAX_KEY_FILE, false, &json, why, sizeof(why));
		if (rc != SK_OK) {
			snprintf(err, errlen, "GOOGLE_APPLICATION_CREDENTIALS %s", why);
			goto cleanup;
		}
	} else {
		goto cleanup;
	}
	if (sk_strbuf_failed(&json)) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
		goto cleanup;
	}
	rc = gcp_service_account_parse(json.data != NULL ? json.data : "", json.len, sa, why, sizeof(why));
	if (rc != SK_OK) {
		snprintf(err, errlen, "%s: %s", b64[0] != '\0' ? "credentials" : file, why);
	}
cleanup:
	if (json.data != NULL) {
		explicit_bzero(json.data, json.len);
	}
	sk_strbuf_free(&json);
	return rc;
}

sk_err gcp_auth_new(const saker_plugin_host *host, const char *scope, gcp_auth **out, char *err, size_t errlen)
{
	gcp_auth *a = calloc(1, sizeof(*a));
	bool found = false;
	char why[512];
	sk_err rc;

	*out = NULL;
	if (a == NULL || (a->scope = strdup(scope)) == NULL) {
		free(a);
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	rc = gcp_read_key(host, &a->sa, &found, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	rc = gcp_fetch_token(a, why, sizeof(why));
	if (rc != SK_OK) {
		snprintf(err, errlen, "%s%s", found ? "" : "no gcp.credentials nor GOOGLE_APPLICATION_CREDENTIALS, and the "
							   "metadata server: ",
			 why);
		goto cleanup;
	}
	host->log(host->ctx, SAKER_LOG_INFO, "access tokens for %s", found ? a->sa.client_email : "the metadata server's account");
	*out = a;
	a = NULL;
cleanup:
	gcp_auth_free(a);
	return rc;
}

sk_err gcp_auth_header(gcp_auth *a, const char **value, char *err, size_t errlen)
{
	if (spl_bearer_due(&a->bearer) && gcp_fetch_token(a, err, errlen) != SK_OK) {
		return SK_EIO;
	}
	*value = a->bearer.header;
	return SK_OK;
}

void gcp_auth_expire(gcp_auth *a)
{
	spl_bearer_expire(&a->bearer);
}

const char *gcp_auth_project(const gcp_auth *a)
{
	return a->sa.project_id != NULL ? a->sa.project_id : "";
}

void gcp_auth_free(gcp_auth *a)
{
	if (a == NULL) {
		return;
	}
	gcp_service_account_free(&a->sa);
	free(a->scope);
	spl_bearer_free(&a->bearer);
	free(a);
}
