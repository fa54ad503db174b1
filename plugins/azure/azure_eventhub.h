/* azure_eventhub: Falcosidekick's azure.eventHub output over Event Hubs'
 * REST interface, and its Microsoft Entra ID (Azure AD) tokens.
 *
 * Events go in batches: POST https://<namespace>/<hub>/messages with
 * Content-Type application/vnd.microsoft.servicebus.json and a JSON array
 * of {"Body": "<Falco JSON alert>"}. Tokens for https://eventhubs.azure.net
 * come from the Azure SDKs' DefaultAzureCredential chain: a client secret
 * (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET), workload
 * identity (AZURE_FEDERATED_TOKEN_FILE with AZURE_CLIENT_ID and
 * AZURE_TENANT_ID, as AKS sets them), then managed identity (App Service's
 * IDENTITY_ENDPOINT + IDENTITY_HEADER, else the VM's IMDS). */
#ifndef AZURE_EVENTHUB_H
#define AZURE_EVENTHUB_H

#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* The send URL of hub in namespace: "<ns>.servicebus.windows.net" (a bare
 * name gets that suffix) over https, or a namespace given as an http(s)
 * URL (an emulator, a private endpoint) used as the base. */
sk_err azure_eventhub_url(sk_strbuf *url, const char *namespace_, const char *hub);

/* The batch body for n alerts. */
sk_err azure_eventhub_body(sk_strbuf *b, const saker_alert *const *alerts, size_t n);

/* Reads an Entra ID token answer: {"access_token", "expires_in"} where
 * expires_in is a number (the token endpoint) or a string (managed
 * identity). SK_EPARSE without a printable access_token. */
sk_err azure_token_parse(const char *json, size_t len, char **token, int64_t *expires_in);

#endif
