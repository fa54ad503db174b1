/* saker-event-generator: performs, safely, what Saker's rules detect.
 *
 *   list [--all] [-v]                              action names and their rules
 *   run  [--all] [--sleep MS] [ACTION...]          perform actions
 *   test [--all] [--listen HOST:PORT] [--timeout MS] [ACTION...]
 *                                                  perform and check the alert arrives
 *
 * Without ACTION, the actions of saker_rules.yaml run; --all adds those of
 * saker_rules_extra.yaml. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen_actions.h"
#include "gen_alert.h"
#include "gen_name.h"
#include "sk_err.h"
#include "sk_log.h"

#define ACTION_TIMEOUT_MS 10000
#define DEFAULT_LISTEN "127.0.0.1:2810"
#define DEFAULT_ALERT_TIMEOUT_MS 2000

typedef struct options {
	bool all;
	bool verbose;
	int sleep_ms;
	int timeout_ms;
	const char *listen;
	char **names; /* explicit actions */
	int nnames;
} options;

static void usage(FILE *out)
{
	fprintf(out, "usage: saker-event-generator list [--all] [-v]\n"
		     "       saker-event-generator run [--all] [--sleep MS] [ACTION...]\n"
		     "       saker-event-generator test [--all] [--listen HOST:PORT] [--timeout MS] [ACTION...]\n"
		     "Actions are named after the rule they trigger (\"Write below etc\" -> syscall.WriteBelowEtc).\n"
		     "run and test need root. test waits for each alert on http://HOST:PORT/ (default %s),\n"
		     "where saker-engine's http output or saker-sidekick's webhook output must post.\n",
		DEFAULT_LISTEN);
}

/* Parses a non-negative integer option value; false on garbage. */
static bool parse_ms(const char *s, int *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 3600000) {
		return false;
	}
	*out = (int)v;
	return true;
}

static bool parse_options(int argc, char **argv, options *o)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(a, "--all") == 0) {
			o->all = true;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			o->verbose = true;
		} else if (strcmp(a, "--sleep") == 0 && has_value) {
			if (!parse_ms(argv[++i], &o->sleep_ms)) {
				sk_error("--sleep: '%s' is not a number of milliseconds", argv[i]);
				return false;
			}
		} else if (strcmp(a, "--timeout") == 0 && has_value) {
			if (!parse_ms(argv[++i], &o->timeout_ms) || o->timeout_ms == 0) {
				sk_error("--timeout: '%s' is not a positive number of milliseconds", argv[i]);
				return false;
			}
		} else if (strcmp(a, "--listen") == 0 && has_value) {
			o->listen = argv[++i];
		} else if (a[0] == '-') {
			sk_error("unknown or incomplete option '%s'", a);
			return false;
		} else {
			o->names[o->nnames++] = argv[i];
		}
	}
	return true;
}

/* Resolves the selection into list (capacity: the table size). */
static bool select_actions(const options *o, const gen_action **list, size_t *n)
{
	size_t count;
	const gen_action *table = gen_actions(&count);

	*n = 0;
	if (o->nnames == 0) {
		for (size_t i = 0; i < count; i++) {
			if (o->all || !table[i].extra) {
				list[(*n)++] = &table[i];
			}
		}
		return true;
	}
	for (int i = 0; i < o->nnames; i++) {
		const gen_action *a = gen_action_find(o->names[i]);
		if (a == NULL) {
			sk_error("unknown action '%s' (see 'saker-event-generator list --all')", o->names[i]);
			return false;
		}
		list[(*n)++] = a;
	}
	return true;
}

static void action_name(const gen_action *a, char *buf, size_t cap)
{
	if (gen_action_name(a->rule, buf, cap) != SK_OK) {
		snprintf(buf, cap, "%s", a->rule);
	}
}

static int cmd_list(const gen_action **list, size_t n, bool verbose)
{
	char name[GEN_NAME_MAX];

	for (size_t i = 0; i < n; i++) {
		action_name(list[i], name, sizeof(name));
		printf("%s\t%s", name, list[i]->rule);
		if (verbose) {
			printf("\t%s%s%s", list[i]->box.flags & GEN_IN_CONTAINER ? "[container] " : "",
			       list[i]->extra ? "[extra] " : "", list[i]->does);
		}
		printf("\n");
	}
	return 0;
}

/* Runs one action; prints why on failure. */
static bool run_one(const gen_action *a, const char *name)
{
	int code = -1;
	sk_err err = gen_action_run(a, ACTION_TIMEOUT_MS, &code);

	if (err != SK_OK || code != 0) {
		printf("FAIL  %s: %s (exit status %d)\n", name, err != SK_OK ? sk_strerror(err) : "action failed",
		       code);
		return false;
	}
	return true;
}

