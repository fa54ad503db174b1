/* gcp_auth: OAuth 2.0 access tokens for Falcosidekick's gcp.* outputs.
 *
 * From a service account key (gcp.credentials: the key file's JSON in
 * base64, as Falcosidekick; else the file GOOGLE_APPLICATION_CREDENTIALS
 * names): a JWT signed RS256 with the key's private key (OpenSSL) is
 * exchanged at the key's token_uri. Without a key: the metadata server of
 * GKE / GCE (GCE_METADATA_HOST, else metadata.google.internal). Tokens
 * are renewed 5 minutes before they expire, or halfway through a shorter
 * life, and after a 401. */
#ifndef GCP_AUTH_H
#define GCP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* The fields of a service account key Saker uses (malloc'd). */
typedef struct gcp_service_account {
	char *client_email;
	char *private_key; /* PEM */
	char *private_key_id;
	char *token_uri;
	char *project_id;
} gcp_service_account;

/* Reads a service account key (JSON, len bytes). SK_EPARSE, with the
 * missing field in err, when it is not one (type service_account with
 * client_email, private_key and token_uri). */
sk_err gcp_service_account_parse(const char *json, size_t len, gcp_service_account *sa, char *err, size_t errlen);

/* Frees the fields (the private key wiped first). */
void gcp_service_account_free(gcp_service_account *sa);

/* Writes the signed JWT asking token_uri for scope at now (Unix seconds):
 * {"alg":"RS256","typ":"JWT","kid":...}.{"iss","scope","aud","iat","exp"
 * (now + 1 h)}, base64url. SK_EINVAL with OpenSSL's reason in err when the
 * private key cannot sign. */
sk_err gcp_jwt(const gcp_service_account *sa, const char *scope, int64_t now, sk_strbuf *out, char *err,
	       size_t errlen);

/* Reads a token answer ({"access_token","expires_in","token_type"}) into
 * *token (malloc'd) and *expires_in (seconds, 0 when absent). SK_EPARSE
 * when there is no access_token. */
sk_err gcp_token_parse(const char *json, size_t len, char **token, int64_t *expires_in);

typedef struct gcp_auth gcp_auth;

/* Reads the instance's credentials for scope (an OAuth scope URL); with
 * none, the metadata server. Fetches the first token, so bad credentials
 * stop the start with the reason in err. */
sk_err gcp_auth_new(const saker_plugin_host *host, const char *scope, gcp_auth **out, char *err, size_t errlen);

/* The Authorization header value ("Bearer <token>"), renewed first when
 * due. SK_EIO with the reason in err when no token could be had. */
sk_err gcp_auth_header(gcp_auth *a, const char **value, char *err, size_t errlen);

/* Makes the next gcp_auth_header() fetch a new token (after a 401). */
void gcp_auth_expire(gcp_auth *a);

/* The key's project_id ("" without a key). */
const char *gcp_auth_project(const gcp_auth *a);

/* Frees it; NULL is fine. */
void gcp_auth_free(gcp_auth *a);

#endif
