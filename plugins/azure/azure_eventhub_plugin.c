/* azure.eventhub: Falcosidekick's azure.eventHub (name, namespace) through
 * Event Hubs' REST interface with Entra ID tokens (azure_eventhub.h).
 * Batches of up to 100 alerts are one request, all or none. The first
 * token is fetched at start, so missing or refused credentials stop the
 * start with the reason; tokens are renewed before they expire and after a
 * 401. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "azure_eventhub.h"
#include "saker/output_plugin.h"
#include "spl_http.h"
#include "spl_util.h"

#define AZ_SCOPE "https://eventhubs.azure.net/.default"
#define AZ_RESOURCE "https://eventhubs.azure.net"
#define AZ_AUTHORITY "https://login.microsoftonline.com"
#define AZ_IMDS "http://169.254.169.254/metadata/identity/oauth2/token"
#define AZ_MAX_BATCH 100
#define AZ_MAX_FILE (64 * 1024)

typedef enum az_source {
	AZ_SOURCE_SECRET,	/* AZURE_CLIENT_SECRET */
	AZ_SOURCE_WORKLOAD,	/* AZURE_FEDERATED_TOKEN_FILE */
	AZ_SOURCE_APP_SERVICE,	/* IDENTITY_ENDPOINT + IDENTITY_HEADER */
	AZ_SOURCE_IMDS,		/* the VM's managed identity */
} az_source;

static const char *const az_source_names[] = {"AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE",
					      "IDENTITY_ENDPOINT", "the VM's managed identity (IMDS)"};

typedef struct az_out {
	spl_http *http;
	az_source source;
	spl_bearer bearer;
	sk_strbuf body;
} az_out;

