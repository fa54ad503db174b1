/* gcp.pubsub, gcp.storage, gcp.cloudfunctions and gcp.chronicle against loopback
 * receivers standing in for Google's APIs and token endpoint: a service
 * account key made for the test (openssl), whose token_uri is the
 * receiver, gives a JWT that PyJWT (jwt_check.py, Debian's python3-jwt)
 * verifies, exchanged for the token each request carries; batches, a 401
 * renewing the token, the Pub/Sub emulator, the metadata server, the key
 * from GOOGLE_APPLICATION_CREDENTIALS, a failed function and the refusals
 * at start. */
#define _GNU_SOURCE
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"
#include "spl_util.h"

#define PYTHON "/usr/bin/python3" /* Debian's, where python3-jwt lives */
#define JWT_CHECK "tests/plugins/jwt_check.py"
#define EMAIL "saker@falco-prod.iam.gserviceaccount.com"
#define TOKEN_ANSWER "{\"access_token\":\"ya29.saker-test\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"

static char dir[] = "/tmp/saker-gcp-XXXXXX";
static char key_b64[8192];
static char token_uri[96];
static char endpoint[64];

static int run(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A receiver for the APIs and the token endpoint, and a service account
 * key (base64 in key_b64, the file in dir/key.json) whose token_uri is it. */
static hp_peer *start_google(void)
{
	hp_peer *peer = NULL;
	char cmd[1024];

	if (hp_start(&peer, 200, 0) != SK_OK) {
		SK_CHECK(!"a loopback receiver");
		return NULL;
	}
	hp_route(peer, "/token", 200, TOKEN_ANSWER);
	snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", hp_port(peer));
	snprintf(token_uri, sizeof(token_uri), "%s/token", endpoint);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && " PYTHON " -c 'import json,sys; print(json.dumps({\"type\":\"service_account\","
		 "\"project_id\":\"falco-prod\",\"private_key_id\":\"k1\",\"private_key\":open(\"key.pem\").read(),"
		 "\"client_email\":\"%s\",\"token_uri\":\"%s\"}))' > key.json && base64 -w0 key.json > key.b64",
		 dir, EMAIL, token_uri);
	SK_CHECK_INT(run(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/key.b64", dir);
	FILE *f = fopen(cmd, "r");
	size_t n = f != NULL ? fread(key_b64, 1, sizeof(key_b64) - 1, f) : 0;
	key_b64[n] = '\0';
	if (f != NULL) {
		fclose(f);
	}
	unsetenv("PUBSUB_EMULATOR_HOST");
	unsetenv("STORAGE_EMULATOR_HOST");
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	setenv("GCE_METADATA_HOST", "127.0.0.1:1", 1); /* never the machine's */
	return peer;
}

/* Checks that r is the token exchange of a JWT for scope that PyJWT
 * verifies with the test key. */
static void check_token_request(const hp_request *r, const char *scope)
{
	static const char prefix[] = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
	char cmd[4096], out[512] = "";

	SK_CHECK_STR(r->method, "POST");
	SK_CHECK_STR(r->raw_url, "/token");
	SK_CHECK_CONTAINS(r->headers, "Content-Type: application/x-www-form-urlencoded\n");
	SK_CHECK(strncmp(r->body, prefix, sizeof(prefix) - 1) == 0);
	if (strncmp(r->body, prefix, sizeof(prefix) - 1) != 0 || strlen(r->body) > 3000) {
		return;
	}
	snprintf(cmd, sizeof(cmd), "%s %s '%s' %s/pub.pem '%s' '%s' '%s' 2>&1", PYTHON, JWT_CHECK,
		 r->body + sizeof(prefix) - 1, dir, EMAIL, token_uri, scope);
	FILE *p = popen(cmd, "r");
	size_t n = p != NULL ? fread(out, 1, sizeof(out) - 1, p) : 0;
	int rc = p != NULL ? pclose(p) : -1;
	out[n] = '\0';
	if (rc != 0 || strcmp(out, "ok\n") != 0) {
		fprintf(stderr, "jwt_check: %s", out);
		SK_CHECK(!"the JWT verifies");
	}
}

static const char *json_str(json_object *o, const char *name)
{
	json_object *v = NULL;
	return o != NULL && json_object_object_get_ex(o, name, &v) ? json_object_get_string(v) : "";
}

/* The decoded data of message i of a publish body. */
static void message_data(const char *body, size_t i, sk_strbuf *out)
{
	json_object *root = json_tokener_parse(body), *messages = NULL;
	sk_strbuf_reset(out);
	if (root != NULL && json_object_object_get_ex(root, "messages", &messages) &&
	    i < json_object_array_length(messages)) {
		const char *data = json_str(json_object_array_get_idx(messages, i), "data");
		SK_CHECK_INT(spl_base64_decode(out, data, strlen(data)), SK_OK);
	}
	json_object_put(root);
}

SK_TEST(pubsub_publishes_batches_with_a_service_account_token)
{
	hp_peer *peer = start_google();
	ph_plugin p = {0};
	ph_alert a[3];
	sk_strbuf data = SK_STRBUF_INIT;

	if (peer == NULL) {
		return;
	}
	hp_set_reply_body(peer, "{\"messageIds\":[\"1\",\"2\",\"3\"]}");
	const char *const cfg[] = {"credentials", key_b64, "projectid", "falco-prod", "topic", "alerts", "endpoint",
				   endpoint, "customattributes.cluster", "prod-1", NULL};
	SK_CHECK(ph_open(&p, "gcp.pubsub", cfg));
	SK_CHECK_INT(hp_count(peer), 1);
	if (hp_count(peer) == 1) {
		check_token_request(hp_get(peer, 0), "https://www.googleapis.com/auth/pubsub");
	}
	ph_alert_make(&a[0], 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_OK);
	const hp_request *r = hp_count(peer) == 2 ? hp_get(peer, 1) : NULL;
	SK_CHECK(r != NULL);
	if (r != NULL) {
		SK_CHECK_STR(r->raw_url, "/v1/projects/falco-prod/topics/alerts:publish");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer ya29.saker-test\n");
		SK_CHECK_CONTAINS(r->body, "\"attributes\":{\"cluster\":\"prod-1\"}");
		message_data(r->body, 0, &data);
		SK_CHECK_STR(sk_strbuf_str(&data), a[0].json);
	}
	/* a batch is one request; the token is reused */
	const saker_alert *batch[3];
	for (int i = 0; i < 3; i++) {
		ph_alert_make(&a[i], 10 + i);
		batch[i] = &a[i].a;
	}
	SK_CHECK(p.api->max_batch >= 3);
	SK_CHECK_INT(p.api->send_batch(p.state, batch, 3, p.err, sizeof(p.err)), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 3);
	if (hp_count(peer) == 3) {
		for (size_t i = 0; i < 3; i++) {
			message_data(hp_get(peer, 2)->body, i, &data);
			SK_CHECK_STR(sk_strbuf_str(&data), a[i].json);
		}
	}
	/* a 401: RETRY, and the next attempt fetches a new token */
	hp_set_reply(peer, 401, 0);
	hp_set_reply_body(peer, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication "
				"credentials.\",\"status\":\"UNAUTHENTICATED\"}}");
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "HTTP 401 UNAUTHENTICATED: Request had invalid authentication credentials.");
	hp_set_reply(peer, 200, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 6); /* publish (401), token, publish */
	if (hp_count(peer) == 6) {
		SK_CHECK_STR(hp_get(peer, 4)->raw_url, "/token");
	}
	/* NOT_FOUND is not retried; 409 ABORTED is */
	hp_set_reply(peer, 404, 0);
	hp_set_reply_body(peer, "{\"error\":{\"code\":404,\"message\":\"Resource not found (resource=alerts).\","
				"\"status\":\"NOT_FOUND\"}}");
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "HTTP 404 NOT_FOUND: Resource not found (resource=alerts).");
	hp_set_reply(peer, 409, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_RETRY);
	ph_unload(&p);
	hp_set_reply(peer, 200, 0);

	/* no projectid: the key's project_id */
	const char *const from_key[] = {"credentials", key_b64, "topic", "t2", "endpoint", endpoint, NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "gcp.pubsub", from_key));
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_OK);
	SK_CHECK_STR(hp_get(peer, hp_count(peer) - 1)->raw_url, "/v1/projects/falco-prod/topics/t2:publish");
	ph_unload(&p);

	/* the emulator: plain HTTP, no token */
	size_t before = hp_count(peer);
	setenv("PUBSUB_EMULATOR_HOST", endpoint + strlen("http://"), 1);
	const char *const emulated[] = {"projectid", "local", "topic", "alerts", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "gcp.pubsub", emulated));
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), before + 1);
	r = hp_get(peer, hp_count(peer) - 1);
	SK_CHECK_STR(r->raw_url, "/v1/projects/local/topics/alerts:publish");
	SK_CHECK(strstr(r->headers, "Authorization") == NULL);
	ph_unload(&p);
	unsetenv("PUBSUB_EMULATOR_HOST");
	sk_strbuf_free(&data);
	hp_stop(peer);
}

