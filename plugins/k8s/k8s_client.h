/* k8s_client: calls to the Kubernetes API server for outputs that write
 * Kubernetes objects (policyreport).
 *
 * Inside a pod it uses the pod's service account (KUBERNETES_SERVICE_HOST
 * and _PORT, the token and CA under
 * /var/run/secrets/kubernetes.io/serviceaccount; the token is re-read for
 * each call, as projected tokens rotate). Outside, a kubeconfig file: its
 * current context's cluster (server, certificate-authority[-data],
 * insecure-skip-tls-verify) and user (token, tokenFile,
 * client-certificate[-data] + client-key[-data]); exec and auth-provider
 * users are refused with the reason. YAML is read with libyaml. */
#ifndef K8S_CLIENT_H
#define K8S_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"
#include "sk_strbuf.h"

#define K8S_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

typedef struct k8s_client k8s_client;

/* In-cluster when KUBERNETES_SERVICE_HOST is set and kubeconfig is "" (or
 * names no file), else the kubeconfig file ("~/" is $HOME). On failure err
 * says which file, key or variable is wrong. */
sk_err k8s_client_new(const char *kubeconfig, int64_t timeout_ms, k8s_client **out, char *err, size_t errlen);

/* The API server's URL. */
const char *k8s_client_server(const k8s_client *c);

/* One call: method on path (from "/api..."), body of content_type (NULL
 * for none), more header lines ("Name: value", NULL-terminated; may be
 * NULL). *status gets the HTTP status, answer the body (kept up to 64 KiB).
 * SK_EIO with the reason in err when no answer came. */
sk_err k8s_request(k8s_client *c, const char *method, const char *path, const char *content_type,
		   const char *const *headers, const char *body, size_t len, long *status, sk_strbuf *answer,
		   char *err, size_t errlen);

/* Parses kubeconfig text (len bytes) as k8s_client_new() would, keeping
 * nothing but its server's URL (into server): the files it names are read,
 * nothing is connected to. For the fuzzer and tests. */
sk_err k8s_kubeconfig_check(const char *text, size_t len, char *server, size_t serverlen, char *err, size_t errlen);

/* Frees it; NULL is fine. */
void k8s_client_free(k8s_client *c);

#endif
