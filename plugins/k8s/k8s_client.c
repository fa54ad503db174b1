#include "k8s_client.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "spl_http.h"
#include "spl_util.h"

#define K8S_MAX_FILE (1024 * 1024)
#define K8S_MAX_ANSWER (64 * 1024)

struct k8s_client {
	CURL *curl;
	char *server;
	char *token;	  /* a fixed token, or NULL */
	char *token_file; /* re-read per call, or NULL */
	sk_strbuf ca;	  /* PEM (certificate-authority-data, the service account's) */
	char *ca_file;
	sk_strbuf cert; /* client certificate and key, PEM */
	sk_strbuf key;
	bool insecure;
	char curl_err[CURL_ERROR_SIZE];
};

/* ---- kubeconfig ---- */

static yaml_node_t *kc_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE) {
		return NULL;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0) {
			return yaml_document_get_node(d, p->value);
		}
	}
	return NULL;
}

static const char *kc_str(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_t *v = kc_get(d, map, key);
	return v != NULL && v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
}

/* The `inner` map of the item of sequence `list` whose name is name. */
static yaml_node_t *kc_named(yaml_document_t *d, yaml_node_t *list, const char *name, const char *inner)
{
	if (list == NULL || list->type != YAML_SEQUENCE_NODE || name == NULL) {
		return NULL;
	}
	for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
		yaml_node_t *item = yaml_document_get_node(d, *i);
		const char *n = kc_str(d, item, "name");
		if (n != NULL && strcmp(n, name) == 0) {
			return kc_get(d, item, inner);
		}
	}
	return NULL;
}

/* base64 (whitespace allowed) of key into out; SK_EPARSE names the key. */
static sk_err kc_data(const char *b64, const char *key, sk_strbuf *out, char *err, size_t errlen)
{
	sk_err rc = spl_base64_decode_text(out, b64);
	if (rc != SK_OK) {
		snprintf(err, errlen, "%s: %s", key, rc == SK_ENOMEM ? "out of memory" : "not base64");
	}
	return rc;
}

static char *kc_dup(const char *s, sk_err *rc)
{
	char *copy = s != NULL ? strdup(s) : NULL;
	if (s != NULL && copy == NULL) {
		*rc = SK_ENOMEM;
	}
	return copy;
}