SK_TEST(storage_uploads_one_object_per_alert)
{
	hp_peer *peer = start_google();
	ph_plugin p = {0};
	ph_alert a;
	char cmd[256];

	if (peer == NULL) {
		return;
	}
	/* the key from GOOGLE_APPLICATION_CREDENTIALS this time */
	snprintf(cmd, sizeof(cmd), "%s/key.json", dir);
	setenv("GOOGLE_APPLICATION_CREDENTIALS", cmd, 1);
	const char *const cfg[] = {"bucket", "falco-audit", "prefix", "alerts", "endpoint", endpoint, NULL};
	SK_CHECK(ph_open(&p, "gcp.storage", cfg));
	if (hp_count(peer) == 1) {
		check_token_request(hp_get(peer, 0), "https://www.googleapis.com/auth/devstorage.read_write");
	}
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	const hp_request *r = hp_get(peer, hp_count(peer) - 1);
	static const char want[] = "/upload/storage/v1/b/falco-audit/o?uploadType=media&name=alerts%2F20";
	SK_CHECK(strncmp(r->raw_url, want, sizeof(want) - 1) == 0);
	SK_CHECK(strstr(r->raw_url, "Z.json") != NULL && strstr(r->raw_url, "%3A") != NULL);
	SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer ya29.saker-test\n");
	SK_CHECK_STR(r->body, a.json);
	ph_unload(&p);
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	hp_stop(peer);
}

