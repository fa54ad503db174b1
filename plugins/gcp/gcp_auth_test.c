/* gcp_auth and gcp_payload: service account keys, the signed JWT (checked
 * here with the public half of a key made for the test), token answers,
 * the Pub/Sub and Cloud Functions bodies, function names and Google's
 * error answers. */
#include "gcp_auth.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcp_payload.h"
#include "sk_test.h"
#include "spl_util.h"

/* A service account key around a fresh RSA key; *pub gets its public half. */
static char *make_key_json(EVP_PKEY **pub)
{
	EVP_PKEY *key = EVP_RSA_gen(2048);
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem = NULL, *json = NULL;
	long n;

	if (key == NULL || bio == NULL || PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) != 1) {
		EVP_PKEY_free(key);
		BIO_free(bio);
		return NULL;
	}
	n = BIO_get_mem_data(bio, &pem);
	sk_strbuf sb = SK_STRBUF_INIT;
	sk_strbuf_puts(&sb, "{\"type\":\"service_account\",\"project_id\":\"falco-prod\",\"private_key_id\":\"k1\","
			    "\"private_key\":");
	sk_strbuf_json_string(&sb, pem, (size_t)n);
	sk_strbuf_puts(&sb, ",\"client_email\":\"saker@falco-prod.iam.gserviceaccount.com\","
			    "\"token_uri\":\"https://oauth2.googleapis.com/token\"}");
	json = strdup(sk_strbuf_str(&sb));
	sk_strbuf_free(&sb);
	BIO_free(bio);
	*pub = key;
	return json;
}

/* base64url without padding, decoded */
static void b64url_decode(const char *s, size_t len, sk_strbuf *out)
{
	sk_strbuf std = SK_STRBUF_INIT;
	for (size_t i = 0; i < len; i++) {
		sk_strbuf_putc(&std, s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i]);
	}
	while (std.len % 4 != 0) {
		sk_strbuf_putc(&std, '=');
	}
	SK_CHECK_INT(spl_base64_decode(out, std.data, std.len), SK_OK);
	sk_strbuf_free(&std);
}

