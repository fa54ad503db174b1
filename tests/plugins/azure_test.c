/* azure.eventhub against a loopback receiver standing in for Entra ID's
 * token endpoint (AZURE_AUTHORITY_HOST), App Service's identity endpoint and
 * the Event Hubs namespace: each credential source's token request, the
 * batch send with its token, a 401 renewing it, and refusals at start. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

static char base[64];

static hp_peer *start_azure(void)
{
	hp_peer *peer = NULL;
	if (hp_start(&peer, 201, 0) != SK_OK) {
		SK_CHECK(!"a loopback receiver");
		return NULL;
	}
	hp_route(peer, "/tenant-1/oauth2/v2.0/token", 200,
		 "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"eyJ.entra\"}");
	hp_route(peer, "/msi/token", 200,
		 "{\"access_token\":\"eyJ.msi\",\"expires_on\":\"1796130000\",\"expires_in\":\"3599\","
		 "\"resource\":\"https://eventhubs.azure.net\",\"token_type\":\"Bearer\"}");
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", hp_port(peer));
	setenv("AZURE_AUTHORITY_HOST", base, 1);
	static const char *const unset[] = {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
					    "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "IDENTITY_HEADER"};
	for (size_t i = 0; i < sizeof(unset) / sizeof(unset[0]); i++) {
		unsetenv(unset[i]);
	}
	return peer;
}

SK_TEST(client_secret_token_and_batches)
{
	hp_peer *peer = start_azure();
	ph_plugin p = {0};
	ph_alert a[3];

	if (peer == NULL) {
		return;
	}
	setenv("AZURE_TENANT_ID", "tenant-1", 1);
	setenv("AZURE_CLIENT_ID", "client-1", 1);
	setenv("AZURE_CLIENT_SECRET", "s3cret/+=", 1);
	const char *const cfg[] = {"name", "falco-alerts", "namespace", base, NULL};
	SK_CHECK(ph_open(&p, "azure.eventhub", cfg));
	SK_CHECK_INT(hp_count(peer), 1);
	if (hp_count(peer) >= 1) {
		const hp_request *r = hp_get(peer, 0);
		SK_CHECK_STR(r->method, "POST");
		SK_CHECK_STR(r->raw_url, "/tenant-1/oauth2/v2.0/token");
		SK_CHECK_STR(r->body, "grant_type=client_credentials&client_id=client-1&scope=https%3A%2F%2Feventhubs."
				      "azure.net%2F.default&client_secret=s3cret%2F%2B%3D");
	}
	SK_CHECK_INT(ph_send_made_batch(&p, a, 3), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 2);
	if (hp_count(peer) == 2) {
		const hp_request *r = hp_get(peer, 1);
		SK_CHECK_STR(r->raw_url, "/falco-alerts/messages?api-version=2014-01&timeout=60");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer eyJ.entra\n");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/vnd.microsoft.servicebus.json\n");
		json_object *events = json_tokener_parse(r->body);
		SK_CHECK(events != NULL && json_object_array_length(events) == 3);
		for (size_t i = 0; events != NULL && i < 3 && i < json_object_array_length(events); i++) {
			json_object *body = NULL;
			SK_CHECK(json_object_object_get_ex(json_object_array_get_idx(events, i), "Body", &body));
			SK_CHECK_STR(json_object_get_string(body), a[i].json);
		}
		json_object_put(events);
	}
	/* a 401: RETRY, then a new token */
	hp_set_reply(peer, 401, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_RETRY);
	hp_set_reply(peer, 201, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 5);
	if (hp_count(peer) == 5) {
		SK_CHECK_STR(hp_get(peer, 3)->raw_url, "/tenant-1/oauth2/v2.0/token");
	}
	/* ServerBusy */
	hp_set_reply(peer, 503, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_RETRY);
	hp_set_reply(peer, 403, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_FAIL);
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(workload_identity_and_app_service_identity)
{
	hp_peer *peer = start_azure();
	ph_plugin p = {0};
	ph_alert a;
	char token_file[] = "/tmp/saker-azure-token-XXXXXX", endpoint[128];

	if (peer == NULL) {
		return;
	}
	/* AKS workload identity: the federated token as the client assertion */
	int fd = mkstemp(token_file);
	SK_CHECK(fd >= 0 && write(fd, "eyJ.k8s.sa\n", 11) == 11);
	if (fd >= 0) {
		close(fd);
	}
	setenv("AZURE_TENANT_ID", "tenant-1", 1);
	setenv("AZURE_CLIENT_ID", "client-1", 1);
	setenv("AZURE_FEDERATED_TOKEN_FILE", token_file, 1);
	const char *const cfg[] = {"name", "falco", "namespace", base, NULL};
	SK_CHECK(ph_open(&p, "azure.eventhub", cfg));
	if (hp_count(peer) >= 1) {
		SK_CHECK_STR(hp_get(peer, 0)->body,
			     "grant_type=client_credentials&client_id=client-1&scope=https%3A%2F%2Feventhubs.azure.net%2F"
			     ".default&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-"
			     "bearer&client_assertion=eyJ.k8s.sa");
	}
	ph_unload(&p);
	unlink(token_file);
	unsetenv("AZURE_TENANT_ID");
	unsetenv("AZURE_CLIENT_ID");
	unsetenv("AZURE_FEDERATED_TOKEN_FILE");

	/* App Service / Container Apps managed identity */
	snprintf(endpoint, sizeof(endpoint), "%s/msi/token", base);
	setenv("IDENTITY_ENDPOINT", endpoint, 1);
	setenv("IDENTITY_HEADER", "h-1", 1);
	size_t before = hp_count(peer);
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "azure.eventhub", cfg));
	SK_CHECK_INT(hp_count(peer), before + 1);
	if (hp_count(peer) == before + 1) {
		const hp_request *r = hp_get(peer, before);
		SK_CHECK_STR(r->method, "GET");
		SK_CHECK_STR(r->raw_url, "/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Feventhubs.azure.net");
		SK_CHECK_CONTAINS(r->headers, "X-IDENTITY-HEADER: h-1\n");
	}
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_CONTAINS(hp_get(peer, hp_count(peer) - 1)->headers, "Authorization: Bearer eyJ.msi\n");
	ph_unload(&p);
	unsetenv("IDENTITY_ENDPOINT");
	unsetenv("IDENTITY_HEADER");
	hp_stop(peer);
}

