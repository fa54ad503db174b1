/* The redis plugin against a real redis-server on loopback: RPUSH and HSET
 * land byte for byte, batches are one command, database/auth work, a wrong
 * key type is FAIL, a down server is RETRY and the plugin reconnects. */
#include <stdio.h>
#include <string.h>

#include "plugin_host.h"
#include "redis_peer.h"
#include "sk_test.h"

static char addr[64];

static void check_list(redisContext *c, const char *key, const ph_alert *const *want, size_t n)
{
	redisReply *r = c != NULL ? redisCommand(c, "LRANGE %s 0 -1", key) : NULL;

	SK_CHECK(r != NULL && r->type == REDIS_REPLY_ARRAY);
	if (r != NULL && r->type == REDIS_REPLY_ARRAY) {
		SK_CHECK_INT(r->elements, n);
		for (size_t i = 0; i < r->elements && i < n; i++) {
			SK_CHECK_STR(r->element[i]->str, want[i]->json);
			SK_CHECK_INT(r->element[i]->len, want[i]->a.json_len);
		}
	}
	freeReplyObject(r);
}

SK_TEST(redis_rpush_list_and_batch_in_database)
{
	rp_server srv;
	ph_plugin p = {0};
	ph_alert a[4];
	const saker_alert *batch[3] = {&a[1].a, &a[2].a, &a[3].a};
	redisContext *c;

	SK_CHECK_INT(rp_start(&srv, 0, NULL), SK_OK);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", srv.port);
	const char *const config[] = {"address", addr, "database", "3", "key", "alerts", NULL};
	for (int i = 0; i < 4; i++) {
		ph_alert_make(&a[i], i);
	}
	SK_CHECK(ph_open(&p, "redis", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK_INT(p.state != NULL ? p.api->send_batch(p.state, batch, 3, p.err, sizeof(p.err)) : SAKER_SEND_FAIL,
		     SAKER_SEND_OK);
	ph_unload(&p);
	c = rp_client(&srv, 3);
	check_list(c, "alerts", (const ph_alert *const[]){&a[0], &a[1], &a[2], &a[3]}, 4);
	if (c != NULL) {
		redisFree(c);
	}
	c = rp_client(&srv, 0);
	check_list(c, "alerts", NULL, 0);
	if (c != NULL) {
		redisFree(c);
	}
	rp_stop(&srv);
}

SK_TEST(redis_hset_by_uuid_with_password)
{
	rp_server srv;
	ph_plugin p = {0};
	ph_alert a[2];
	redisContext *c;
	redisReply *r;

	SK_CHECK_INT(rp_start(&srv, 0, "pa55-word"), SK_OK);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", srv.port);
	const char *const config[] = {"address", addr, "password", "pa55-word", "storagetype", "hashmap", NULL};
	const char *const wrong[] = {"address", addr, "password", "nope", NULL};
	for (int i = 0; i < 2; i++) {
		ph_alert_make(&a[i], 10 + i);
	}
	SK_CHECK(ph_open(&p, "redis", config));
	for (int i = 0; i < 2 && p.state != NULL; i++) {
		SK_CHECK_INT(ph_send(&p, &a[i].a), SAKER_SEND_OK);
	}
	ph_unload(&p);
	c = rp_client(&srv, 0);
	for (int i = 0; i < 2 && c != NULL; i++) {
		r = redisCommand(c, "HGET falco %s", a[i].uuid);
		SK_CHECK(r != NULL && r->type == REDIS_REPLY_STRING);
		SK_CHECK_STR(r != NULL ? r->str : NULL, a[i].json);
		freeReplyObject(r);
	}
	r = c != NULL ? redisCommand(c, "HLEN falco") : NULL;
	SK_CHECK_INT(r != NULL ? r->integer : -1, 2);
	freeReplyObject(r);
	if (c != NULL) {
		redisFree(c);
	}
	/* A wrong password is a configuration error: FAIL, with the reason. */
	SK_CHECK(ph_open(&p, "redis", wrong));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "AUTH");
	ph_unload(&p);
	rp_stop(&srv);
}

SK_TEST(redis_wrongtype_fails_and_down_server_retries_then_recovers)
{
	rp_server srv;
	ph_plugin p = {0};
	ph_alert a;
	redisContext *c;
	redisReply *r;
	int port;

	SK_CHECK_INT(rp_start(&srv, 0, NULL), SK_OK);
	port = srv.port;
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	const char *const config[] = {"address", addr, "key", "k", "timeout", "1000", NULL};
	ph_alert_make(&a, 20);
	c = rp_client(&srv, 0);
	r = c != NULL ? redisCommand(c, "SET k a-string") : NULL;
	freeReplyObject(r);
	SK_CHECK(ph_open(&p, "redis", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "WRONGTYPE");
	r = c != NULL ? redisCommand(c, "DEL k") : NULL;
	freeReplyObject(r);
	if (c != NULL) {
		redisFree(c);
	}
	rp_stop(&srv);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "refused");
	SK_CHECK_INT(rp_start(&srv, port, NULL), SK_OK);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	c = rp_client(&srv, 0);
	check_list(c, "k", (const ph_alert *const[]){&a}, 1);
	if (c != NULL) {
		redisFree(c);
	}
	rp_stop(&srv);
}

SK_TEST(redis_refuses_bad_config)
{
	ph_plugin p = {0};
	const char *const port[] = {"address", "127.0.0.1:99999", NULL};
	const char *const storage[] = {"address", "127.0.0.1:1", "storagetype", "set", NULL};

	SK_CHECK_INT(ph_load(&p, "redis"), SK_OK);
	SK_CHECK(!ph_init(&p, port));
	SK_CHECK_CONTAINS(p.err, "address '127.0.0.1:99999'");
	SK_CHECK(!ph_init(&p, storage));
	SK_CHECK_CONTAINS(p.err, "storagetype 'set'");
	ph_unload(&p);
}

SK_TEST_MAIN()