SK_TEST(cloudfunctions_calls_and_reads_the_function_error)
{
	hp_peer *peer = start_google();
	ph_plugin p = {0};
	ph_alert a;
	static const char name[] = "projects/falco-prod/locations/europe-west1/functions/respond";

	if (peer == NULL) {
		return;
	}
	hp_set_reply_body(peer, "{\"executionId\":\"e1\",\"result\":\"ok\"}");
	const char *const cfg[] = {"credentials", key_b64, "name", name, "endpoint", endpoint, NULL};
	SK_CHECK(ph_open(&p, "gcp.cloudfunctions", cfg));
	if (hp_count(peer) == 1) {
		check_token_request(hp_get(peer, 0), "https://www.googleapis.com/auth/cloud-platform");
	}
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	const hp_request *r = hp_get(peer, hp_count(peer) - 1);
	SK_CHECK_STR(r->raw_url, "/v1/projects/falco-prod/locations/europe-west1/functions/respond:call");
	json_object *body = json_tokener_parse(r->body);
	SK_CHECK_STR(json_str(body, "data"), a.json);
	json_object_put(body);
	hp_set_reply_body(peer, "{\"executionId\":\"e2\",\"error\":\"TypeError: alert.rule is undefined\"}");
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "the function failed: TypeError: alert.rule is undefined");
	ph_unload(&p);

	const char *const bad[] = {"credentials", key_b64, "name", "respond", "endpoint", endpoint, NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "gcp.cloudfunctions", bad));
	SK_CHECK_CONTAINS(p.err, "name 'respond': want projects/<project>/locations/<region>/functions/<function>");
	ph_unload(&p);
	hp_stop(peer);
}

/* Google SecOps (Chronicle): logs:import under the instance, batched */
SK_TEST(chronicle_imports_batches_of_logs)
{
	hp_peer *peer = start_google();
	ph_plugin p = {0};
	ph_alert a[2];
	sk_strbuf data = SK_STRBUF_INIT;

	if (peer == NULL) {
		return;
	}
	hp_set_reply_body(peer, "{}");
	const char *const cfg[] = {"credentials", key_b64, "instanceid", "0f1e2d3c", "region", "europe-west1",
				   "endpoint", endpoint, NULL};
	SK_CHECK(ph_open(&p, "gcp.chronicle", cfg));
	if (hp_count(peer) == 1) {
		check_token_request(hp_get(peer, 0), "https://www.googleapis.com/auth/cloud-platform");
	}
	SK_CHECK_INT(ph_send_made_batch(&p, a, 2), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 2);
	if (hp_count(peer) == 2) {
		const hp_request *r = hp_get(peer, 1);
		SK_CHECK_STR(r->raw_url, "/v1alpha/projects/falco-prod/locations/europe-west1/instances/0f1e2d3c/logTypes/"
					 "FALCO_IDS/logs:import");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer ya29.saker-test\n");
		json_object *root = json_tokener_parse(r->body), *src = NULL, *logs = NULL;
		SK_CHECK(root != NULL && json_object_object_get_ex(root, "inline_source", &src) &&
			 json_object_object_get_ex(src, "logs", &logs) && json_object_array_length(logs) == 2);
		for (size_t i = 0; logs != NULL && i < 2 && i < json_object_array_length(logs); i++) {
			json_object *log = json_object_array_get_idx(logs, i);
			const char *b64 = json_str(log, "data");
			SK_CHECK_INT(spl_base64_decode(&data, b64, strlen(b64)), SK_OK);
			SK_CHECK_STR(sk_strbuf_str(&data), a[i].json);
			SK_CHECK_STR(json_str(log, "log_entry_time"), a[i].time);
		}
		json_object_put(root);
	}
	ph_unload(&p);
	const char *const bad[] = {"credentials", key_b64, "instanceid", "i", "region", "Europe West", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "gcp.chronicle", bad));
	SK_CHECK_CONTAINS(p.err, "region 'Europe West': want a Chronicle region");
	ph_unload(&p);
	sk_strbuf_free(&data);
	hp_stop(peer);
}

