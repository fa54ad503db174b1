/* gcp: Falcosidekick's Google Cloud outputs, one .so per service, this
 * file built with one of:
 *
 *   GCP_PUBSUB          gcp.pubsub.topic (with projectid): topics.publish,
 *                       the Falco JSON alert as each message's data,
 *                       customattributes as its attributes; batches of up
 *                       to 100 alerts in one request
 *   GCP_STORAGE         gcp.storage.bucket: one object per alert at
 *                       <prefix>/<YYYY-MM-DD>/<RFC 3339 time>.json
 *   GCP_CLOUDFUNCTIONS  gcp.cloudfunctions.name: the v1 functions.call API
 *                       with the alert as the data
 *   GCP_CHRONICLE       gcp.chronicle.instanceid (with projectid, region,
 *                       logtype FALCO_IDS): Google SecOps' logs:import,
 *                       batches of up to 100 alerts
 *
 * Access tokens are gcp_auth's (gcp.credentials, read from the gcp section,
 * or the metadata server). The Google client libraries' emulator variables
 * PUBSUB_EMULATOR_HOST and STORAGE_EMULATOR_HOST send to an emulator over
 * HTTP without a token; "endpoint" (a Saker addition) names another API
 * endpoint (a regional or Private Service Connect one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gcp_auth.h"
#include "gcp_payload.h"
#include "saker/output_plugin.h"
#include "spl_http.h"
#include "spl_util.h"

#if defined(GCP_PUBSUB)
#define GCP_NAME "gcp.pubsub"
#define GCP_KEY "topic"
#define GCP_DESCRIPTION "Google Cloud Pub/Sub topic, the Falco JSON alert as the message data"
#define GCP_SCOPE "https://www.googleapis.com/auth/pubsub"
#define GCP_ENDPOINT "https://pubsub.googleapis.com"
#define GCP_EMULATOR_ENV "PUBSUB_EMULATOR_HOST"
#define GCP_MAX_BATCH 100
#define GCP_MAX_ATTRIBUTES 64
#elif defined(GCP_STORAGE)
#define GCP_NAME "gcp.storage"
#define GCP_KEY "bucket"
#define GCP_DESCRIPTION "Google Cloud Storage bucket, one object per Falco JSON alert"
#define GCP_SCOPE "https://www.googleapis.com/auth/devstorage.read_write"
#define GCP_ENDPOINT "https://storage.googleapis.com"
#define GCP_EMULATOR_ENV "STORAGE_EMULATOR_HOST"
#define GCP_MAX_BATCH 1
#elif defined(GCP_CLOUDFUNCTIONS)
#define GCP_NAME "gcp.cloudfunctions"
#define GCP_KEY "name"
#define GCP_DESCRIPTION "Google Cloud Function called with the Falco JSON alert"
#define GCP_SCOPE "https://www.googleapis.com/auth/cloud-platform"
#define GCP_ENDPOINT "https://cloudfunctions.googleapis.com"
#define GCP_MAX_BATCH 1
#elif defined(GCP_CHRONICLE)
#define GCP_NAME "gcp.chronicle"
#define GCP_KEY "instanceid"
#define GCP_DESCRIPTION "Google SecOps (Chronicle) logs:import of Falco JSON alerts, batched"
#define GCP_SCOPE "https://www.googleapis.com/auth/cloud-platform"
#define GCP_ENDPOINT NULL /* https://<region>-chronicle.googleapis.com */
#define GCP_MAX_BATCH 100
#else
#error "define one GCP_<SERVICE>"
#endif

typedef struct gcp_out {
	gcp_auth *auth; /* NULL against an emulator */
	spl_http *http;
	char *base; /* the endpoint, no trailing slash */
	char *url;  /* the request URL (storage: per alert) */
	char *target;
	sk_strbuf body;
#if defined(GCP_PUBSUB)
	char *attr_keys[GCP_MAX_ATTRIBUTES];
	char *attr_values[GCP_MAX_ATTRIBUTES];
	size_t nattr;
	bool attr_oom;
#elif defined(GCP_STORAGE)
	char *prefix;
#endif
} gcp_out;

static void gcp_out_close(void *state)
{
	gcp_out *o = state;
	if (o == NULL) {
		return;
	}
	gcp_auth_free(o->auth);
	spl_http_free(o->http);
	free(o->base);
	free(o->url);
	free(o->target);
	sk_strbuf_free(&o->body);
#if defined(GCP_PUBSUB)
	for (size_t i = 0; i < o->nattr; i++) {
		free(o->attr_keys[i]);
		free(o->attr_values[i]);
	}
#elif defined(GCP_STORAGE)
	free(o->prefix);
#endif
	free(o);
}

