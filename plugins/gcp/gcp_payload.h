/* gcp_payload: the requests of Falcosidekick's gcp.* outputs and what
 * their answers say.
 *
 *   Pub/Sub topics.publish     {"messages":[{"data": base64(alert JSON),
 *                              "attributes": customattributes}, ...]}, one
 *                              message per alert of a batch
 *   Cloud Functions call (v1)  {"data": "<alert JSON>"}
 *   Cloud Storage upload       the alert JSON at spl_dated_key()'s name
 *
 * Google's errors are {"error": {"code", "message", "status"}}. */
#ifndef GCP_PAYLOAD_H
#define GCP_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* The publish body for n alerts, each with the nattr attributes
 * (attr_keys[i]: attr_values[i]). SK_ENOMEM when memory ran out. */
sk_err gcp_pubsub_body(sk_strbuf *b, const saker_alert *const *alerts, size_t n, const char *const *attr_keys,
		       const char *const *attr_values, size_t nattr);

/* The logs:import body of Google SecOps (Chronicle) for n alerts:
 * {"inline_source":{"logs":[{"data": base64(alert JSON), "log_entry_time":
 * the alert's time, "collection_time": now}, ...]}}. */
sk_err gcp_chronicle_body(sk_strbuf *b, const saker_alert *const *alerts, size_t n, int64_t now_ns);

/* The call body of a Cloud Function. */
sk_err gcp_function_body(sk_strbuf *b, const saker_alert *alert);

/* Whether name is a function's resource name,
 * projects/<project>/locations/<location>/functions/<function>. */
bool gcp_function_name_ok(const char *name);

/* Google's error in answer (len bytes) as "STATUS: message" into msg; ""
 * when the answer holds none. For a function call answered 200, its
 * "error" member (the function failed) is read the same way. */
void gcp_error_of(const char *answer, size_t len, char *msg, size_t msglen);

#endif
