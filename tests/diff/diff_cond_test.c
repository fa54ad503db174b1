/* diff_cond_test: conditions in Falco's language select the same events
 * in Saker (rules compiler + state + extractors) as in sysdig 0.29.
 *
 * Each condition becomes a rule; every event of every shared capture is
 * matched against all of them (rule_matching: all) and the set of events
 * each one selects, keyed by (time, thread, direction, type), must equal
 * the set sysdig's filter selects. The conditions cover every operator
 * sysdig 0.29 has: = != < <= > >= contains icontains startswith endswith
 * glob in pmatch exists, and/or/not and parentheses. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "event_table.h"
#include "ruleset.h"
#include "scap_reader.h"
#include "sk_strbuf.h"
#include "sk_test.h"
#include "state.h"
#include "state_scap.h"

static const char *const conditions[] = {
	"evt.type = open",
	"evt.type != switch",
	"evt.type in (open, close, read)",
	"evt.dir = <",
	"evt.dir = > and evt.type = close",
	"proc.name = cat",
	"proc.name != cat",
	"proc.name in (cat, bash, systemd-udevd)",
	"proc.name startswith sys",
	"proc.name endswith d",
	"proc.name contains udev",
	"proc.name icontains CAT",
	"proc.name exists",
	"not proc.name exists",
	"proc.name glob \"sys*\"",
	"proc.pid = 20072",
	"proc.pid > 1000",
	"proc.pid <= 466",
	"proc.pid >= 31699",
	"proc.pid < 500",
	"thread.tid != 0",
	"evt.rawres < 0",
	"evt.rawres >= 3",
	"evt.res = SUCCESS",
	"evt.res = ENOENT",
	"evt.res != SUCCESS",
	"evt.failed = true",
	"evt.dir = < and fd.name startswith /etc",
	"evt.dir = < and fd.name contains lib",
	"evt.dir = < and fd.name endswith .so.6",
	"evt.dir = < and fd.name pmatch (/etc, /usr/lib)",
	"evt.dir = < and fd.name glob \"/lib/*/*.so.*\"",
	"evt.dir = < and fd.directory = /etc",
	"evt.dir = < and fd.filename in (ld.so.cache, libc.so.6)",
	"evt.dir = < and fd.typechar = f",
	"evt.dir = < and fd.type in (ipv4, ipv6)",
	"evt.dir = < and fd.num = 3",
	"evt.dir = < and fd.num > 3",
	"evt.dir = < and fd.sport = 1234",
	"evt.dir = < and fd.cport > 40000",
	"evt.dir = < and fd.sip = 2001:db8::3",
	"evt.dir = < and fd.cip = 127.0.0.1",
	"evt.dir = < and fd.l4proto = tcp",
	"evt.dir = < and fd.sockfamily = unix",
	"evt.type = read and evt.rawres > 100",
	"evt.is_io_read = true",
	"evt.dir = < and evt.is_io_write = true and fd.typechar = 6",
	"evt.category = net",
	"evt.type != mprotect and evt.category in (net, memory)",
	"user.name = root",
	"user.uid = 0",
	"proc.cmdline contains /dev/null",
	"proc.args = /dev/null",
	"proc.pname = bash",
	"proc.cwd startswith /mnt",
	"(proc.name = cat or proc.name = bash) and not evt.type = mmap",
	"not (evt.type in (switch, nanosleep))",
	"evt.arg.flags contains O_RDONLY",
	"evt.arg.name = /etc/ld.so.cache",
	"evt.is_open_read = true",
	"container.id = host",
	"evt.cpu = 1",
	"thread.ismain = true",
	"evt.args contains ENOENT",
	"group.name = root",
	"proc.name = cat and (fd.name contains locale or evt.type = brk)",
	/* cat_write has mprotect and arch_prctl only as generic events */
	"evt.type = mprotect",
	"evt.type in (arch_prctl, brk)",
	"evt.type != mprotect and proc.name = cat",
	"not evt.type in (mprotect, arch_prctl, mmap, switch)",
};
#define NCOND (sizeof(conditions) / sizeof(conditions[0]))
#define MAX_HITS 4096
#define PARALLEL 6

typedef struct hits {
	char **keys;
	size_t n;
} hits;

static void hits_add(hits *h, const char *key)
{
	if (h->n >= MAX_HITS) {
		return;
	}
	if (h->keys == NULL) {
		h->keys = calloc(MAX_HITS, sizeof(char *));
		if (h->keys == NULL) {
			return;
		}
	}
	h->keys[h->n++] = strdup(key);
}

static void hits_free(hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->keys[i]);
	}
	free(h->keys);
	memset(h, 0, sizeof(*h));
}

static bool hits_has(const hits *h, const char *key)
{
	for (size_t i = 0; i < h->n; i++) {
		if (strcmp(h->keys[i], key) == 0) {
			return true;
		}
	}
	return false;
}

/* Starts sysdig's filter cond on path; read with sysdig_hits(). */
static FILE *sysdig_start(const char *path, const char *cond)
{
	sk_strbuf cmd = SK_STRBUF_INIT;
	sk_strbuf_printf(&cmd, "sysdig -r '%s' -p '*%%evt.rawtime %%thread.tid %%evt.dir %%evt.type' '%s' 2>&1", path,
			 cond);
	FILE *p = popen(sk_strbuf_str(&cmd), "r");
	sk_strbuf_free(&cmd);
	return p;
}