#if defined(GCP_PUBSUB)
static void gcp_add_attribute(void *user, const char *key, const char *value)
{
	gcp_out *o = user;
	if (o->nattr >= GCP_MAX_ATTRIBUTES) {
		o->attr_oom = true;
		return;
	}
	o->attr_keys[o->nattr] = strdup(key);
	o->attr_values[o->nattr] = strdup(value);
	o->nattr++;
	o->attr_oom = o->attr_oom || o->attr_keys[o->nattr - 1] == NULL || o->attr_values[o->nattr - 1] == NULL;
}
#endif

/* The endpoint: the emulator's (http, no token), else "endpoint", else
 * Google's. */
static bool gcp_endpoint(gcp_out *o, const saker_plugin_host *host, const char *google, bool *emulator, char *err,
			 size_t errlen)
{
	const char *emulated = NULL;
#if defined(GCP_EMULATOR_ENV)
	emulated = getenv(GCP_EMULATOR_ENV);
	emulated = emulated != NULL && emulated[0] != '\0' ? emulated : NULL;
#endif
	const char *endpoint = host->config_string(host->ctx, "endpoint", google);
	int n;

	*emulator = emulated != NULL;
	if (emulated != NULL) {
		n = asprintf(&o->base, "%s%s", strstr(emulated, "://") != NULL ? "" : "http://", emulated);
	} else {
		n = asprintf(&o->base, "%s", endpoint);
	}
	if (n < 0) {
		o->base = NULL;
		snprintf(err, errlen, "out of memory");
		return false;
	}
	size_t len = strlen(o->base);
	while (len > 0 && o->base[len - 1] == '/') {
		o->base[--len] = '\0';
	}
	if (strncmp(o->base, "https://", 8) != 0 && strncmp(o->base, "http://", 7) != 0) {
		snprintf(err, errlen, "endpoint '%s': want http:// or https://", o->base);
		return false;
	}
	return true;
}

