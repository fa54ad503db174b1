/* ruleset_test: loading (lists, macros, rules, override/append,
 * exceptions, priorities), evaluation through compiled conditions,
 * the event-type index, output formats, and the exact file:line:col and
 * message of invalid inputs. Fields come from testenv.h. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "ruleset.h"

#include "sk_test.h"
#include "testenv.h"

static char diag_text[16384];

static sk_ruleset *load_opts(const char *yaml, sk_rules_opts opts, sk_err *err)
{
	sk_ruleset *rs = NULL;
	opts.env = &tev_env;
	if (sk_ruleset_new(&opts, &rs) != SK_OK) {
		return NULL;
	}
	sk_err e1 = sk_ruleset_load_string(rs, "t.yaml", yaml, strlen(yaml));
	sk_err e2 = sk_ruleset_compile(rs);
	if (err != NULL) {
		*err = e1 != SK_OK ? e1 : e2;
	}
	sk_strbuf sb = SK_STRBUF_INIT;
	const sk_diags *ds = sk_ruleset_diags(rs);
	for (size_t i = 0; i < ds->n; i++) {
		sk_diag_render(&ds->v[i], sk_ruleset_srcs(rs), &sb);
	}
	snprintf(diag_text, sizeof(diag_text), "%s", sk_strbuf_str(&sb));
	sk_strbuf_free(&sb);
	return rs;
}

static sk_ruleset *load(const char *yaml, sk_err *err)
{
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG, .match_all = true};
	return load_opts(yaml, opts, err);
}

typedef struct hits {
	char names[512];
	int n;
} hits;

static bool on_match(const sk_rule *r, void *user)
{
	hits *h = user;
	size_t len = strlen(h->names);
	snprintf(h->names + len, sizeof(h->names) - len, "%s%s", h->n ? "," : "", r->name);
	h->n++;
	return true;
}

/* Names of the rules that match e, comma-separated. */
static const char *matches(sk_ruleset *rs, const tev *e)
{
	static hits h;
	memset(&h, 0, sizeof(h));
	if (sk_ruleset_match(rs, e->type, (struct sk_eval_ctx *)(uintptr_t)e, on_match, &h) != SK_OK) {
		return "(error)";
	}
	return h.names;
}

/* Compiles cond as the condition of one rule and evaluates it on e:
 * 1 true, 0 false, -1 did not compile. */
static int cond(const char *c, const tev *e)
{
	char yaml[4096];
	snprintf(yaml, sizeof(yaml),
		 "- list: L1\n  items: [a, \"b\"]\n"
		 "- list: L2\n  items: [L1, c, '\"d e\"']\n"
		 "- macro: m_bash\n  condition: t.s = bash\n"
		 "- macro: m_nested\n  condition: m_bash and t.i > 0\n"
		 "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: >-\n    %s\n",
		 c);
	sk_err err = SK_OK;
	sk_ruleset *rs = load(yaml, &err);
	int res = -1;
	if (err == SK_OK && sk_ruleset_rule_count(rs) == 1) {
		res = strcmp(matches(rs, e), "r") == 0;
	} else {
		fprintf(stderr, "condition '%s' did not compile:\n%s", c, diag_text);
	}
	sk_ruleset_free(rs);
	return res;
}

static const tev ev0 = {
	.type = 2, /* openat */
	.s = "bash",
	.s2 = "bash",
	.i = 42,
	.u = 7,
	.b = true,
	.d = 0.5,
	.ip = "10.1.2.3",
	.net = "192.168.0.0/16",
	.buf = "\x7f" "ELF",
	.buflen = 4,
	.multi = {"a", "b", "c"},
	.nmulti = 3,
};

SK_TEST(eval_every_operator)
{
	SK_CHECK_INT(cond("t.s = bash", &ev0), 1);
	SK_CHECK_INT(cond("t.s == bash", &ev0), 1);
	SK_CHECK_INT(cond("t.s != bash", &ev0), 0);
	SK_CHECK_INT(cond("t.i < 43 and t.i <= 42 and t.i > 41 and t.i >= 42", &ev0), 1);
	SK_CHECK_INT(cond("t.i < 42", &ev0), 0);
	SK_CHECK_INT(cond("t.s contains as", &ev0), 1);
	SK_CHECK_INT(cond("t.s icontains AS", &ev0), 1);
	SK_CHECK_INT(cond("t.s startswith ba and t.s endswith sh", &ev0), 1);
	SK_CHECK_INT(cond("t.s glob 'b*h'", &ev0), 1);
	SK_CHECK_INT(cond("t.s iglob 'B*H'", &ev0), 1);
	SK_CHECK_INT(cond("t.s glob 'B*H'", &ev0), 0);
	SK_CHECK_INT(cond("t.s regex 'b.sh'", &ev0), 1);
	SK_CHECK_INT(cond("t.s regex 'as'", &ev0), 0); /* anchored: full match only */
	SK_CHECK_INT(cond("t.s regex '.*as.*'", &ev0), 1);
	SK_CHECK_INT(cond("t.s in (sh, bash)", &ev0), 1);
	SK_CHECK_INT(cond("t.s in (sh, zsh)", &ev0), 0);
	SK_CHECK_INT(cond("t.s intersects (x, bash)", &ev0), 1);
	SK_CHECK_INT(cond("t.s pmatch (/bin, bash)", &ev0), 1);
	SK_CHECK_INT(cond("t.s exists", &ev0), 1);
	SK_CHECK_INT(cond("t.buf bcontains 454c46 and t.buf bstartswith 7f45", &ev0), 1);
	SK_CHECK_INT(cond("t.buf bcontains 4c4647", &ev0), 0);
	SK_CHECK_INT(cond("t.u in (1, 7, 9) and t.i in (42)", &ev0), 1);
	SK_CHECK_INT(cond("t.b = true and t.b != false", &ev0), 1);
	SK_CHECK_INT(cond("t.d > 0.25", &ev0), 1);
	SK_CHECK_INT(cond("t.ip = 10.0.0.0/8 and t.ip != 10.1.2.4", &ev0), 1);
	SK_CHECK_INT(cond("t.ip in (192.168.0.0/16, \"10.1.0.0/16\")", &ev0), 1);
	SK_CHECK_INT(cond("t.net = 192.168.0.0/16 and t.net = 192.168.7.7", &ev0), 1);
}

SK_TEST(eval_missing_values)
{
	SK_CHECK_INT(cond("t.none = x", &ev0), 0);
	SK_CHECK_INT(cond("t.none != x", &ev0), 0);
	SK_CHECK_INT(cond("not t.none = x", &ev0), 1);
	SK_CHECK_INT(cond("t.none exists", &ev0), 0);
	SK_CHECK_INT(cond("not t.none exists", &ev0), 1);
	SK_CHECK_INT(cond("t.later = x or t.later exists", &ev0), 0);
}

SK_TEST(eval_multi_value_fields)
{
	SK_CHECK_INT(cond("t.multi = b", &ev0), 1);
	SK_CHECK_INT(cond("t.multi = z", &ev0), 0);
	SK_CHECK_INT(cond("t.multi[1] = b and t.multi[0] = a", &ev0), 1);
	SK_CHECK_INT(cond("t.multi[2] = b", &ev0), 0);
	SK_CHECK_INT(cond("t.multi in (z, c)", &ev0), 1);
	SK_CHECK_INT(cond("t.multi intersects (y, z)", &ev0), 0);
}

SK_TEST(eval_transformers_and_val)
{
	tev e = ev0;
	e.s = "/usr/bin/BASH";
	e.s2 = "aGVsbG8=";
	SK_CHECK_INT(cond("tolower(t.s) = /usr/bin/bash", &e), 1);
	SK_CHECK_INT(cond("toupper(t.s) contains USR", &e), 1);
	SK_CHECK_INT(cond("basename(t.s) = BASH", &e), 1);
	SK_CHECK_INT(cond("tolower(basename(t.s)) = bash", &e), 1);
	/* The field cache hands transformers a copy: later uses see the original. */
	SK_CHECK_INT(cond("tolower(t.s) = /usr/bin/bash and t.s = /usr/bin/BASH and toupper(t.s) = /USR/BIN/BASH "
			  "and basename(t.s) = BASH and t.s endswith BASH",
			  &e),
		     1);
	SK_CHECK_INT(cond("len(t.s) = 13 and len(t.s) > 12", &e), 1);
	SK_CHECK_INT(cond("b64(t.s2) = hello", &e), 1);
	SK_CHECK_INT(cond("b64(t.s) = hello", &e), 0);
	SK_CHECK_INT(cond("t.s = val(t.s2)", &ev0), 1);
	SK_CHECK_INT(cond("t.s = val(t.s2)", &e), 0);
	SK_CHECK_INT(cond("t.s != val(t.s2)", &e), 1);
	SK_CHECK_INT(cond("t.s = val(t.none)", &ev0), 0);
}