/* Collects the events the started sysdig selects. */
static int sysdig_hits(FILE *p, hits *out)
{
	if (p == NULL) {
		return -1;
	}
	char line[512];
	while (fgets(line, sizeof(line), p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		hits_add(out, line);
	}
	return pclose(p) == 0 ? 0 : -1;
}

typedef struct match_ctx {
	hits *per_rule;
	const char *key;
	sk_ruleset *rs;
} match_ctx;

static bool on_match(const sk_rule *rule, void *user)
{
	match_ctx *m = user;
	hits_add(&m->per_rule[rule->order], m->key);
	return true;
}

static sk_ruleset *build_ruleset(void)
{
	sk_strbuf yaml = SK_STRBUF_INIT;
	for (size_t i = 0; i < NCOND; i++) {
		sk_strbuf_printf(&yaml,
				 "- rule: c%zu\n  desc: condition %zu\n  condition: >-\n    %s\n  output: c%zu\n"
				 "  priority: INFO\n",
				 i, i, conditions[i], i);
	}
	sk_rules_opts opts = {0};
	opts.min_priority = SK_PRIO_DEBUG;
	opts.match_all = true;
	sk_ruleset *rs = NULL;
	SK_CHECK(sk_ruleset_new(&opts, &rs) == SK_OK);
	sk_err err = sk_ruleset_load_string(rs, "conditions.yaml", sk_strbuf_str(&yaml), yaml.len);
	if (err == SK_OK) {
		err = sk_ruleset_compile(rs);
	}
	const sk_diags *d = sk_ruleset_diags(rs);
	for (size_t i = 0; err != SK_OK && d != NULL && i < d->n; i++) {
		sk_strbuf msg = SK_STRBUF_INIT;
		sk_diag_render(&d->v[i], sk_ruleset_srcs(rs), &msg);
		fprintf(stderr, "%s\n", sk_strbuf_str(&msg));
		sk_strbuf_free(&msg);
	}
	SK_CHECK(err == SK_OK);
	SK_CHECK_INT(sk_ruleset_rule_count(rs), NCOND);
	sk_strbuf_free(&yaml);
	return rs;
}

static size_t mismatches;

static void compare_capture(sk_ruleset *rs, const char *path, size_t *total_hits)
{
	static hits ours[NCOND];
	diff_replay d;
	bool opened = diff_replay_open(&d, path);
	SK_CHECK(opened);
	size_t n = 0;
	while (opened && n++ < 100000 && diff_replay_next(&d)) {
		if (sk_event_info_get(d.ev.type)->kind == SK_EK_META) {
			continue; /* capture bookkeeping (procinfo, container...): no rules run on it */
		}
		match_ctx m = {ours, d.key, rs};
		SK_CHECK(sk_ruleset_match(rs, d.ev.type, &d.ctx, on_match, &m) == SK_OK);
	}
	/* sysdig runs PARALLEL filters at a time: its start-up dominates. */
	FILE *running[NCOND] = {0};
	for (size_t c = 0; c < NCOND && c < PARALLEL; c++) {
		running[c] = sysdig_start(path, conditions[c]);
	}
	for (size_t c = 0; c < NCOND; c++) {
		if (c + PARALLEL < NCOND) {
			running[c + PARALLEL] = sysdig_start(path, conditions[c + PARALLEL]);
		}
		hits sys = {0};
		SK_CHECK(sysdig_hits(running[c], &sys) == 0);
		size_t missing = 0, extra = 0;
		for (size_t i = 0; i < sys.n; i++) {
			if (!hits_has(&ours[c], sys.keys[i])) {
				missing++;
				if (missing <= 2) {
					fprintf(stderr, "%s: [%s] sysdig selects, saker not: %s\n", path, conditions[c],
						sys.keys[i]);
				}
			}
		}
		for (size_t i = 0; i < ours[c].n; i++) {
			if (!hits_has(&sys, ours[c].keys[i])) {
				extra++;
				if (extra <= 2) {
					fprintf(stderr, "%s: [%s] saker selects, sysdig not: %s\n", path, conditions[c],
						ours[c].keys[i]);
				}
			}
		}
		mismatches += missing + extra;
		*total_hits += sys.n;
		hits_free(&sys);
		hits_free(&ours[c]);
	}
	if (opened) {
		diff_replay_close(&d);
	}
}

SK_TEST(conditions_agree_with_sysdig)
{
	sk_ruleset *rs = build_ruleset();
	size_t total_hits = 0;
	/* open-multiple-files repeats cat_write's kinds of events; empty has none. */
	static const char *const captures[] = {"cat_write", "connect_localhost", "sample", "single_ipv6_conn"};
	for (size_t i = 0; rs != NULL && i < sizeof(captures) / sizeof(captures[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "../shared/upstream/scap/%s.scap", captures[i]);
		compare_capture(rs, path, &total_hits);
	}
	printf("%zu conditions, %zu sysdig selections, %zu differences\n", NCOND, total_hits, mismatches);
	SK_CHECK(NCOND >= 50);
	SK_CHECK(total_hits > 1000);
	SK_CHECK_INT(mismatches, 0);
	sk_ruleset_free(rs);
}

SK_TEST_MAIN()