static bool gcp_out_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	gcp_out *o = calloc(1, sizeof(*o));
	sk_strbuf url = SK_STRBUF_INIT;
	bool emulator = false, ok = false;

	if (o == NULL || (o->target = strdup(host->config_string(host->ctx, GCP_KEY, ""))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
#if defined(GCP_CHRONICLE)
	const char *region = host->config_string(host->ctx, "region", "us");
	char google[128];
	if (strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(region) || strlen(region) > 40) {
		snprintf(err, errlen, "region '%.60s': want a Chronicle region such as us or europe-west1", region);
		goto cleanup;
	}
	snprintf(google, sizeof(google), "https://%s-chronicle.googleapis.com", region);
#else
	const char *google = GCP_ENDPOINT;
#endif
	if (!gcp_endpoint(o, host, google, &emulator, err, errlen)) {
		goto cleanup;
	}
	if (!emulator && gcp_auth_new(host, GCP_SCOPE, &o->auth, err, errlen) != SK_OK) {
		goto cleanup;
	}
#if defined(GCP_PUBSUB)
	const char *project = host->config_string(host->ctx, "projectid", "");
	if (project[0] == '\0' && o->auth != NULL) {
		project = gcp_auth_project(o->auth);
	}
	if (project[0] == '\0' || strpbrk(project, "/?#% ") != NULL || strpbrk(o->target, "/?#% ") != NULL) {
		snprintf(err, errlen, "projectid '%s' and topic '%s': want a project id (or a key with project_id) and a "
			 "topic name", project, o->target);
		goto cleanup;
	}
	host->config_map(host->ctx, "customattributes", gcp_add_attribute, o);
	if (o->attr_oom) {
		snprintf(err, errlen, "customattributes: at most %d, or out of memory", GCP_MAX_ATTRIBUTES);
		goto cleanup;
	}
	sk_strbuf_printf(&url, "%s/v1/projects/%s/topics/%s:publish", o->base, project, o->target);
#elif defined(GCP_STORAGE)
	o->prefix = strdup(host->config_string(host->ctx, "prefix", ""));
	if (o->prefix == NULL || strpbrk(o->target, "/?#% ") != NULL || o->target[0] == '\0') {
		snprintf(err, errlen, "bucket '%s': want a bucket name", o->target);
		goto cleanup;
	}
	sk_strbuf_printf(&url, "%s/upload/storage/v1/b/%s/o?uploadType=media", o->base, o->target);
#elif defined(GCP_CHRONICLE)
	const char *project = host->config_string(host->ctx, "projectid", "");
	const char *logtype = host->config_string(host->ctx, "logtype", "FALCO_IDS");
	if (project[0] == '\0' && o->auth != NULL) {
		project = gcp_auth_project(o->auth);
	}
	if (project[0] == '\0' || strpbrk(project, "/?#% ") != NULL || strpbrk(o->target, "/?#% ") != NULL ||
	    strpbrk(logtype, "/?#% ") != NULL || logtype[0] == '\0') {
		snprintf(err, errlen, "projectid '%s', instanceid '%s', logtype '%s': want a project id (or a key with "
			 "project_id), the instance id and a log type", project, o->target, logtype);
		goto cleanup;
	}
	sk_strbuf_printf(&url, "%s/v1alpha/projects/%s/locations/%s/instances/%s/logTypes/%s/logs:import", o->base,
			 project, region, o->target, logtype);
#else
	if (!gcp_function_name_ok(o->target)) {
		snprintf(err, errlen, "name '%s': want projects/<project>/locations/<region>/functions/<function>",
			 o->target);
		goto cleanup;
	}
	sk_strbuf_printf(&url, "%s/v1/%s:call", o->base, o->target);
#endif
	if (sk_strbuf_failed(&url) || (o->url = strdup(sk_strbuf_str(&url))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	if (spl_http_new(host, o->url, &o->http, err, errlen) != SK_OK) {
		goto cleanup;
	}
	spl_http_keep_answer(o->http);
	*state = o;
	o = NULL;
	ok = true;
cleanup:
	sk_strbuf_free(&url);
	gcp_out_close(o);
	return ok;
}

/* Posts o->body with a current token; a 401 renews the token for the
 * retry, Google's retryable statuses (409 ABORTED, 499 CANCELLED, 429,
 * 5xx) are RETRY. */
static saker_send_result gcp_post(gcp_out *o, char *err, size_t errlen)
{
	const char *bearer = NULL;
	char why[512], google[300];

	if (o->auth != NULL) {
		if (gcp_auth_header(o->auth, &bearer, err, errlen) != SK_OK) {
			return SAKER_SEND_RETRY;
		}
		if (spl_http_add_header(o->http, "Authorization", bearer) != SK_OK) {
			snprintf(err, errlen, "out of memory");
			return SAKER_SEND_RETRY;
		}
	}
	saker_send_result res = spl_http_send(o->http, o->body.data, o->body.len, why, sizeof(why));
	long status = spl_http_last_status(o->http);
	const char *answer = spl_http_last_answer(o->http);
	gcp_error_of(answer, strlen(answer), google, sizeof(google));
	if (res != SAKER_SEND_OK) {
		if (google[0] != '\0') {
			snprintf(err, errlen, "HTTP %ld %s", status, google);
		} else {
			snprintf(err, errlen, "%s", why);
		}
		if (status == 401 && o->auth != NULL) {
			gcp_auth_expire(o->auth);
			return SAKER_SEND_RETRY;
		}
		return status == 409 || status == 499 ? SAKER_SEND_RETRY : res;
	}
#if defined(GCP_CLOUDFUNCTIONS)
	if (google[0] != '\0') {
		/* called, and the function failed: a retry would run it again */
		snprintf(err, errlen, "the function failed: %s", google);
		return SAKER_SEND_FAIL;
	}
#endif
	return SAKER_SEND_OK;
}

#if defined(GCP_PUBSUB) || defined(GCP_CHRONICLE)
static saker_send_result gcp_out_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					    size_t errlen)
{
	gcp_out *o = state;
#if defined(GCP_PUBSUB)
	sk_err built = gcp_pubsub_body(&o->body, alerts, n, (const char *const *)o->attr_keys,
				       (const char *const *)o->attr_values, o->nattr);
#else
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	sk_err built = gcp_chronicle_body(&o->body, alerts, n, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
#endif
	if (built != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	return gcp_post(o, err, errlen);
}

static saker_send_result gcp_out_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return gcp_out_send_batch(state, &alert, 1, err, errlen);
}
#else
static saker_send_result gcp_out_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	gcp_out *o = state;
	sk_err built;
#if defined(GCP_STORAGE)
	sk_strbuf key = SK_STRBUF_INIT, url = SK_STRBUF_INIT;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	built = spl_dated_key(&key, o->prefix, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
	sk_strbuf_printf(&url, "%s&name=", o->url);
	spl_uri_encoden(&url, key.data != NULL ? key.data : "", key.len, false);
	sk_strbuf_reset(&o->body);
	sk_strbuf_append(&o->body, alert->json, alert->json_len);
	if (built == SK_OK && (sk_strbuf_failed(&url) || sk_strbuf_failed(&o->body) ||
			       spl_http_set_url(o->http, sk_strbuf_str(&url)) != SK_OK)) {
		built = SK_ENOMEM;
	}
	sk_strbuf_free(&key);
	sk_strbuf_free(&url);
#else
	built = gcp_function_body(&o->body, alert);
#endif
	if (built != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	return gcp_post(o, err, errlen);
}
#endif

static const saker_output_plugin gcp_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = GCP_NAME,
	.description = GCP_DESCRIPTION,
	.required_key = GCP_KEY,
	.max_batch = GCP_MAX_BATCH,
	.init = gcp_out_init,
	.send = gcp_out_send,
#if defined(GCP_PUBSUB) || defined(GCP_CHRONICLE)
	.send_batch = gcp_out_send_batch,
#else
	.send_batch = NULL,
#endif
	.close = gcp_out_close,
};

SPL_PLUGIN_ENTRY(gcp_plugin)