SK_TEST(eval_field_arguments)
{
	SK_CHECK_INT(cond("evt.arg.flags = flags", &ev0), 1);
	SK_CHECK_INT(cond("evt.arg[flags] = flags", &ev0), 1);
	SK_CHECK_INT(cond("evt.arg[1] = '#1'", &ev0), 1);
	SK_CHECK_INT(cond("t.key[HOME] = HOME", &ev0), 1);
	SK_CHECK_INT(cond("t.key.HOME = HOME", &ev0), 1);
}

SK_TEST(eval_lists_and_macros)
{
	tev e = ev0;
	e.s = "a";
	SK_CHECK_INT(cond("t.s in (L1)", &e), 1);
	SK_CHECK_INT(cond("t.s in (L2)", &e), 1); /* nested list flattens */
	e.s = "d e";
	SK_CHECK_INT(cond("t.s in (L2)", &e), 1); /* quoted item */
	e.s = "L1";
	SK_CHECK_INT(cond("t.s in ('L1')", &e), 1); /* a quoted name is a value */
	SK_CHECK_INT(cond("t.s in (L1)", &e), 0);
	SK_CHECK_INT(cond("t.s = L1", &e), 1); /* lists expand only inside ( ) */
	SK_CHECK_INT(cond("m_bash", &ev0), 1);
	SK_CHECK_INT(cond("m_nested and not m_bash", &ev0), 0);
	SK_CHECK_INT(cond("m_nested", &ev0), 1);
}

/* Trees specialised per event type, with macros evaluated once per event,
 * match exactly what the full trees match, for every type and field value,
 * and rules that cannot match a type are left out of its index. */
SK_TEST(type_fold_and_macro_memo_agree_with_full_trees)
{
	const char *yaml =
		"- macro: m_open\n  condition: evt.type in (open, openat) and t.i > 0\n"
		"- macro: m_exec\n  condition: (evt.type = execve and t.s = bash)\n"
		"- rule: r_macros\n  desc: d\n  output: o\n  priority: INFO\n"
		"  condition: (m_open or m_exec) and not t.s = x\n"
		"- rule: r_nested\n  desc: d\n  output: o\n  priority: INFO\n"
		"  condition: evt.type in (open, execve) and (evt.type = execve or t.s = x) and evt.type != connect\n"
		"- rule: r_not\n  desc: d\n  output: o\n  priority: INFO\n"
		"  condition: not (evt.type = open or (evt.type = connect and t.i = 0))\n"
		"- rule: r_or_true\n  desc: d\n  output: o\n  priority: INFO\n"
		"  condition: evt.type = openat or t.s = bash\n"
		"- rule: r_exc\n  desc: d\n  output: o\n  priority: INFO\n"
		"  condition: evt.type in (open, openat, connect) and (m_open or t.i = 0)\n"
		"  exceptions:\n  - name: e\n    fields: [t.s]\n    values: [[x]]\n";
	sk_err err = SK_OK;
	sk_ruleset *folded = load(yaml, &err);
	SK_CHECK_INT(err, SK_OK);
	sk_rules_opts opts = {
		.min_priority = SK_PRIO_DEBUG, .match_all = true, .no_type_fold = true, .no_macro_memo = true};
	sk_ruleset *full = load_opts(yaml, opts, &err);
	SK_CHECK_INT(err, SK_OK);
	SK_CHECK_INT(sk_ruleset_rule_count(folded), 5);
	static const char *const strs[] = {"bash", "x", "other"};
	static const int64_t ints[] = {0, 5};
	int compared = 0, nonempty = 0;
	for (uint16_t t = 0; t < TEV_NTYPES; t++) {
		for (size_t si = 0; si < 3; si++) {
			for (size_t ii = 0; ii < 2; ii++) {
				tev e = ev0;
				e.type = t;
				e.s = strs[si];
				e.i = ints[ii];
				char want[512];
				snprintf(want, sizeof(want), "%s", matches(full, &e));
				const char *got = matches(folded, &e);
				if (strcmp(want, got) != 0) {
					fprintf(stderr, "type %u s=%s i=%" PRId64 ": full [%s], folded [%s]\n", t, e.s,
						e.i, want, got);
				}
				SK_CHECK_STR(got, want);
				compared++;
				nonempty += want[0] != '\0';
			}
		}
	}
	SK_CHECK_INT(compared, TEV_NTYPES * 6);
	SK_CHECK(nonempty > 10);
	/* Types that decide the evt.type tests alike share a tree: fewer trees
	 * than rules times types; none without folding. */
	sk_ruleset_stats fs, us;
	sk_ruleset_stats_get(folded, &fs);
	sk_ruleset_stats_get(full, &us);
	SK_CHECK(fs.type_trees > 5 && fs.type_trees < 5 * TEV_NTYPES);
	SK_CHECK_INT(us.type_trees, 0);
	for (uint16_t t = 0; t < TEV_NTYPES; t++) {
		SK_CHECK_INT(sk_ruleset_rules_for_type(folded, t), sk_ruleset_rules_for_type(full, t));
	}
	sk_ruleset_free(folded);
	sk_ruleset_free(full);
}

/* In the per-type trees a costly check runs after the cheap ones beside
 * it; the full trees keep the written order. Same results either way. */
SK_TEST(costly_checks_run_last)
{
	const char *yaml = "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n"
			   "  condition: evt.type = openat and t.buf bcontains 6162 and t.s = bash\n";
	sk_err err = SK_OK;
	sk_ruleset *folded = load(yaml, &err);
	SK_CHECK_INT(err, SK_OK);
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG, .match_all = true, .no_type_fold = true};
	sk_ruleset *full = load_opts(yaml, opts, &err);
	SK_CHECK_INT(err, SK_OK);
	tev e = ev0;
	e.s = "zsh";
	e.buf = "xabx";
	e.buflen = 4;
	tev_buf_extractions = 0;
	SK_CHECK_STR(matches(folded, &e), "");
	SK_CHECK_INT(tev_buf_extractions, 0); /* t.s decided it */
	SK_CHECK_STR(matches(full, &e), "");
	SK_CHECK_INT(tev_buf_extractions, 1);
	e.s = "bash";
	SK_CHECK_STR(matches(folded, &e), "r");
	SK_CHECK_STR(matches(full, &e), "r");
	sk_ruleset_free(folded);
	sk_ruleset_free(full);
}

SK_TEST(event_type_index)
{
	const char *yaml = "- rule: r_open\n  desc: d\n  output: o\n  priority: INFO\n  condition: evt.type = open\n"
			   "- rule: r_not_open\n  desc: d\n  output: o\n  priority: INFO\n"
			   "  condition: not evt.type = open and t.s = bash\n"
			   "- rule: r_and\n  desc: d\n  output: o\n  priority: INFO\n"
			   "  condition: evt.type in (open, execve) and evt.type != execve\n"
			   "- rule: r_or\n  desc: d\n  output: o\n  priority: INFO\n"
			   "  condition: evt.type = connect or evt.type in (execve)\n"
			   "- rule: r_any\n  desc: d\n  output: o\n  priority: INFO\n"
			   "  condition: not (evt.type = open and t.s = x)\n";
	sk_err err = SK_OK;
	sk_ruleset *rs = load(yaml, &err);
	SK_CHECK_INT(err, SK_OK);
	SK_CHECK_INT(sk_ruleset_rule_count(rs), 5);
	/* ids: 0,1 open; 2,3 openat; 4,5 execve; 6,7 connect */
	SK_CHECK(sk_ruleset_rule_has_type(rs, 0, 0) && sk_ruleset_rule_has_type(rs, 0, 1));
	SK_CHECK(!sk_ruleset_rule_has_type(rs, 0, 2));
	SK_CHECK(!sk_ruleset_rule_has_type(rs, 1, 0) && sk_ruleset_rule_has_type(rs, 1, 2));
	SK_CHECK(sk_ruleset_rule_has_type(rs, 1, 7));
	SK_CHECK(sk_ruleset_rule_has_type(rs, 2, 1) && !sk_ruleset_rule_has_type(rs, 2, 4));
	SK_CHECK(!sk_ruleset_rule_has_type(rs, 2, 6));
	SK_CHECK(sk_ruleset_rule_has_type(rs, 3, 6) && sk_ruleset_rule_has_type(rs, 3, 5));
	SK_CHECK(!sk_ruleset_rule_has_type(rs, 3, 0));
	SK_CHECK_INT(sk_ruleset_rules_for_type(rs, 0), 3); /* r_open, r_and, r_any */
	SK_CHECK_INT(sk_ruleset_rules_for_type(rs, 6), 3); /* r_not_open, r_or, r_any */
	SK_CHECK_CONTAINS(diag_text, "t.yaml:25:14: warning LOAD_NO_EVTTYPE: rule \"r_any\": rule matches every event type");
	sk_ruleset_stats st;
	sk_ruleset_stats_get(rs, &st);
	SK_CHECK_INT(st.all_types, 1);
	tev e = ev0;
	e.type = 0;
	SK_CHECK_STR(matches(rs, &e), "r_open,r_and,r_any");
	e.type = 4;
	SK_CHECK_STR(matches(rs, &e), "r_not_open,r_or,r_any");
	sk_ruleset_free(rs);
}