SK_TEST(service_account_jwt_is_signed_rs256_with_the_claims_google_wants)
{
	EVP_PKEY *key = NULL;
	char *json = make_key_json(&key), err[256] = "";
	gcp_service_account sa;
	sk_strbuf jwt = SK_STRBUF_INIT, part = SK_STRBUF_INIT;

	SK_CHECK(json != NULL);
	if (json == NULL) {
		return;
	}
	SK_CHECK_INT(gcp_service_account_parse(json, strlen(json), &sa, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(sa.client_email, "saker@falco-prod.iam.gserviceaccount.com");
	SK_CHECK_STR(sa.project_id, "falco-prod");
	SK_CHECK_INT(gcp_jwt(&sa, "https://www.googleapis.com/auth/pubsub", 1796126400, &jwt, err, sizeof(err)), SK_OK);
	const char *dot1 = strchr(jwt.data, '.'), *dot2 = dot1 != NULL ? strchr(dot1 + 1, '.') : NULL;
	SK_CHECK(dot1 != NULL && dot2 != NULL && strchr(dot2 + 1, '.') == NULL);
	if (dot2 != NULL) {
		b64url_decode(jwt.data, (size_t)(dot1 - jwt.data), &part);
		SK_CHECK_STR(sk_strbuf_str(&part), "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}");
		b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &part);
		SK_CHECK_STR(sk_strbuf_str(&part),
			     "{\"iss\":\"saker@falco-prod.iam.gserviceaccount.com\",\"scope\":"
			     "\"https://www.googleapis.com/auth/pubsub\",\"aud\":\"https://oauth2.googleapis.com/token\","
			     "\"iat\":1796126400,\"exp\":1796130000}");
		b64url_decode(dot2 + 1, strlen(dot2 + 1), &part);
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		SK_CHECK(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
			 EVP_DigestVerify(md, (const unsigned char *)part.data, part.len, (const unsigned char *)jwt.data,
					  (size_t)(dot2 - jwt.data)) == 1);
		EVP_MD_CTX_free(md);
		SK_CHECK(strpbrk(jwt.data, "+/=") == NULL);
	}
	gcp_service_account_free(&sa);

	/* a key whose private_key is not one */
	static const char broken[] = "{\"type\":\"service_account\",\"client_email\":\"a@b\",\"private_key\":\"-----BEGIN "
				     "PRIVATE KEY-----\\nnope\\n-----END PRIVATE KEY-----\\n\",\"token_uri\":\"https://t\"}";
	SK_CHECK_INT(gcp_service_account_parse(broken, strlen(broken), &sa, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(gcp_jwt(&sa, "s", 1, &jwt, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "private_key: not a PEM private key");
	gcp_service_account_free(&sa);
	sk_strbuf_free(&jwt);
	sk_strbuf_free(&part);
	EVP_PKEY_free(key);
	free(json);
}

SK_TEST(service_account_refusals_name_what_is_missing)
{
	static const struct {
		const char *json;
		const char *err;
	} cases[] = {
		{"[]", "not a JSON object"},
		{"{\"type\":\"authorized_user\"}", "type 'authorized_user': want a service_account key"},
		{"{\"type\":\"service_account\",\"private_key\":\"k\",\"token_uri\":\"https://t\"}", "lacks client_email"},
		{"{\"type\":\"service_account\",\"client_email\":\"e\",\"token_uri\":\"https://t\"}", "lacks private_key"},
		{"{\"type\":\"service_account\",\"client_email\":\"e\",\"private_key\":\"k\"}", "lacks token_uri"},
		{"{\"type\":\"service_account\",\"client_email\":\"e\",\"private_key\":\"k\",\"token_uri\":\"file:///x\"}",
		 "token_uri 'file:///x': want an http(s) URL"},
	};
	gcp_service_account sa;
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		SK_CHECK_INT(gcp_service_account_parse(cases[i].json, strlen(cases[i].json), &sa, err, sizeof(err)),
			     SK_EPARSE);
		SK_CHECK_CONTAINS(err, cases[i].err);
		SK_CHECK(sa.client_email == NULL && sa.private_key == NULL);
	}
}

SK_TEST(token_answers)
{
	char *token = NULL;
	int64_t expires = 0;
	static const char good[] = "{\"access_token\":\"ya29.c.b0\",\"expires_in\":3599,\"token_type\":\"Bearer\"}";

	SK_CHECK_INT(gcp_token_parse(good, strlen(good), &token, &expires), SK_OK);
	SK_CHECK_STR(token, "ya29.c.b0");
	SK_CHECK_INT(expires, 3599);
	free(token);
	static const char *const bad[] = {"{}", "{\"access_token\":\"\"}", "{\"access_token\":\"a b\"}",
					  "{\"access_token\":\"a\\r\\nX-Injected: 1\"}", "nope", "{\"access_token\":7}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SK_CHECK_INT(gcp_token_parse(bad[i], strlen(bad[i]), &token, &expires), SK_EPARSE);
		SK_CHECK(token == NULL);
	}
}

SK_TEST(bodies_names_and_errors)
{
	static const char json[] = "{\"rule\":\"r\"}";
	saker_alert a = {.uuid = "u", .json = json, .json_len = sizeof(json) - 1};
	const saker_alert *two[] = {&a, &a};
	const char *const keys[] = {"cluster", "env"}, *const values[] = {"prod-1", "p\"q"};
	sk_strbuf b = SK_STRBUF_INIT;
	char msg[256];

	SK_CHECK_INT(gcp_pubsub_body(&b, two, 2, keys, values, 2), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "{\"messages\":[{\"data\":\"eyJydWxlIjoiciJ9\",\"attributes\":{\"cluster\":"
					"\"prod-1\",\"env\":\"p\\\"q\"}},{\"data\":\"eyJydWxlIjoiciJ9\",\"attributes\":{"
					"\"cluster\":\"prod-1\",\"env\":\"p\\\"q\"}}]}");
	SK_CHECK_INT(gcp_pubsub_body(&b, two, 1, NULL, NULL, 0), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "{\"messages\":[{\"data\":\"eyJydWxlIjoiciJ9\"}]}");
	a.time_ns = 1796126400000000001LL;
	SK_CHECK_INT(gcp_chronicle_body(&b, two, 1, 1796126400500000000LL), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "{\"inline_source\":{\"logs\":[{\"data\":\"eyJydWxlIjoiciJ9\",\"log_entry_time\":"
					"\"2026-12-01T12:00:00.000000001Z\",\"collection_time\":\"2026-12-01T12:00:00.5Z\"}]}}");
	SK_CHECK_INT(gcp_function_body(&b, &a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "{\"data\":\"{\\\"rule\\\":\\\"r\\\"}\"}");
	sk_strbuf_free(&b);

	SK_CHECK(gcp_function_name_ok("projects/p/locations/europe-west1/functions/falco"));
	static const char *const bad[] = {"falco", "projects/p/locations/l/functions/", "projects//locations/l/functions/f",
					  "projects/p/locations/l/functions/f/x", "projects/p/functions/f",
					  "projects/p/locations/l/functions/f?x=1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (gcp_function_name_ok(bad[i])) {
			SK_CHECK_STR(bad[i], "(refused)");
		}
	}

	static const char e1[] = "{\"error\":{\"code\":404,\"message\":\"Resource not found (resource=falco).\","
				 "\"status\":\"NOT_FOUND\"}}";
	gcp_error_of(e1, strlen(e1), msg, sizeof(msg));
	SK_CHECK_STR(msg, "NOT_FOUND: Resource not found (resource=falco).");
	static const char e2[] = "{\"executionId\":\"x\",\"error\":\"ReferenceError: y is not defined\"}";
	gcp_error_of(e2, strlen(e2), msg, sizeof(msg));
	SK_CHECK_STR(msg, "ReferenceError: y is not defined");
	static const char ok[] = "{\"executionId\":\"x\",\"result\":\"done\"}";
	gcp_error_of(ok, strlen(ok), msg, sizeof(msg));
	SK_CHECK_STR(msg, "");
	gcp_error_of("not json", 8, msg, sizeof(msg));
	SK_CHECK_STR(msg, "");
}

SK_TEST_MAIN()