SK_TEST(refused_credentials_and_no_namespace)
{
	hp_peer *peer = NULL;
	ph_plugin p = {0};

	SK_CHECK(hp_start(&peer, 201, 0) == SK_OK);
	if (peer == NULL) {
		return;
	}
	hp_route(peer, "/tenant-1/oauth2/v2.0/token", 401,
		 "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}");
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", hp_port(peer));
	setenv("AZURE_AUTHORITY_HOST", base, 1);
	setenv("AZURE_TENANT_ID", "tenant-1", 1);
	setenv("AZURE_CLIENT_ID", "client-1", 1);
	setenv("AZURE_CLIENT_SECRET", "wrong", 1);
	const char *const cfg[] = {"name", "falco", "namespace", base, NULL};
	SK_CHECK(!ph_open(&p, "azure.eventhub", cfg));
	SK_CHECK_CONTAINS(p.err, "/tenant-1/oauth2/v2.0/token: HTTP 401: {\"error\":\"invalid_client\","
				 "\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}");
	SK_CHECK(strstr(p.err, "wrong") == NULL);
	ph_unload(&p);
	const char *const no_ns[] = {"name", "falco", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "azure.eventhub", no_ns));
	SK_CHECK_CONTAINS(p.err, "namespace: required with name");
	ph_unload(&p);
	unsetenv("AZURE_TENANT_ID");
	unsetenv("AZURE_CLIENT_ID");
	unsetenv("AZURE_CLIENT_SECRET");
	hp_stop(peer);
}

SK_TEST_MAIN()