SK_TEST(metadata_server_and_refusals)
{
	hp_peer *peer = start_google(), *metadata = NULL;
	ph_plugin p = {0};
	ph_alert a;
	char host[32];

	if (peer == NULL || hp_start(&metadata, 200, 0) != SK_OK) {
		SK_CHECK(!"receivers");
		hp_stop(peer);
		return;
	}
	/* GKE's metadata server, asked for the scope */
	hp_set_reply_body(metadata, "{\"access_token\":\"ya29.node\",\"expires_in\":1800,\"token_type\":\"Bearer\"}");
	snprintf(host, sizeof(host), "127.0.0.1:%d", hp_port(metadata));
	setenv("GCE_METADATA_HOST", host, 1);
	const char *const cfg[] = {"projectid", "p", "topic", "t", "endpoint", endpoint, NULL};
	SK_CHECK(ph_open(&p, "gcp.pubsub", cfg));
	SK_CHECK_INT(hp_count(metadata), 1);
	if (hp_count(metadata) == 1) {
		const hp_request *r = hp_get(metadata, 0);
		SK_CHECK_STR(r->raw_url, "/computeMetadata/v1/instance/service-accounts/default/token?scopes=https%3A%2F%2F"
					 "www.googleapis.com%2Fauth%2Fpubsub");
		SK_CHECK_CONTAINS(r->headers, "Metadata-Flavor: Google\n");
	}
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_CONTAINS(hp_get(peer, hp_count(peer) - 1)->headers, "Authorization: Bearer ya29.node\n");
	ph_unload(&p);
	hp_stop(metadata);

	/* refused at start, each with its reason */
	setenv("GCE_METADATA_HOST", "127.0.0.1:1", 1);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "gcp.pubsub", cfg));
	SK_CHECK_CONTAINS(p.err, "no gcp.credentials nor GOOGLE_APPLICATION_CREDENTIALS, and the metadata server: GET "
				 "http://127.0.0.1:1/computeMetadata/v1/instance/service-accounts/default/token: ");
	ph_unload(&p);
	const char *const not_b64[] = {"credentials", "{\"type\":\"service_account\"}", "projectid", "p", "topic", "t",
				       NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "gcp.pubsub", not_b64));
	SK_CHECK_CONTAINS(p.err, "credentials: not base64 (want the key file's JSON in base64)");
	ph_unload(&p);
	const char *const user_creds[] = {"credentials", "eyJ0eXBlIjoiYXV0aG9yaXplZF91c2VyIn0=", "projectid", "p",
					  "topic", "t", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "gcp.pubsub", user_creds));
	SK_CHECK_CONTAINS(p.err, "credentials: type 'authorized_user': want a service_account key");
	ph_unload(&p);
	hp_stop(peer);

	/* the token endpoint refusing the JWT */
	peer = NULL;
	SK_CHECK(hp_start(&peer, 200, 0) == SK_OK);
	if (peer != NULL) {
		hp_route(peer, "/token", 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
		snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", hp_port(peer));
		char cmd[512];
		snprintf(cmd, sizeof(cmd),
			 "cd %s && sed 's|\"token_uri\": \"[^\"]*\"|\"token_uri\": \"%s/token\"|' key.json | base64 -w0 > "
			 "key2.b64",
			 dir, endpoint);
		SK_CHECK_INT(run(cmd), 0);
		static char refused_b64[8192];
		snprintf(cmd, sizeof(cmd), "%s/key2.b64", dir);
		FILE *f = fopen(cmd, "r");
		size_t n = f != NULL ? fread(refused_b64, 1, sizeof(refused_b64) - 1, f) : 0;
		refused_b64[n] = '\0';
		if (f != NULL) {
			fclose(f);
		}
		const char *const refused[] = {"credentials", refused_b64, "projectid", "p", "topic", "t", NULL};
		memset(&p, 0, sizeof(p));
		SK_CHECK(!ph_open(&p, "gcp.pubsub", refused));
		SK_CHECK_CONTAINS(p.err, "/token: HTTP 400: {\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT "
					 "Signature.\"}");
		ph_unload(&p);
		hp_stop(peer);
	}
}

int main(void)
{
	char cmd[512];
	int rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(cmd, sizeof(cmd),
		 "cd %s && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem 2>/dev/null && "
		 "openssl pkey -in key.pem -pubout -out pub.pem 2>/dev/null",
		 dir);
	if (run(cmd) != 0) {
		fprintf(stderr, "openssl could not make the test key\n");
		return 1;
	}
	rc = sk_test_run();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)run(cmd);
	return rc;
}