/* A field source whose type 6 is generic, carrying the syscall id in t.u,
 * with its first generic type id outside the table. */
static int generic_sysid_calls;

static int generic_syscall_id(const char *name)
{
	if (strcmp(name, "ptrace") == 0) {
		return 101;
	}
	return strcmp(name, "kill") == 0 ? 62 : -1;
}

static int generic_event_syscall_id(const struct sk_eval_ctx *ctx)
{
	generic_sysid_calls++;
	return TEV(ctx)->type == 6 ? (int)TEV(ctx)->u : -1;
}

SK_TEST(generic_events_use_the_per_syscall_lists_past_a_missing_generic_type)
{
	sk_rules_env env = tev_env;
	env.syscall_id = generic_syscall_id;
	env.event_syscall_id = generic_event_syscall_id;
	env.generic_types[0] = TEV_NTYPES + 40; /* no such type: no list for it */
	env.generic_types[1] = 6;
	env.ngeneric_types = 2;
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG, .match_all = true, .env = &env};
	sk_ruleset *rs = NULL;
	SK_CHECK(sk_ruleset_new(&opts, &rs) == SK_OK);
	const char *yaml = "- rule: r_ptrace\n  desc: d\n  output: o\n  priority: INFO\n"
			   "  condition: evt.type = ptrace and t.s = bash\n"
			   "- rule: r_kill\n  desc: d\n  output: o\n  priority: INFO\n"
			   "  condition: evt.type = kill and t.s = bash\n";
	SK_CHECK_INT(sk_ruleset_load_string(rs, "g.yaml", yaml, strlen(yaml)), SK_OK);
	SK_CHECK_INT(sk_ruleset_compile(rs), SK_OK);
	tev e = ev0;
	e.type = 6;
	e.u = 101;
	SK_CHECK_STR(matches(rs, &e), "r_ptrace");
	e.u = 62;
	SK_CHECK_STR(matches(rs, &e), "r_kill");
	/* a syscall no rule names: its list is empty, so after the one lookup
	 * of the event's syscall id no condition runs */
	e.u = 5;
	generic_sysid_calls = 0;
	SK_CHECK_STR(matches(rs, &e), "");
	SK_CHECK_INT(generic_sysid_calls, 1);
	sk_ruleset_free(rs);
}

SK_TEST(rule_matching_first_stops_at_the_first_rule)
{
	const char *yaml = "- rule: a\n  desc: d\n  output: o\n  priority: INFO\n  condition: evt.type = openat\n"
			   "- rule: b\n  desc: d\n  output: o\n  priority: INFO\n  condition: evt.type = openat\n";
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG, .match_all = false};
	sk_ruleset *rs = load_opts(yaml, opts, NULL);
	SK_CHECK_STR(matches(rs, &ev0), "a");
	sk_ruleset_free(rs);
	rs = load(yaml, NULL);
	SK_CHECK_STR(matches(rs, &ev0), "a,b");
	sk_ruleset_free(rs);
}

static const char *rule_list(sk_ruleset *rs)
{
	static char buf[1024];
	buf[0] = '\0';
	for (size_t i = 0; i < sk_ruleset_rule_count(rs); i++) {
		const sk_rule *r = sk_ruleset_rule(rs, i);
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "%s%s:%s", i ? " " : "", r->name, sk_priority_name(r->priority));
	}
	return buf;
}

#define RULE(name, cond, prio) \
	"- rule: " name "\n  desc: d\n  output: o\n  priority: " prio "\n  condition: " cond "\n"

SK_TEST(priorities_and_min_priority)
{
	const char *yaml = RULE("a", "t.s = x", "emergency") RULE("b", "t.s = x", "ALERT") RULE("c", "t.s = x", "Critical")
		RULE("d", "t.s = x", "error") RULE("e", "t.s = x", "WARNING") RULE("f", "t.s = x", "notice")
			RULE("g", "t.s = x", "info") RULE("h", "t.s = x", "Informational") RULE("i", "t.s = x", "debug");
	sk_ruleset *rs = load(yaml, NULL);
	SK_CHECK_STR(rule_list(rs), "a:Emergency b:Alert c:Critical d:Error e:Warning f:Notice g:Informational "
				    "h:Informational i:Debug");
	sk_ruleset_free(rs);
	sk_rules_opts opts = {.min_priority = SK_PRIO_WARNING};
	rs = load_opts(yaml, opts, NULL);
	SK_CHECK_STR(rule_list(rs), "a:Emergency b:Alert c:Critical d:Error e:Warning");
	sk_ruleset_stats st;
	sk_ruleset_stats_get(rs, &st);
	SK_CHECK_INT(st.rules, 9);
	SK_CHECK_INT(st.enabled, 5);
	sk_ruleset_free(rs);
}

#define TAGGED(name, tags, enabled)                                                                          \
	"- rule: " name "\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.s = bash\n  tags: " tags \
	"\n  enabled: " enabled "\n"

/* Loads the tagged rules, applies the selections ("+pattern" / "-pattern"
 * by name, "+#tag" / "-#tag" by tag) in order, compiles; the rules left. */
static const char *selected(const char *const *steps, size_t n, size_t *last_matched)
{
	const char *yaml = TAGGED("Read sensitive file", "[filesystem, mitre_credential_access]", "true")
		TAGGED("Write below etc", "[filesystem]", "true") TAGGED("Netcat started", "[network, process]", "true")
			TAGGED("Sudo run", "[process]", "false");
	sk_ruleset *rs = NULL;
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG, .match_all = true, .env = &tev_env};
	SK_CHECK_INT(sk_ruleset_new(&opts, &rs), SK_OK);
	SK_CHECK_INT(sk_ruleset_load_string(rs, "t.yaml", yaml, strlen(yaml)), SK_OK);
	for (size_t i = 0; i < n; i++) {
		bool by_tag = steps[i][1] == '#';
		const char *what = steps[i] + (by_tag ? 2 : 1);
		SK_CHECK_INT(sk_ruleset_select(rs, steps[i][0] == '+', by_tag ? NULL : what, by_tag ? what : NULL,
					       last_matched),
			     SK_OK);
	}
	SK_CHECK_INT(sk_ruleset_compile(rs), SK_OK);
	SK_CHECK_INT(sk_ruleset_select(rs, true, "*", NULL, NULL), SK_EINVAL); /* too late */
	static char names[256];
	names[0] = '\0';
	for (size_t i = 0; i < sk_ruleset_rule_count(rs); i++) {
		size_t len = strlen(names);
		snprintf(names + len, sizeof(names) - len, "%s%s", i ? "," : "", sk_ruleset_rule(rs, i)->name);
	}
	sk_ruleset_free(rs);
	return names;
}

SK_TEST(rules_selection_by_name_wildcard_and_tag)
{
	size_t matched = 0;
	SK_CHECK_STR(selected(NULL, 0, NULL), "Read sensitive file,Write below etc,Netcat started");
	/* Falco's example: everything off, then two on by name */
	static const char *const only_two[] = {"-*", "+Netcat started", "+Sudo run"};
	SK_CHECK_STR(selected(only_two, 3, &matched), "Netcat started,Sudo run");
	SK_CHECK_INT(matched, 1);
	static const char *const by_tag[] = {"-#filesystem"};
	SK_CHECK_STR(selected(by_tag, 1, &matched), "Netcat started");
	SK_CHECK_INT(matched, 2);
	static const char *const tag_on[] = {"-*", "+#process"};
	SK_CHECK_STR(selected(tag_on, 2, NULL), "Netcat started,Sudo run");
	/* wildcards anywhere; order decides */
	static const char *const wild[] = {"-*e*", "+W*etc", "+*file"};
	SK_CHECK_STR(selected(wild, 3, NULL), "Read sensitive file,Write below etc");
	static const char *const none[] = {"-Write", "-etc", "-*x*y*", "-#nosuchtag"};
	SK_CHECK_STR(selected(none, 4, &matched), "Read sensitive file,Write below etc,Netcat started");
	SK_CHECK_INT(matched, 0);
	static const char *const exact_star[] = {"-Netcat*started", "-**Read*file**"};
	SK_CHECK_STR(selected(exact_star, 2, NULL), "Write below etc");
}