static int cmd_run(const gen_action **list, size_t n, int sleep_ms)
{
	char name[GEN_NAME_MAX];
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = gen_now_ns();
		action_name(list[i], name, sizeof(name));
		if (run_one(list[i], name)) {
			printf("ok    %s (%.1f ms)\n", name, (double)(gen_now_ns() - t0) / 1e6);
		} else {
			failed++;
		}
		fflush(stdout);
		if (sleep_ms > 0) {
			usleep((useconds_t)sleep_ms * 1000u);
		}
	}
	printf("%zu actions, %d failed\n", n, failed);
	return failed == 0 ? 0 : 1;
}

/* Splits "host:port" or "[v6]:port". */
static bool split_listen(const char *spec, char *host, size_t cap, uint16_t *port)
{
	const char *colon = strrchr(spec, ':');
	const char *h = spec;
	size_t hlen;
	int p;

	if (colon == NULL || !parse_ms(colon + 1, &p) || p > 65535) {
		return false;
	}
	hlen = (size_t)(colon - spec);
	if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= cap) {
		return false;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = (uint16_t)p;
	return true;
}

static int cmd_test(const gen_action **list, size_t n, const options *o)
{
	char host[64], name[GEN_NAME_MAX], seen[1024];
	uint16_t port = 0;
	gen_receiver *rx = NULL;
	uint64_t accepted = 0, rejected = 0;
	int failed = 0;
	sk_err err;

	if (!split_listen(o->listen, host, sizeof(host), &port)) {
		sk_error("--listen: '%s' is not HOST:PORT", o->listen);
		return 2;
	}
	err = gen_receiver_start(host, port, &rx);
	if (err != SK_OK) {
		sk_error("cannot listen on %s: %s", o->listen, sk_strerror(err));
		return 2;
	}
	printf("waiting for alerts on http://%s:%u/ (%d ms per action)\n", host, gen_receiver_port(rx),
	       o->timeout_ms);
	for (size_t i = 0; i < n; i++) {
		uint64_t since = gen_now_ns();
		gen_alert got;
		action_name(list[i], name, sizeof(name));
		if (!run_one(list[i], name)) {
			failed++;
			continue;
		}
		if (gen_receiver_wait(rx, list[i]->rule, since, o->timeout_ms, &got) == SK_OK) {
			printf("PASS  %s  rule \"%s\" (%s) after %.1f ms\n", name, got.rule, got.priority,
			       (double)(got.received_ns - since) / 1e6);
		} else {
			gen_receiver_seen(rx, since, seen, sizeof(seen));
			printf("FAIL  %s  no \"%s\" alert within %d ms (received: %s)\n", name, list[i]->rule,
			       o->timeout_ms, seen[0] != '\0' ? seen : "nothing");
			failed++;
		}
		fflush(stdout);
	}
	gen_receiver_counts(rx, &accepted, &rejected);
	printf("%zu actions, %zu passed, %d failed, %llu alerts received, %llu requests rejected\n", n,
	       n - (size_t)failed, failed, (unsigned long long)accepted, (unsigned long long)rejected);
	gen_receiver_stop(rx);
	return failed == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	options o = {.timeout_ms = DEFAULT_ALERT_TIMEOUT_MS, .listen = DEFAULT_LISTEN};
	const gen_action **list = NULL;
	size_t count, n = 0;
	int ret = 2;

	sk_log_init("saker-event-generator", SK_LOG_INFO);
	/* Aliased re-executions (argv[0] = "nginx", ...) land here. */
	if (argc >= 3 && strcmp(argv[1], "helper") == 0) {
		return gen_helper_main(argc - 2, argv + 2);
	}
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	gen_actions(&count);
	list = calloc(count + (size_t)argc, sizeof(*list));
	o.names = calloc((size_t)argc, sizeof(*o.names));
	if (list == NULL || o.names == NULL) {
		sk_error("out of memory");
		goto cleanup;
	}
	if (!parse_options(argc - 2, argv + 2, &o) || !select_actions(&o, list, &n)) {
		goto cleanup;
	}
	if (strcmp(argv[1], "list") == 0) {
		ret = cmd_list(list, n, o.verbose);
	} else if (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "test") == 0) {
		if (geteuid() != 0) {
			sk_error("%s needs root (namespaces, cgroups, tmpfs mounts)", argv[1]);
			goto cleanup;
		}
		ret = strcmp(argv[1], "run") == 0 ? cmd_run(list, n, o.sleep_ms) : cmd_test(list, n, &o);
	} else {
		sk_error("unknown command '%s'", argv[1]);
		usage(stderr);
	}
cleanup:
	free(list);
	free(o.names);
	return ret;
}