static const char *az_env(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* One token from the source, into o->bearer. */
static sk_err az_fetch_token(az_out *o, char *err, size_t errlen)
{
	sk_strbuf url = SK_STRBUF_INIT, body = SK_STRBUF_INIT, answer = SK_STRBUF_INIT, file = SK_STRBUF_INIT;
	sk_strbuf header = SK_STRBUF_INIT;
	const char *client = az_env("AZURE_CLIENT_ID"), *tenant = az_env("AZURE_TENANT_ID");
	const char *authority = az_env("AZURE_AUTHORITY_HOST");
	const char *headers[3] = {NULL, NULL, NULL};
	char *token = NULL;
	int64_t expires_in = 0;
	long status = 0;
	sk_err rc = SK_OK;

	if (o->source == AZ_SOURCE_SECRET || o->source == AZ_SOURCE_WORKLOAD) {
		/* the client credentials grant at the tenant's v2.0 token endpoint */
		size_t len = strlen(authority != NULL ? authority : AZ_AUTHORITY);
		const char *base = authority != NULL ? authority : AZ_AUTHORITY;
		while (len > 0 && base[len - 1] == '/') {
			len--;
		}
		sk_strbuf_append(&url, base, len);
		sk_strbuf_putc(&url, '/');
		spl_uri_encode(&url, tenant, false);
		sk_strbuf_puts(&url, "/oauth2/v2.0/token");
		sk_strbuf_puts(&body, "grant_type=client_credentials&client_id=");
		spl_uri_encode(&body, client, false);
		sk_strbuf_puts(&body, "&scope=");
		spl_uri_encode(&body, AZ_SCOPE, false);
		if (o->source == AZ_SOURCE_SECRET) {
			sk_strbuf_puts(&body, "&client_secret=");
			spl_uri_encode(&body, getenv("AZURE_CLIENT_SECRET"), false);
		} else {
			rc = spl_read_file(getenv("AZURE_FEDERATED_TOKEN_FILE"), AZ_MAX_FILE, true, &file, err, errlen);
			if (rc != SK_OK) {
				goto cleanup;
			}
			sk_strbuf_puts(&body, "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type"
					      "%3Ajwt-bearer&client_assertion=");
			spl_uri_encoden(&body, file.data != NULL ? file.data : "", file.len, false);
		}
		headers[0] = "Content-Type: application/x-www-form-urlencoded";
	} else {
		bool app_service = o->source == AZ_SOURCE_APP_SERVICE;
		sk_strbuf_printf(&url, "%s?api-version=%s&resource=", app_service ? getenv("IDENTITY_ENDPOINT") : AZ_IMDS,
				 app_service ? "2019-08-01" : "2018-02-01");
		spl_uri_encode(&url, AZ_RESOURCE, false);
		if (client != NULL) {
			sk_strbuf_puts(&url, "&client_id=");
			spl_uri_encode(&url, client, false);
		}
		if (app_service) {
			sk_strbuf_printf(&header, "X-IDENTITY-HEADER: %s", getenv("IDENTITY_HEADER"));
			headers[0] = sk_strbuf_str(&header);
		} else {
			headers[0] = "Metadata: true";
		}
	}
	if (sk_strbuf_failed(&url) || sk_strbuf_failed(&body) || sk_strbuf_failed(&header)) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
		goto cleanup;
	}
	rc = spl_http_fetch(body.len > 0 ? "POST" : "GET", sk_strbuf_str(&url), headers,
			    body.len > 0 ? sk_strbuf_str(&body) : NULL, &answer, &status, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	if (status != 200) {
		/* Entra ID's {"error", "error_description"}: one line of it */
		snprintf(err, errlen, "token from %.*s: HTTP %ld: %.300s", (int)strcspn(sk_strbuf_str(&url), "?"),
			 sk_strbuf_str(&url), status, sk_strbuf_str(&answer));
		for (char *c = err; *c != '\0'; c++) {
			*c = (unsigned char)*c < 0x20 ? ' ' : *c;
		}
		rc = SK_EIO;
		goto cleanup;
	}
	rc = azure_token_parse(answer.data != NULL ? answer.data : "", answer.len, &token, &expires_in);
	if (rc != SK_OK) {
		snprintf(err, errlen, "token from %.*s: the answer holds no access_token",
			 (int)strcspn(sk_strbuf_str(&url), "?"), sk_strbuf_str(&url));
		rc = SK_EIO;
		goto cleanup;
	}
	rc = spl_bearer_set(&o->bearer, token, expires_in);
	if (rc != SK_OK) {
		snprintf(err, errlen, "out of memory");
	}
cleanup:
	free(token);
	if (body.data != NULL) {
		explicit_bzero(body.data, body.len); /* the client secret */
	}
	sk_strbuf_free(&url);
	sk_strbuf_free(&body);
	sk_strbuf_free(&answer);
	sk_strbuf_free(&file);
	sk_strbuf_free(&header);
	return rc;
}

static void az_close(void *state)
{
	az_out *o = state;
	if (o == NULL) {
		return;
	}
	spl_http_free(o->http);
	spl_bearer_free(&o->bearer);
	sk_strbuf_free(&o->body);
	free(o);
}

static bool az_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *hub = host->config_string(host->ctx, "name", "");
	const char *namespace_ = host->config_string(host->ctx, "namespace", "");
	az_out *o = calloc(1, sizeof(*o));
	sk_strbuf url = SK_STRBUF_INIT;
	char why[600];
	bool ok = false;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (namespace_[0] == '\0') {
		snprintf(err, errlen, "namespace: required with name (the Event Hubs namespace, <name>.servicebus.windows.net)");
		goto cleanup;
	}
	if (azure_eventhub_url(&url, namespace_, hub) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	bool tenant_client = az_env("AZURE_TENANT_ID") != NULL && az_env("AZURE_CLIENT_ID") != NULL;
	if (tenant_client && az_env("AZURE_CLIENT_SECRET") != NULL) {
		o->source = AZ_SOURCE_SECRET;
	} else if (tenant_client && az_env("AZURE_FEDERATED_TOKEN_FILE") != NULL) {
		o->source = AZ_SOURCE_WORKLOAD;
	} else if (az_env("IDENTITY_ENDPOINT") != NULL && az_env("IDENTITY_HEADER") != NULL) {
		o->source = AZ_SOURCE_APP_SERVICE;
	} else {
		o->source = AZ_SOURCE_IMDS;
	}
	if (az_fetch_token(o, why, sizeof(why)) != SK_OK) {
		snprintf(err, errlen, "%s%s",
			 o->source == AZ_SOURCE_IMDS ? "no AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE (with "
						       "AZURE_TENANT_ID and AZURE_CLIENT_ID) nor IDENTITY_ENDPOINT, and "
						       "the managed identity: "
						     : "",
			 why);
		goto cleanup;
	}
	if (spl_http_new(host, sk_strbuf_str(&url), &o->http, err, errlen) != SK_OK ||
	    spl_http_add_header(o->http, "Content-Type", "application/vnd.microsoft.servicebus.json") != SK_OK) {
		goto cleanup;
	}
	spl_http_keep_answer(o->http);
	host->log(host->ctx, SAKER_LOG_INFO, "tokens from %s", az_source_names[o->source]);
	*state = o;
	o = NULL;
	ok = true;
cleanup:
	sk_strbuf_free(&url);
	az_close(o);
	return ok;
}

static saker_send_result az_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
				       size_t errlen)
{
	az_out *o = state;

	if (spl_bearer_due(&o->bearer) && az_fetch_token(o, err, errlen) != SK_OK) {
		return SAKER_SEND_RETRY;
	}
	if (azure_eventhub_body(&o->body, alerts, n) != SK_OK ||
	    spl_http_add_header(o->http, "Authorization", o->bearer.header) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	saker_send_result res = spl_http_send(o->http, o->body.data, o->body.len, err, errlen);
	if (res != SAKER_SEND_OK && spl_http_last_status(o->http) == 401) {
		spl_bearer_expire(&o->bearer); /* a new token for the retry */
		return SAKER_SEND_RETRY;
	}
	return res;
}

static saker_send_result az_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return az_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin az_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "azure.eventhub",
	.description = "Azure Event Hubs hub, the Falco JSON alert as each event's body",
	.required_key = "name",
	.max_batch = AZ_MAX_BATCH,
	.init = az_init,
	.send = az_send,
	.send_batch = az_send_batch,
	.close = az_close,
};

SPL_PLUGIN_ENTRY(az_plugin)