SK_TEST(list_override_append_replace_and_legacy_append)
{
	const char *yaml = "- list: L\n  items: [a]\n"
			   "- list: L\n  items: [b]\n  override:\n    items: append\n"
			   "- list: L\n  items: [c]\n  append: true\n"
			   "- list: R\n  items: [a]\n"
			   "- list: R\n  items: [z]\n  override:\n    items: replace\n"
			   "- list: S\n  items: [a]\n"
			   "- list: S\n  items: [s]\n" RULE("r", "t.s in (L) and t.s2 in (R) and t.i in (42) and t.u exists "
							   "and not t.s in (S)",
							   "INFO");
	sk_err err = SK_OK;
	sk_ruleset *rs = load(yaml, &err);
	SK_CHECK_INT(err, SK_OK);
	tev e = ev0;
	e.s = "c";
	e.s2 = "z";
	SK_CHECK_STR(matches(rs, &e), "r");
	e.s = "b";
	SK_CHECK_STR(matches(rs, &e), "r");
	e.s2 = "a"; /* replaced away */
	SK_CHECK_STR(matches(rs, &e), "");
	sk_ruleset_free(rs);
}

SK_TEST(macro_override_append_and_replace)
{
	const char *yaml = "- macro: m\n  condition: t.s = bash\n"
			   "- macro: m\n  condition: or t.s = zsh\n  override:\n    condition: append\n"
			   "- macro: n\n  condition: t.s = nothing\n"
			   "- macro: n\n  condition: t.i = 42\n  override:\n    condition: replace\n"
			   "- macro: o\n  condition: t.i = 1\n"
			   "- macro: o\n  condition: or t.i = 42\n  append: true\n" RULE("r", "(m) and n and o", "INFO");
	sk_err err = SK_OK;
	sk_ruleset *rs = load(yaml, &err);
	SK_CHECK_INT(err, SK_OK);
	tev e = ev0;
	e.s = "zsh";
	SK_CHECK_STR(matches(rs, &e), "r");
	e.s = "ksh";
	SK_CHECK_STR(matches(rs, &e), "");
	sk_ruleset_free(rs);
}

SK_TEST(rule_overrides_keep_position)
{
	const char *yaml = RULE("a", "t.s = bash", "INFO") RULE("b", "t.s = bash", "INFO")
		"- rule: a\n  condition: and t.i = 42\n  output: \" extra=%t.i\"\n  tags: [t2]\n  desc: more\n"
		"  override:\n    condition: append\n    output: append\n    tags: append\n    desc: append\n"
		"- rule: b\n  priority: ERROR\n  enabled: false\n  override:\n    priority: replace\n    enabled: replace\n"
		"- rule: b\n  enabled: true\n"
		"- rule: c\n  desc: x\n  output: o\n  priority: INFO\n  condition: t.s = bash\n  enabled: false\n"
		"- rule: a\n  condition: and t.u = 7\n  append: true\n";
	sk_err err = SK_OK;
	sk_ruleset *rs = load(yaml, &err);
	SK_CHECK_INT(err, SK_OK);
	SK_CHECK_STR(rule_list(rs), "a:Informational b:Error");
	const sk_rule *a = sk_ruleset_rule(rs, 0);
	SK_CHECK_STR(a->desc, "d more");
	SK_CHECK_INT(a->ntags, 1);
	SK_CHECK_STR(a->tags[0], "t2");
	SK_CHECK_STR(sk_fmt_field_name(a->output, 0), "t.i");
	sk_strbuf sb = SK_STRBUF_INIT;
	sk_fmt_render_text(a->output, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb);
	SK_CHECK_STR(sk_strbuf_str(&sb), "o  extra=42");
	sk_strbuf_free(&sb);
	SK_CHECK_STR(matches(rs, &ev0), "a,b");
	tev e = ev0;
	e.u = 8;
	SK_CHECK_STR(matches(rs, &e), "b"); /* a new event: cached t.u is not reused */
	SK_CHECK_STR(matches(rs, &ev0), "a,b");
	sk_ruleset_free(rs);
	/* A full redefinition replaces content but keeps the rule first. */
	rs = load(RULE("a", "t.s = x", "INFO") RULE("b", "t.s = x", "INFO") RULE("a", "t.s = bash", "ERROR"), &err);
	SK_CHECK_STR(rule_list(rs), "a:Error b:Informational");
	SK_CHECK_STR(matches(rs, &ev0), "a");
	sk_ruleset_free(rs);
}

SK_TEST(exceptions_all_forms)
{
	const char *yaml = "- list: shells\n  items: [zsh, fish]\n"
			   "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: evt.type = openat and t.s exists\n"
			   "  exceptions:\n"
			   "    - name: tuple\n      fields: [t.s, t.i]\n      values:\n        - [bash, 1]\n"
			   "    - name: comps\n      fields: [t.s, t.s2]\n      comps: [=, in]\n"
			   "      values:\n        - [ksh, [x, y]]\n        - [csh, shells]\n"
			   "    - name: single\n      fields: t.s\n      values: [dash, shells]\n"
			   "    - name: prefix\n      fields: t.s\n      comps: pmatch\n      values: [/opt]\n"
			   "    - name: empty\n      fields: [t.s]\n"
			   "- rule: r\n  exceptions:\n    - name: tuple\n      values:\n        - [bash, 42]\n"
			   "  override:\n    exceptions: append\n";
	sk_err err = SK_OK;
	sk_ruleset *rs = load(yaml, &err);
	SK_CHECK_INT(err, SK_OK);
	SK_CHECK_STR(diag_text, "");
	tev e = ev0;
	SK_CHECK_STR(matches(rs, &e), ""); /* [bash, 42] appended */
	e.i = 1;
	SK_CHECK_STR(matches(rs, &e), "");
	e.i = 2;
	SK_CHECK_STR(matches(rs, &e), "r");
	e.s = "ksh";
	e.s2 = "y";
	SK_CHECK_STR(matches(rs, &e), "");
	e.s2 = "z";
	SK_CHECK_STR(matches(rs, &e), "r");
	e.s = "csh";
	e.s2 = "fish";
	SK_CHECK_STR(matches(rs, &e), "");
	e.s = "dash";
	SK_CHECK_STR(matches(rs, &e), "");
	e.s = "zsh";
	SK_CHECK_STR(matches(rs, &e), "");
	e.s = "/opt/x/y";
	SK_CHECK_STR(matches(rs, &e), "");
	e.s = "/optx";
	SK_CHECK_STR(matches(rs, &e), "r");
	sk_ruleset_free(rs);
}

SK_TEST(skip_if_unknown_filter_skips_with_warning)
{
	const char *yaml = "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: no.such = 1\n"
			   "  skip-if-unknown-filter: true\n" RULE("ok", "t.s = bash", "INFO");
	sk_err err = SK_OK;
	sk_ruleset *rs = load(yaml, &err);
	SK_CHECK_INT(err, SK_OK);
	SK_CHECK_STR(rule_list(rs), "ok:Informational");
	SK_CHECK_CONTAINS(diag_text, "t.yaml:5:14: warning LOAD_UNKNOWN_FILTER: rule \"r\": unknown field 'no.such'");
	sk_ruleset_free(rs);
}