/* Reads the kubeconfig text (len bytes; path names it in errors) into c. */
static sk_err k8s_parse_kubeconfig(k8s_client *c, const char *path, const char *text, size_t len, char *err,
				   size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	bool loaded = false;
	char why[256];
	sk_err rc = SK_OK;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	loaded = yaml_parser_load(&parser, &doc) == 1;
	if (!loaded || yaml_document_get_root_node(&doc) == NULL) {
		snprintf(err, errlen, "%s:%zu: not a kubeconfig (%s)", path, parser.problem_mark.line + 1,
			 parser.problem != NULL ? parser.problem : "empty");
		rc = SK_EPARSE;
		goto cleanup;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	const char *current = kc_str(&doc, root, "current-context");
	yaml_node_t *context = kc_named(&doc, kc_get(&doc, root, "contexts"), current, "context");
	const char *cluster_name = kc_str(&doc, context, "cluster"), *user_name = kc_str(&doc, context, "user");
	yaml_node_t *cluster = kc_named(&doc, kc_get(&doc, root, "clusters"), cluster_name, "cluster");
	yaml_node_t *user = kc_named(&doc, kc_get(&doc, root, "users"), user_name, "user");
	if (context == NULL || cluster == NULL || kc_str(&doc, cluster, "server") == NULL) {
		snprintf(err, errlen, "%s: no current-context with a cluster and its server", path);
		rc = SK_EPARSE;
		goto cleanup;
	}
	if (kc_get(&doc, user, "exec") != NULL || kc_get(&doc, user, "auth-provider") != NULL) {
		snprintf(err, errlen, "%s: user %s authenticates through an exec or auth-provider plugin, which is not "
			 "supported; give it a token or a client certificate", path, user_name != NULL ? user_name : "");
		rc = SK_EUNSUPP;
		goto cleanup;
	}
	c->server = kc_dup(kc_str(&doc, cluster, "server"), &rc);
	const char *insecure = kc_str(&doc, cluster, "insecure-skip-tls-verify");
	c->insecure = insecure != NULL && strcmp(insecure, "true") == 0;
	c->ca_file = kc_dup(kc_str(&doc, cluster, "certificate-authority"), &rc);
	c->token = kc_dup(kc_str(&doc, user, "token"), &rc);
	c->token_file = kc_dup(kc_str(&doc, user, "tokenFile"), &rc);
	static const struct {
		const char *data_key, *file_key;
		size_t offset;
	} pem[] = {
		{"certificate-authority-data", NULL, offsetof(k8s_client, ca)},
		{"client-certificate-data", "client-certificate", offsetof(k8s_client, cert)},
		{"client-key-data", "client-key", offsetof(k8s_client, key)},
	};
	for (size_t i = 0; i < 3 && rc == SK_OK; i++) {
		sk_strbuf *sb = (sk_strbuf *)((char *)c + pem[i].offset);
		yaml_node_t *from = i == 0 ? cluster : user;
		const char *data = kc_str(&doc, from, pem[i].data_key);
		const char *file = pem[i].file_key != NULL ? kc_str(&doc, from, pem[i].file_key) : NULL;
		if (data != NULL) {
			rc = kc_data(data, pem[i].data_key, sb, why, sizeof(why));
		} else if (file != NULL) {
			rc = spl_read_file(file, K8S_MAX_FILE, false, sb, why, sizeof(why));
		}
		if (rc != SK_OK) {
			snprintf(err, errlen, "%s: %s", path, why);
		}
	}
	if (rc == SK_ENOMEM) {
		snprintf(err, errlen, "out of memory");
	}
cleanup:
	if (loaded) {
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	return rc;
}

static sk_err k8s_from_kubeconfig(k8s_client *c, const char *path, char *err, size_t errlen)
{
	sk_strbuf text = SK_STRBUF_INIT;
	sk_err rc = spl_read_file(path, K8S_MAX_FILE, false, &text, err, errlen);

	if (rc == SK_OK) {
		rc = k8s_parse_kubeconfig(c, path, text.data != NULL ? text.data : "", text.len, err, errlen);
	}
	sk_strbuf_free(&text);
	return rc;
}

sk_err k8s_kubeconfig_check(const char *text, size_t len, char *server, size_t serverlen, char *err, size_t errlen)
{
	k8s_client *c = calloc(1, sizeof(*c));
	sk_err rc;

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	rc = k8s_parse_kubeconfig(c, "kubeconfig", text, len, err, errlen);
	snprintf(server, serverlen, "%s", rc == SK_OK && c->server != NULL ? c->server : "");
	k8s_client_free(c);
	return rc;
}

static sk_err k8s_in_cluster(k8s_client *c, char *err, size_t errlen)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST"), *port = getenv("KUBERNETES_SERVICE_PORT");
	bool ipv6 = strchr(host, ':') != NULL;

	if (asprintf(&c->server, "https://%s%s%s:%s", ipv6 ? "[" : "", host, ipv6 ? "]" : "",
		     port != NULL && port[0] != '\0' ? port : "443") < 0) {
		c->server = NULL;
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	c->token_file = strdup(K8S_SA_DIR "/token");
	if (c->token_file == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	return spl_read_file(K8S_SA_DIR "/ca.crt", K8S_MAX_FILE, false, &c->ca, err, errlen);
}

sk_err k8s_client_new(const char *kubeconfig, int64_t timeout_ms, k8s_client **out, char *err, size_t errlen)
{
	k8s_client *c = calloc(1, sizeof(*c));
	char path[4096];
	sk_err rc;

	*out = NULL;
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	rc = spl_curl_global(err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	if (strncmp(kubeconfig, "~/", 2) == 0 && getenv("HOME") != NULL) {
		snprintf(path, sizeof(path), "%s/%s", getenv("HOME"), kubeconfig + 2);
	} else {
		snprintf(path, sizeof(path), "%s", kubeconfig);
	}
	const char *in_cluster = getenv("KUBERNETES_SERVICE_HOST");
	if (in_cluster != NULL && in_cluster[0] != '\0' && (path[0] == '\0' || !spl_file_readable(path))) {
		rc = k8s_in_cluster(c, err, errlen);
	} else if (path[0] != '\0') {
		rc = k8s_from_kubeconfig(c, path, err, errlen);
	} else {
		snprintf(err, errlen, "not in a pod (no KUBERNETES_SERVICE_HOST) and no kubeconfig");
		rc = SK_ENOENT;
	}
	if (rc != SK_OK) {
		goto cleanup;
	}
	c->curl = curl_easy_init();
	if (c->curl == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
		goto cleanup;
	}
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->curl_err);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "Saker/" SAKER_VERSION);
	if (c->ca.len > 0) {
		struct curl_blob blob = {c->ca.data, c->ca.len, CURL_BLOB_COPY};
		curl_easy_setopt(c->curl, CURLOPT_CAINFO_BLOB, &blob);
	} else if (c->ca_file != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_CAINFO, c->ca_file);
	}
	if (c->cert.len > 0 && c->key.len > 0) {
		struct curl_blob cert = {c->cert.data, c->cert.len, CURL_BLOB_COPY};
		struct curl_blob key = {c->key.data, c->key.len, CURL_BLOB_COPY};
		curl_easy_setopt(c->curl, CURLOPT_SSLCERT_BLOB, &cert);
		curl_easy_setopt(c->curl, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(c->curl, CURLOPT_SSLKEY_BLOB, &key);
		curl_easy_setopt(c->curl, CURLOPT_SSLKEYTYPE, "PEM");
	}
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	*out = c;
	c = NULL;
cleanup:
	k8s_client_free(c);
	return rc;
}

const char *k8s_client_server(const k8s_client *c)
{
	return c->server;
}

static size_t k8s_keep(char *ptr, size_t size, size_t nmemb, void *user)
{
	sk_strbuf *sb = user;
	size_t n = size * nmemb, room = sb->len < K8S_MAX_ANSWER ? K8S_MAX_ANSWER - sb->len : 0;
	sk_strbuf_append(sb, ptr, n < room ? n : room);
	return n;
}

static struct curl_slist *k8s_append(struct curl_slist *list, const char *line, bool *oom)
{
	struct curl_slist *next = curl_slist_append(list, line);
	if (next == NULL) {
		*oom = true;
		return list;
	}
	return next;
}

sk_err k8s_request(k8s_client *c, const char *method, const char *path, const char *content_type,
		   const char *const *extra, const char *body, size_t len, long *status, sk_strbuf *answer,
		   char *err, size_t errlen)
{
	sk_strbuf url = SK_STRBUF_INIT, auth = SK_STRBUF_INIT, type = SK_STRBUF_INIT, token = SK_STRBUF_INIT;
	struct curl_slist *headers = NULL;
	sk_err rc = SK_OK;

	*status = 0;
	sk_strbuf_reset(answer);
	if (c->token_file != NULL) {
		rc = spl_read_file(c->token_file, K8S_MAX_FILE, true, &token, err, errlen);
	}
	const char *bearer = token.len > 0 ? token.data : c->token;
	bool oom = false;
	if (bearer != NULL) {
		sk_strbuf_printf(&auth, "Authorization: Bearer %s", bearer);
		headers = k8s_append(headers, sk_strbuf_str(&auth), &oom);
	}
	if (content_type != NULL) {
		sk_strbuf_printf(&type, "Content-Type: %s", content_type);
		headers = k8s_append(headers, sk_strbuf_str(&type), &oom);
	}
	headers = k8s_append(headers, "Accept: application/json", &oom);
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
		headers = k8s_append(headers, extra[i], &oom);
	}
	sk_strbuf_printf(&url, "%s%s", c->server, path);
	if (rc != SK_OK || oom || sk_strbuf_failed(&url) || sk_strbuf_failed(&auth) || sk_strbuf_failed(&type)) {
		if (rc == SK_OK) {
			snprintf(err, errlen, "out of memory");
			rc = SK_ENOMEM;
		}
		goto cleanup;
	}
	c->curl_err[0] = '\0';
	curl_easy_setopt(c->curl, CURLOPT_URL, sk_strbuf_str(&url));
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body != NULL ? len : 0));
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, k8s_keep);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, answer);
	CURLcode cc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s %s: %s", method, sk_strbuf_str(&url),
			 c->curl_err[0] != '\0' ? c->curl_err : curl_easy_strerror(cc));
		rc = SK_EIO;
		goto cleanup;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
cleanup:
	if (token.data != NULL) {
		explicit_bzero(token.data, token.len);
	}
	if (auth.data != NULL) {
		explicit_bzero(auth.data, auth.len);
	}
	curl_slist_free_all(headers);
	sk_strbuf_free(&url);
	sk_strbuf_free(&auth);
	sk_strbuf_free(&type);
	sk_strbuf_free(&token);
	return rc;
}

void k8s_client_free(k8s_client *c)
{
	if (c == NULL) {
		return;
	}
	if (c->curl != NULL) {
		curl_easy_cleanup(c->curl);
	}
	if (c->key.data != NULL) {
		explicit_bzero(c->key.data, c->key.len);
	}
	if (c->token != NULL) {
		explicit_bzero(c->token, strlen(c->token));
	}
	free(c->server);
	free(c->token);
	free(c->token_file);
	free(c->ca_file);
	sk_strbuf_free(&c->ca);
	sk_strbuf_free(&c->cert);
	sk_strbuf_free(&c->key);
	free(c);
}
