/* function: the Falcosidekick outputs that call a serverless function in
 * the cluster with the Falco alert, through the function's in-cluster
 * Service URL. One .so per output, this file built with one of:
 *
 *   FUNCTION_OPENFAAS  openfaas.functionname:
 *                      http://<gatewayservice>.<gatewaynamespace>:<gatewayport>
 *                      /function/<functionname>.<functionnamespace>
 *   FUNCTION_FISSION   fission.function:
 *                      http://<routerservice>.<routernamespace>.svc.cluster.local:<routerport>
 *                      /fission-function/<function>, header event-id
 *   FUNCTION_KUBELESS  kubeless.function (and namespace):
 *                      http://<function>.<namespace>.svc.cluster.local:<port>,
 *                      headers event-id, event-type: falco, event-namespace
 *
 * event-id is the alert's uuid, so a retried call carries the same id.
 * Falcosidekick's other mode, kubeconfig (calls through the API server's
 * service proxy from outside the cluster), is refused at start with the
 * reason. customheaders, checkcert and mutual TLS come from spl_http. */
#include <stdio.h>
#include <string.h>

#include "saker/output_plugin.h"
#include "spl_http.h"
#include "spl_util.h"

#if defined(FUNCTION_OPENFAAS)
#define FUNCTION_NAME "openfaas"
#define FUNCTION_KEY "functionname"
#define FUNCTION_DESCRIPTION "OpenFaaS function through its gateway, the Falco JSON alert"
#define FUNCTION_EVENT_ID false /* Falcosidekick sends it only through the API server */
#elif defined(FUNCTION_FISSION)
#define FUNCTION_NAME "fission"
#define FUNCTION_KEY "function"
#define FUNCTION_DESCRIPTION "Fission function through its router, the Falco JSON alert"
#define FUNCTION_EVENT_ID true
#elif defined(FUNCTION_KUBELESS)
#define FUNCTION_NAME "kubeless"
#define FUNCTION_KEY "function"
#define FUNCTION_DESCRIPTION "Kubeless function Service, the Falco JSON alert"
#define FUNCTION_EVENT_ID true
#else
#error "define one FUNCTION_<NAME>"
#endif

/* Reads a port key (default def) into *port; false, with why in err, for
 * anything but 1..65535. */
static bool function_port(const saker_plugin_host *host, const char *key, int64_t def, int64_t *port, char *err,
			  size_t errlen)
{
	*port = host->config_int(host->ctx, key, def);
	if (*port < 1 || *port > 65535) {
		snprintf(err, errlen, "%s %lld: want 1..65535", key, (long long)*port);
		return false;
	}
	return true;
}

/* The function's in-cluster URL, from Falcosidekick's keys and defaults. */
static bool function_url(const saker_plugin_host *host, sk_strbuf *url, char *err, size_t errlen)
{
	const char *function = host->config_string(host->ctx, FUNCTION_KEY, "");
	int64_t port = 0;

#if defined(FUNCTION_OPENFAAS)
	if (!function_port(host, "gatewayport", 8080, &port, err, errlen)) {
		return false;
	}
	sk_strbuf_printf(url, "http://%s.%s:%lld/function/%s.%s",
			 host->config_string(host->ctx, "gatewayservice", "gateway"),
			 host->config_string(host->ctx, "gatewaynamespace", "openfaas"), (long long)port, function,
			 host->config_string(host->ctx, "functionnamespace", "openfaas-fn"));
#elif defined(FUNCTION_FISSION)
	if (!function_port(host, "routerport", 80, &port, err, errlen)) {
		return false;
	}
	sk_strbuf_printf(url, "http://%s.%s.svc.cluster.local:%lld/fission-function/%s",
			 host->config_string(host->ctx, "routerservice", "router"),
			 host->config_string(host->ctx, "routernamespace", "fission"), (long long)port, function);
#else
	const char *namespace = host->config_string(host->ctx, "namespace", "");
	if (namespace[0] == '\0') {
		snprintf(err, errlen, "namespace: required with function");
		return false;
	}
	if (!function_port(host, "port", 8080, &port, err, errlen)) {
		return false;
	}
	sk_strbuf_printf(url, "http://%s.%s.svc.cluster.local:%lld", function, namespace, (long long)port);
#endif
	if (sk_strbuf_failed(url)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static void function_close(void *state)
{
	spl_http_free(state);
}

static bool function_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *kubeconfig = host->config_string(host->ctx, "kubeconfig", "");
	sk_strbuf url = SK_STRBUF_INIT;
	spl_http *http = NULL;
	bool ok = false;

	if (kubeconfig[0] != '\0') {
		snprintf(err, errlen,
			 "kubeconfig '%s': calling the function through the Kubernetes API server is not supported; "
			 "run saker-sidekick in the cluster and leave kubeconfig empty",
			 kubeconfig);
		goto cleanup;
	}
	if (!function_url(host, &url, err, errlen) ||
	    spl_http_new(host, sk_strbuf_str(&url), &http, err, errlen) != SK_OK) {
		goto cleanup;
	}
#if defined(FUNCTION_KUBELESS)
	if (spl_http_add_header(http, "event-type", "falco") != SK_OK ||
	    spl_http_add_header(http, "event-namespace", host->config_string(host->ctx, "namespace", "")) != SK_OK) {
		snprintf(err, errlen, "namespace: not a header value");
		goto cleanup;
	}
#endif
	*state = http;
	http = NULL;
	ok = true;
cleanup:
	spl_http_free(http);
	sk_strbuf_free(&url);
	return ok;
}

static saker_send_result function_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	spl_http *http = state;

	/* the alert's uuid: a retried call keeps its id */
	if (FUNCTION_EVENT_ID && spl_http_add_header(http, "event-id", alert->uuid) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(http, alert->json, alert->json_len, err, errlen);
}

static const saker_output_plugin function_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = FUNCTION_NAME,
	.description = FUNCTION_DESCRIPTION,
	.required_key = FUNCTION_KEY,
	.max_batch = 1,
	.init = function_init,
	.send = function_send,
	.send_batch = NULL,
	.close = function_close,
};

SPL_PLUGIN_ENTRY(function_plugin)