SK_TEST(warnings_unknown_items_keys_sources_plugins)
{
	const char *yaml = "- required_engine_version: 0.57.0\n"
			   "- required_engine_version: 12\n"
			   "- required_plugin_versions:\n    - name: container\n      version: 0.4.0\n"
			   "    - name: k8saudit\n      version: 0.1.0\n"
			   "- something: else\n"
			   "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.s = bash\n  colour: red\n"
			   "- rule: k\n  desc: d\n  output: o\n  priority: INFO\n  condition: ka.verb = get\n"
			   "  source: k8s_audit\n";
	sk_err err = SK_OK;
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG, .verbose = true};
	sk_ruleset *rs = load_opts(yaml, opts, &err);
	SK_CHECK_INT(err, SK_OK);
	SK_CHECK_CONTAINS(diag_text, "t.yaml:6:13: warning LOAD_UNSUPPORTED_PLUGIN: required_plugin_versions: plugin "
				     "'k8saudit' is not available in Saker");
	SK_CHECK_CONTAINS(diag_text, "t.yaml:8:3: warning LOAD_UNKNOWN_ITEM: unknown item");
	SK_CHECK_CONTAINS(diag_text, "t.yaml:14:3: warning LOAD_UNKNOWN_KEY: rule \"r\": unknown key 'colour'");
	SK_CHECK_CONTAINS(diag_text, "t.yaml:15:3: warning LOAD_UNKNOWN_SOURCE: rule \"k\"");
	const char *name, *version;
	bool native;
	SK_CHECK(sk_ruleset_plugin_req(rs, 0, &name, &version, &native) && native && strcmp(name, "container") == 0);
	SK_CHECK(sk_ruleset_plugin_req(rs, 1, &name, &version, &native) && !native);
	SK_CHECK(!sk_ruleset_plugin_req(rs, 2, &name, &version, &native));
	SK_CHECK_STR(rule_list(rs), "r:Informational");
	sk_ruleset_free(rs);
	rs = load("- list: unused\n  items: [a]\n- macro: m_unused\n  condition: t.s = x\n", NULL);
	SK_CHECK_STR(diag_text, "");
	sk_ruleset_free(rs);
	rs = load_opts("- list: unused\n  items: [a]\n- macro: m_unused\n  condition: t.s = x\n", opts, NULL);
	SK_CHECK_CONTAINS(diag_text, "t.yaml:1:3: warning LOAD_UNUSED_LIST: list \"unused\"");
	SK_CHECK_CONTAINS(diag_text, "t.yaml:3:3: warning LOAD_UNUSED_MACRO: macro \"m_unused\"");
	sk_ruleset_free(rs);
}

/* libsinsp's operator modifiers: exactly one (oneof), at least one (anyof)
 * or every (allof) list value satisfies the operator; never on an empty
 * list. t.s is "bash". */
SK_TEST(operator_modifiers)
{
	static const struct {
		const char *cond;
		int want;
	} cases[] = {
		{"t.s == oneof (bash, sh)", 1},
		{"t.s == oneof (bash, bash)", 0},
		{"t.s == oneof (zsh, sh)", 0},
		{"t.s == anyof (bash, bash)", 1},
		{"t.s == allof (bash)", 1},
		{"t.s == allof (bash, sh)", 0},
		{"t.s != oneof (bash, bash, sh)", 1},
		{"t.s != oneof (bash, bash)", 0},
		{"t.s != allof (zsh, sh)", 1},
		{"t.s != allof (bash, sh)", 0},
		{"t.s contains oneof (as, ba)", 0},
		{"t.s contains allof (as, ba)", 1},
		{"t.s icontains anyof (AS, X)", 1},
		{"t.s startswith oneof (ba, b)", 0},
		{"t.s endswith anyof (sh, h)", 1},
		{"t.s glob allof (b*, *h)", 1},
		{"t.s iglob oneof (B*, *X)", 1},
		{"t.s regex allof (b.*, .*sh)", 1},
		{"t.s regex oneof (b.*, .*sh)", 0},
		{"toupper(t.s) == oneof (BASH, SH)", 1},
		{"t.s == oneof ()", 0},
		{"t.s != allof ()", 0},
		{"t.s regex anyof ()", 0},
		{"t.s = oneof (L1, bash)", 1}, /* list names expand, as in `in` */
		{"t.i > anyof (100, 41)", 1},
		{"t.i <= allof (42, 43)", 1},
		{"t.s = oneof and t.s = anyof", 0}, /* without '(' they are values */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = cond(cases[i].cond, &ev0);
		if (got != cases[i].want) {
			fprintf(stderr, "modifier case '%s'\n", cases[i].cond);
		}
		SK_CHECK_INT(got, cases[i].want);
	}
	SK_CHECK_INT(cond("t.s in oneof (a, b)", &ev0), -1);
	SK_CHECK_CONTAINS(diag_text, "oneof, anyof and allof go with a comparison (=, contains, glob, ...)");
	SK_CHECK_INT(cond("t.s regex anyof (\"(\")", &ev0), -1);
	SK_CHECK_CONTAINS(diag_text, "invalid regex '('");
}

/* libsinsp's concat and join: the first value of each argument (quoted
 * strings, fields with their transformers, nested calls), an argument
 * without a value leaves none; join's list is "(a, b)" or a list field. */
