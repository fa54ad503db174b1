/* post_check: the check shared by the tests of outputs that POST the Falco
 * alert as it is (forward_test, function_test). Include after sk_test.h. */
#ifndef POST_CHECK_H
#define POST_CHECK_H

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

/* Sends alert seq through plugin name configured with config and checks
 * that peer got exactly one POST of the alert's JSON as application/json;
 * returns that request (valid until hp_stop), or NULL. */
static inline const hp_request *pc_post_one(hp_peer *peer, const char *name, const char *const *config, ph_alert *a,
					    int seq)
{
	ph_plugin p = {0};
	size_t before = peer != NULL ? hp_count(peer) : 0;

	ph_alert_make(a, seq);
	SK_CHECK(peer != NULL && ph_open(&p, name, config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a->a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	if (peer == NULL || hp_count(peer) != before + 1) {
		return NULL;
	}
	const hp_request *r = hp_get(peer, before);
	SK_CHECK_STR(r->method, "POST");
	SK_CHECK_STR(r->body, a->json);
	SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
	return r;
}

#endif