SK_TEST(concat_and_join_in_conditions)
{
	SK_CHECK_INT(cond("concat(t.s, \":\", t.s2) = \"bash:bash\"", &ev0), 1);
	SK_CHECK_INT(cond("concat(t.s, \":\", t.s2) = bash", &ev0), 0);
	SK_CHECK_INT(cond("concat(t.s, t.none) = bash", &ev0), 0);
	SK_CHECK_INT(cond("not concat(t.s, t.none) exists and concat(t.s, t.s) exists", &ev0), 1);
	SK_CHECK_INT(cond("join(\"-\", t.multi) = a-b-c", &ev0), 1);
	SK_CHECK_INT(cond("join(\"-\", (t.s, toupper(t.s2), concat(t.s, '!'))) = bash-BASH-bash!", &ev0), 1);
	SK_CHECK_INT(cond("join(t.s, (t.multi[0], t.multi[2])) = abashc", &ev0), 1);
	SK_CHECK_INT(cond("len(join(\"\", t.multi)) = 3 and toupper(concat(t.s, t.s)) startswith BASHB", &ev0), 1);
	SK_CHECK_INT(cond("concat(t.multi[1], t.s) in (x, bbash)", &ev0), 1);
	SK_CHECK_INT(cond("join(\",\", (t.s, t.none)) exists", &ev0), 0);
	tev e = ev0;
	e.nmulti = 0; /* an empty list joins to "" */
	SK_CHECK_INT(cond("join(\",\", t.multi) = \"\"", &e), 1);

	static const struct {
		const char *cond, *why;
	} bad[] = {
		{"concat(t.s, t.i) = x", "t.yaml:14:17: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": concat() and "
					 "join() take strings: 't.i' is INT64"},
		{"concat(t.s, len(t.s)) = x", "concat() and join() take strings: 'len(t.s)' is UINT64"},
		{"join(\",\", t.s) = x", "join() takes a list: '(a, b, ...)' or a field with several values, not 't.s'"},
		{"join(\",\", t.multi[1]) = x", "join() takes a list"},
		{"concat(t.s, t.nope) = x", "unknown field 't.nope'"},
		{"t.s = val(concat(t.s, t.s))", "val() takes a field, not concat() or join()"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SK_CHECK_INT(cond(bad[i].cond, &ev0), -1);
		SK_CHECK_CONTAINS(diag_text, bad[i].why);
	}
}

/* Old rules' %container.info: Falco 0.41+ prints nothing for it and warns
 * (its container plugin suggests the container fields instead). */
SK_TEST(container_info_placeholder_prints_nothing)
{
	sk_err err = SK_OK;
	sk_ruleset *rs = load("- rule: r\n  desc: d\n  condition: t.s = bash\n  output: \"%t.s on %container.info!\"\n"
			      "  priority: INFO\n",
			      &err);
	SK_CHECK_INT(err, SK_OK);
	SK_CHECK_CONTAINS(diag_text, "t.yaml:4:20: warning LOAD_DEPRECATED_ITEM: rule \"r\": %container.info is "
				     "deprecated and prints nothing");
	const sk_rule *r = sk_ruleset_rule(rs, 0);
	sk_strbuf sb = SK_STRBUF_INIT;
	SK_CHECK(r != NULL && sk_fmt_render_text(r->output, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb) == SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "bash on !");
	sk_strbuf_free(&sb);
	sk_ruleset_free(rs);
}

SK_TEST(output_format_text_and_json)
{
	sk_fmt *f = NULL;
	uint32_t pos = 0;
	sk_strbuf why = SK_STRBUF_INIT;
	const char *text = "s=%t.s i=%t.i ip=%t.ip none=%t.none m=%t.multi m1=%t.multi[1] f=%evt.arg.flags b=%t.b s=%t.s. 100%";
	SK_CHECK(sk_fmt_compile(&tev_env, text, strlen(text), &f, &pos, &why) == SK_OK);
	sk_strbuf sb = SK_STRBUF_INIT;
	SK_CHECK(sk_fmt_render_text(f, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb) == SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "s=bash i=42 ip=10.1.2.3 none=<NA> m=(a,b,c) m1=b f=flags b=true s=bash. 100%");
	sk_strbuf_reset(&sb);
	SK_CHECK(sk_fmt_render_json(f, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb) == SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"t.s\":\"bash\",\"t.i\":42,\"t.ip\":\"10.1.2.3\",\"t.none\":null,"
					 "\"t.multi\":[\"a\",\"b\",\"c\"],\"t.multi[1]\":\"b\",\"evt.arg.flags\":\"flags\","
					 "\"t.b\":true}");
	SK_CHECK_INT(sk_fmt_field_count(f), 8);
	sk_fmt_free(f);
	SK_CHECK(sk_fmt_compile(&tev_env, "x %t.nope y", 11, &f, &pos, &why) == SK_ENOENT);
	SK_CHECK_INT(pos, 3);
	SK_CHECK_STR(sk_strbuf_str(&why), "unknown field 't.nope'");
	sk_strbuf_reset(&why);
	SK_CHECK(sk_fmt_compile(&tev_env, "%t.key", 6, &f, &pos, &why) == SK_EINVAL);
	SK_CHECK_STR(sk_strbuf_str(&why), "field 't.key' requires an argument");
	sk_strbuf_free(&sb);
	sk_strbuf_free(&why);
}

/* Transformers and widths in outputs, as Falco 0.38+ takes them: the text
 * shows the transformed value; output_fields keeps the field and adds the
 * transformed one under its own key. */
SK_TEST(output_format_transformers)
{
	sk_fmt *f = NULL;
	uint32_t pos = 0;
	sk_strbuf why = SK_STRBUF_INIT, sb = SK_STRBUF_INIT;
	const char *text = "[%toupper(t.s)] [%tolower( toupper( t.s ) )] [%2toupper(t.s)] [%6t.s] [%len(t.s)] "
			   "[%toupper(t.multi)] [%t.s] [%b64(t.buf)] [%1t.none] %toupper(t.s)";
	SK_CHECK(sk_fmt_compile(&tev_env, text, strlen(text), &f, &pos, &why) == SK_OK);
	SK_CHECK(sk_fmt_render_text(f, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb) == SK_OK);
	/* t.buf holds "\x7fELF", no base64: b64 drops the value, so <NA>. */
	SK_CHECK_STR(sk_strbuf_str(&sb), "[BASH] [bash] [BA] [bash  ] [4] [(A,B,C)] [bash] [<NA>] [<] BASH");
	sk_strbuf_reset(&sb);
	SK_CHECK(sk_fmt_render_json(f, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb) == SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"t.s\":\"bash\",\"toupper(t.s)\":\"BASH\",\"tolower(toupper(t.s))\":\"bash\","
					 "\"len(t.s)\":4,\"t.multi\":[\"a\",\"b\",\"c\"],"
					 "\"toupper(t.multi)\":[\"A\",\"B\",\"C\"],\"t.buf\":\".ELF\","
					 "\"b64(t.buf)\":null,\"t.none\":null}");
	SK_CHECK_INT(sk_fmt_field_count(f), 9);
	SK_CHECK_STR(sk_fmt_field_name(f, 1), "toupper(t.s)");
	sk_fmt_free(f);

	static const struct {
		const char *text;
		uint32_t pos;
		const char *why;
	} bad[] = {
		{"x %toupper (t.s)", 3, "transformer 'toupper' takes its field in parentheses right after its name"},
		{"x %val(t.s)", 3, "val() compares fields in conditions; outputs print the field itself"},
		{"x %toupper(t.i)", 3, "transformer 'toupper' cannot be applied to 't.i' (type INT64)"},
		{"x %len(len(t.s))", 3, "transformer 'len' cannot be applied to 't.s' (type UINT64)"},
		{"x %toupper(t.s", 14, "expected ')' to close transformer 'toupper'"},
		{"x %toupper(t.s]", 14, "expected ')' to close transformer 'toupper'"},
		{"x %upper(t.s)", 3, "unknown transformer 'upper'"},
		{"x %getopt(t.multi, \"ab:\")", 3, "libsinsp's getopt transformer is not supported"},
		{"x %concat(t.s)", 13, "concat() takes at least 2 arguments"},
		{"x %join(\",\", t.s)", 13,
		 "join() takes a list: '(a, b, ...)' or a field with several values, not 't.s'"},
		{"x %toupper()", 11, "expected a field name"},
		{"x %toupper(t.nope)", 11, "unknown field 't.nope'"},
		{"x %70000t.s", 3, "field width 70000 is over 65535"},
		{"%tolower(toupper(tolower(toupper(tolower(t.s)))))", 33, "more than 4 nested transformers"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sk_strbuf_reset(&why);
		SK_CHECK(sk_fmt_compile(&tev_env, bad[i].text, strlen(bad[i].text), &f, &pos, &why) != SK_OK);
		SK_CHECK(f == NULL);
		SK_CHECK_INT(pos, bad[i].pos);
		SK_CHECK_STR(sk_strbuf_str(&why), bad[i].why);
	}
	/* A YAML "\0" escape puts a NUL in the text: every byte prints; in a
	 * field's argument it is refused. */
	SK_CHECK(sk_fmt_compile(&tev_env, "a\0b %t.s", 8, &f, &pos, &why) == SK_OK);
	sk_strbuf_reset(&sb);
	SK_CHECK(sk_fmt_render_text(f, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb) == SK_OK);
	SK_CHECK(sb.len == 8 && memcmp(sb.data, "a\0b bash", 8) == 0);
	sk_fmt_free(f);
	sk_strbuf_reset(&why);
	SK_CHECK(sk_fmt_compile(&tev_env, "%t.multi[1\0]", 13, &f, &pos, &why) == SK_EINVAL);
	SK_CHECK_STR(sk_strbuf_str(&why), "a NUL byte inside a field's argument");
	/* concat and join: the value under the call's text, then each field
	 * argument (and a transformed one under its own key), as Falco lists them */
	const char *mv = "%concat(t.s, \":\", toupper(t.s2)) [%4join(\"/\", t.multi)] %t.s";
	SK_CHECK(sk_fmt_compile(&tev_env, mv, strlen(mv), &f, &pos, &why) == SK_OK);
	sk_strbuf_reset(&sb);
	SK_CHECK(sk_fmt_render_text(f, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb) == SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "bash:BASH [a/b/] bash");
	sk_strbuf_reset(&sb);
	SK_CHECK(sk_fmt_render_json(f, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb) == SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"concat(t.s,:,toupper(t.s2))\":\"bash:BASH\",\"t.s\":\"bash\","
					 "\"t.s2\":\"bash\",\"toupper(t.s2)\":\"BASH\",\"join(/,t.multi)\":\"a/b/c\","
					 "\"t.multi\":[\"a\",\"b\",\"c\"]}");
	sk_fmt_free(f);
	/* Digits not followed by a field stay text, as a lone '%' does. */
	SK_CHECK(sk_fmt_compile(&tev_env, "100%5 done 50%", 14, &f, &pos, &why) == SK_OK);
	sk_strbuf_reset(&sb);
	SK_CHECK(sk_fmt_render_text(f, (struct sk_eval_ctx *)(uintptr_t)&ev0, false, &sb) == SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "100%5 done 50%");
	SK_CHECK_INT(sk_fmt_field_count(f), 0);
	sk_fmt_free(f);
	sk_strbuf_free(&sb);
	sk_strbuf_free(&why);
}

typedef struct bad_case {
	const char *yaml;
	const char *want; /* "file:line:col: error CODE: item: message" prefix */
} bad_case;

#define R5(c) "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: " c "\n"

static const bad_case bad_cases[] = {
	{"- rule: r\n  desc: [\n", "t.yaml:3:1: error LOAD_ERR_YAML_PARSE: did not find expected node content"},
	{"rule: x\n", "t.yaml:1:1: error LOAD_ERR_YAML_VALIDATE: rules content must be a list of items"},
	{"- just a string\n", "t.yaml:1:3: error LOAD_ERR_YAML_VALIDATE: each item must be a mapping"},
	{"- rule: r\n  desc: d\n  output: o\n  priority: INFO\n",
	 "t.yaml:1:3: error LOAD_ERR_YAML_VALIDATE: rule \"r\": rule has no 'condition'"},
	{"- rule: r\n  condition: t.s = x\n  output: o\n  priority: INFO\n",
	 "t.yaml:1:3: error LOAD_ERR_YAML_VALIDATE: rule \"r\": rule has no 'desc'"},
	{"- rule: \n  desc: d\n", "t.yaml:1:8: error LOAD_ERR_YAML_VALIDATE: rule name must be a non-empty string"},
	{R5("t.s = bash") "  priority: loud\n",
	 "t.yaml:6:13: error LOAD_ERR_VALIDATE: rule \"r\": invalid priority 'loud'"},
	{R5("t.s = bash") "  enabled: maybe\n",
	 "t.yaml:6:12: error LOAD_ERR_YAML_VALIDATE: rule \"r\": 'enabled' must be true or false"},
	{R5("t.s = bash and"), "t.yaml:5:28: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": unexpected end of condition"},
	{R5("t.s = bash or (t.i = 1"), "t.yaml:5:36: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": expected ')'"},
	{R5("t.nope = 1"), "t.yaml:5:14: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": unknown field 't.nope'"},
	{R5("t.s = x and t.i = abc"),
	 "t.yaml:5:32: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": 'abc' is not a valid integer for 't.i'"},
	{R5("t.u > -1"),
	 "t.yaml:5:20: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": '-1' is not a valid unsigned integer for 't.u'"},
	{R5("t.i contains 4"),
	 "t.yaml:5:18: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": operator 'contains' is not supported on 't.i' (type"},
	{R5("t.s regex 'a('"), "t.yaml:5:24: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": invalid regex 'a('"},
	{R5("t.buf bcontains xyz"),
	 "t.yaml:5:30: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": 'xyz' is not a valid hex string for 't.buf'"},
	{R5("t.ip = 10.0.0.0/40"),
	 "t.yaml:5:21: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": '10.0.0.0/40' is not a valid IP address or CIDR"},
	{R5("no_such_macro"), "t.yaml:5:14: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": undefined macro 'no_such_macro'"},
	{"- macro: a\n  condition: b\n- macro: b\n  condition: a\n" R5("a"),
	 "t.yaml:4:14: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": macro 'a' references itself (in macro 'b')"},
	{"- macro: m\n  condition: t.s = x and\n" R5("m"),
	 "t.yaml:2:25: error LOAD_ERR_COMPILE_CONDITION: macro \"m\": unexpected end of condition"},
	{"- macro: m\n  condition: t.zzz = 1\n" R5("t.s = a or m"),
	 "t.yaml:2:14: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": unknown field 't.zzz' (in macro 'm')"},
	{"- list: a\n  items: [b]\n- list: b\n  items: [a]\n" R5("t.s in (a)"),
	 "t.yaml:9:22: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": list 'a' references itself"},
	{R5("tolower(t.i) = 1"),
	 "t.yaml:5:14: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": transformer 'tolower' cannot be applied to 't.i'"},
	{R5("t.i = val(t.s)"),
	 "t.yaml:5:24: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": 't.i' cannot be compared with val(t.s) using '='"},
	{R5("t.key = x"), "t.yaml:5:14: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": field 't.key' requires an argument"},
	{R5("t.s[3] = x"), "t.yaml:5:14: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": field 't.s' takes no argument"},
	{R5("t.multi[x] = x"),
	 "t.yaml:5:14: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": field 't.multi' needs a numeric index, not 'x'"},
	{"- rule: r\n  desc: d\n  output: \"a %t.bad b\"\n  priority: INFO\n  condition: t.s = x\n",
	 "t.yaml:3:15: error LOAD_ERR_COMPILE_OUTPUT: rule \"r\": unknown field 't.bad'"},
	{"- rule: r\n  condition: and x\n  override:\n    condition: append\n",
	 "t.yaml:1:3: error LOAD_ERR_VALIDATE: rule \"r\": rule 'r' is not defined yet: cannot append to it"},
	{"- rule: r\n  enabled: false\n",
	 "t.yaml:1:3: error LOAD_ERR_VALIDATE: rule \"r\": rule 'r' is not defined yet: cannot enable or disable it"},
	{"- rule: r\n  condition: and x\n  append: true\n",
	 "t.yaml:1:3: error LOAD_ERR_VALIDATE: rule \"r\": rule 'r' is not defined yet: cannot append to it"},
	{"- list: l\n  items: [x]\n  override:\n    items: append\n",
	 "t.yaml:1:3: error LOAD_ERR_VALIDATE: list \"l\": list 'l' is not defined yet: cannot append to it"},
	{"- macro: m\n  condition: x\n  override:\n    condition: replace\n",
	 "t.yaml:1:3: error LOAD_ERR_VALIDATE: macro \"m\": macro 'm' is not defined yet: cannot replace it"},
	{"- list: l\n  items: [x]\n  override:\n    items: merge\n",
	 "t.yaml:4:12: error LOAD_ERR_VALIDATE: list \"l\": override for 'items' must be 'append' or 'replace', not 'merge'"},
	{R5("t.s = x") "- rule: r\n  priority: INFO\n  override:\n    priority: append\n",
	 "t.yaml:9:5: error LOAD_ERR_VALIDATE: rule \"r\": key 'priority' cannot be appended to"},
	{R5("t.s = x") "- rule: r\n  output: x\n  override:\n    desc: replace\n",
	 "t.yaml:9:5: error LOAD_ERR_VALIDATE: rule \"r\": override for 'desc' but the item has no 'desc' key"},
	{R5("t.s = x") "- rule: r\n  output: x\n  desc: y\n  override:\n    desc: replace\n",
	 "t.yaml:7:3: error LOAD_ERR_VALIDATE: rule \"r\": key 'output' needs an entry in 'override'"},
	{"- list: l\n  items: x\n", "t.yaml:2:10: error LOAD_ERR_YAML_VALIDATE: list \"l\": 'items' must be a list"},
	{"- list: l\n  items: [[x]]\n",
	 "t.yaml:2:11: error LOAD_ERR_YAML_VALIDATE: list \"l\": entries of 'items' must be strings"},
	{R5("t.s = x") "  exceptions:\n    - name: e\n      fields: [t.s, t.i]\n      values:\n        - [a]\n",
	 "t.yaml:10:11: error LOAD_ERR_VALIDATE: rule \"r\": exception 'e': each value must be a list of 2 items"},
	{R5("t.s = x") "  exceptions:\n    - name: e\n      fields: [t.s]\n      comps: [like]\n",
	 "t.yaml:9:14: error LOAD_ERR_VALIDATE: rule \"r\": exception 'e': 'like' is not a comparison operator"},
	{R5("t.s = x") "  exceptions:\n    - name: e\n      fields: t.s\n      comps: =\n      values: [a]\n",
	 "t.yaml:9:14: error LOAD_ERR_VALIDATE: rule \"r\": exception 'e': with a single field, comps must be in"},
	{R5("t.s = x") "  exceptions:\n    - name: e\n      values: [a]\n",
	 "t.yaml:7:7: error LOAD_ERR_YAML_VALIDATE: rule \"r\": exception 'e' has no 'fields'"},
	{R5("t.s = x") "  exceptions:\n    - fields: [t.s]\n",
	 "t.yaml:7:7: error LOAD_ERR_YAML_VALIDATE: rule \"r\": each exception needs a 'name'"},
	{R5("t.s = x") "  exceptions:\n    - name: e\n      fields: [t.bogus]\n      values:\n        - [a]\n",
	 "t.yaml:7:7: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": unknown field 't.bogus'"},
	{R5("t.s = x") "  exceptions:\n    - name: e\n      fields: [t.s]\n      values:\n        - [[a, b]]\n",
	 "t.yaml:7:7: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": exception 'e': expected a value"},
	{R5("t.s = x") "  exceptions:\n    - name: e\n      fields: []\n",
	 "t.yaml:8:15: error LOAD_ERR_YAML_VALIDATE: rule \"r\": exception 'e': 'fields' is empty"},
	{"- required_engine_version: 99.0.0\n",
	 "t.yaml:1:28: error LOAD_ERR_VALIDATE: required_engine_version: rules require engine version 99.0.0"},
	{"- required_engine_version: 0.x\n",
	 "t.yaml:1:28: error LOAD_ERR_VALIDATE: required_engine_version: invalid engine version '0.x'"},
	{"- required_engine_version: 58\n",
	 "t.yaml:1:28: error LOAD_ERR_VALIDATE: required_engine_version: rules require engine version 0.58.0"},
	{"- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: >\n    t.s = bash and\n    t.zz = 3\n",
	 "t.yaml:7:5: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": unknown field 't.zz'"},
	{"- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: \"t.s = \\\"a\\\" and t.zz = 3\"\n",
	 "t.yaml:5:31: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": unknown field 't.zz'"},
};

SK_TEST(invalid_inputs_report_location_and_message)
{
	size_t n = sizeof(bad_cases) / sizeof(bad_cases[0]);
	SK_CHECK(n >= 30);
	for (size_t i = 0; i < n; i++) {
		sk_err err = SK_OK;
		sk_ruleset *rs = load(bad_cases[i].yaml, &err);
		if (err == SK_OK || strstr(diag_text, bad_cases[i].want) == NULL) {
			fprintf(stderr, "case %zu: want \"%s\"\ngot: %s(err %d)\n", i, bad_cases[i].want, diag_text, err);
			sk_test_failures++;
		}
		sk_ruleset_free(rs);
	}
}

SK_TEST(expansion_bombs_are_bounded)
{
	/* One list aliased thousands of times: the copy budget stops it. */
	sk_strbuf y = SK_STRBUF_INIT;
	sk_strbuf_puts(&y, "- list: a\n  items: &x [");
	for (int i = 0; i < 200; i++) {
		sk_strbuf_printf(&y, "%sitem_with_a_fairly_long_name_number_%03d", i ? ", " : "", i);
	}
	sk_strbuf_puts(&y, "]\n");
	for (int i = 0; i < 5000; i++) {
		sk_strbuf_printf(&y, "- list: b%d\n  items: *x\n", i);
	}
	sk_err err = SK_OK;
	sk_ruleset *rs = load(sk_strbuf_str(&y), &err);
	SK_CHECK_INT(err, SK_EPARSE);
	SK_CHECK_CONTAINS(diag_text, "error LOAD_ERR_VALIDATE: list \"b");
	SK_CHECK_CONTAINS(diag_text, "the document expands to more than");
	sk_ruleset_free(rs);
	/* Macros that use the previous one twice: 2^24 nodes. */
	sk_strbuf_reset(&y);
	sk_strbuf_puts(&y, "- macro: m0\n  condition: t.s = x\n");
	for (int i = 1; i <= 24; i++) {
		sk_strbuf_printf(&y, "- macro: m%d\n  condition: m%d or m%d\n", i, i - 1, i - 1);
	}
	sk_strbuf_puts(&y, R5("m24"));
	rs = load(sk_strbuf_str(&y), &err);
	SK_CHECK_INT(err, SK_EPARSE);
	SK_CHECK_CONTAINS(diag_text, "error LOAD_ERR_COMPILE_CONDITION: rule \"r\": condition expands to more than "
				     "200000 nodes");
	sk_ruleset_free(rs);
	sk_strbuf_free(&y);
}

SK_TEST(diagnostic_renders_snippet_and_caret)
{
	sk_ruleset *rs = load(R5("t.s = x and\tt.nope = 1"), NULL);
	SK_CHECK_STR(diag_text, "t.yaml:5:26: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": unknown field 't.nope'\n"
				"      condition: t.s = x and\tt.nope = 1\n"
				"                            \t^\n");
	sk_ruleset_free(rs);
}

SK_TEST(several_files_load_in_order)
{
	sk_ruleset *rs = NULL;
	sk_rules_opts opts = {.env = &tev_env, .min_priority = SK_PRIO_DEBUG, .match_all = true};
	SK_CHECK(sk_ruleset_new(&opts, &rs) == SK_OK);
	const char *a = "- list: L\n  items: [bash]\n" RULE("r", "t.s in (L)", "INFO");
	const char *b = "- list: L\n  items: [zsh]\n  override:\n    items: append\n"
			"- rule: r\n  condition: and t.i = 42\n  override:\n    condition: append\n"
			"- rule: r2\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.bad = 1\n";
	SK_CHECK(sk_ruleset_load_string(rs, "a.yaml", a, strlen(a)) == SK_OK);
	SK_CHECK(sk_ruleset_load_string(rs, "b.yaml", b, strlen(b)) == SK_OK);
	SK_CHECK(sk_ruleset_compile(rs) == SK_EPARSE);
	const sk_diags *ds = sk_ruleset_diags(rs);
	SK_CHECK_INT(sk_diags_count(ds, -1, true), 1);
	SK_CHECK_INT(sk_diags_count(ds, 1, true), 1);
	SK_CHECK_INT(sk_diags_count(ds, 0, true), 0);
	tev e = ev0;
	e.s = "zsh";
	SK_CHECK_STR(matches(rs, &e), "r");
	sk_ruleset_free(rs);
	/* An error inside an appended condition points into the appending file. */
	SK_CHECK(sk_ruleset_new(&opts, &rs) == SK_OK);
	const char *c = "- rule: r\n  condition: >\n    and t.s = x\n    and t.bogus = 1\n"
			"  override:\n    condition: append\n";
	SK_CHECK(sk_ruleset_load_string(rs, "a.yaml", a, strlen(a)) == SK_OK);
	SK_CHECK(sk_ruleset_load_string(rs, "c.yaml", c, strlen(c)) == SK_OK);
	SK_CHECK(sk_ruleset_compile(rs) == SK_EPARSE);
	sk_strbuf sb = SK_STRBUF_INIT;
	sk_diag_render(&sk_ruleset_diags(rs)->v[0], sk_ruleset_srcs(rs), &sb);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "c.yaml:4:9: error LOAD_ERR_COMPILE_CONDITION: rule \"r\": unknown field "
					      "'t.bogus'\n        and t.bogus = 1\n            ^\n");
	sk_strbuf_free(&sb);
	sk_ruleset_free(rs);
	SK_CHECK(sk_ruleset_new(&opts, &rs) == SK_OK);
	SK_CHECK(sk_ruleset_load_file(rs, "/nonexistent/rules.yaml") == SK_ENOENT);
	SK_CHECK_CONTAINS(sk_ruleset_diags(rs)->v[0].msg, "cannot read rules file '/nonexistent/rules.yaml'");
	SK_CHECK(sk_ruleset_load_string(rs, "nul.yaml", "- a\0b", 5) == SK_EPARSE);
	sk_ruleset_free(rs);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	SK_CHECK(f != NULL);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* A directory loads its *.yaml / *.yml files in name order (b appends to
 * a's list), skipping hidden and other files; a file path loads as a file. */
SK_TEST(load_path_reads_a_directory_in_name_order)
{
	char dir[] = "/tmp/sk_rules_dir_XXXXXX";
	SK_CHECK(mkdtemp(dir) != NULL);
	write_text(dir, "b.yml", "- list: L\n  items: [zsh]\n  override:\n    items: append\n");
	write_text(dir, "a.yaml", "- list: L\n  items: [bash]\n" RULE("r", "t.s in (L)", "INFO"));
	write_text(dir, ".hidden.yaml", "not: [valid");
	write_text(dir, "notes.txt", "not: [valid");
	sk_ruleset *rs = NULL;
	sk_rules_opts opts = {.env = &tev_env, .min_priority = SK_PRIO_DEBUG, .match_all = true};
	SK_CHECK(sk_ruleset_new(&opts, &rs) == SK_OK);
	SK_CHECK_INT(sk_ruleset_load_path(rs, dir), SK_OK);
	SK_CHECK_INT(sk_ruleset_compile(rs), SK_OK);
	tev e = ev0;
	e.s = "zsh";
	SK_CHECK_STR(matches(rs, &e), "r");
	sk_ruleset_free(rs);
	/* A file path, a missing path, and a broken file inside a directory. */
	char path[512];
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	SK_CHECK(sk_ruleset_new(&opts, &rs) == SK_OK);
	SK_CHECK_INT(sk_ruleset_load_path(rs, path), SK_OK);
	SK_CHECK_INT(sk_ruleset_compile(rs), SK_OK);
	SK_CHECK_INT(sk_ruleset_rule_count(rs), 1);
	SK_CHECK_INT(sk_ruleset_load_path(rs, "/nonexistent/rules.d"), SK_ENOENT);
	sk_ruleset_free(rs);
	write_text(dir, "c.yaml", "- rule: [broken\n");
	SK_CHECK(sk_ruleset_new(&opts, &rs) == SK_OK);
	SK_CHECK_INT(sk_ruleset_load_path(rs, dir), SK_EPARSE);
	sk_strbuf sb = SK_STRBUF_INIT;
	SK_CHECK(sk_ruleset_diags(rs)->n > 0);
	if (sk_ruleset_diags(rs)->n > 0) {
		sk_diag_render(&sk_ruleset_diags(rs)->v[0], sk_ruleset_srcs(rs), &sb);
	}
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "/c.yaml:2:1: error LOAD_ERR_YAML_PARSE");
	sk_strbuf_free(&sb);
	sk_ruleset_free(rs);
	const char *names[] = {"a.yaml", "b.yml", "c.yaml", ".hidden.yaml", "notes.txt"};
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	SK_CHECK(rmdir(dir) == 0);
}

SK_TEST_MAIN()
