/* registry_eval_test: compiled rules evaluated through Saker's real field
 * registry, event table and process state: an openat of /etc/shadow by
 * `cat` under bash (built event, real extractors) against Falco's
 * unmodified falco_rules.yaml and a local rule, with the alert text and
 * output_fields rendered. */
#include "eval_ctx.h"
#include "evbuild.h"
#include "event_table.h"
#include "ruleset.h"
#include "scap_ids.h"
#include "sk_test.h"
#include "state.h"

typedef struct fixture {
	sk_state *st;
	sk_eval_ctx ctx;
	sk_evbuild b;
	sk_state_view view;
} fixture;

/* init -> sshd -> bash -> cat (pid 13), then cat opens path for reading. */
static bool setup(fixture *f, const char *path)
{
	sk_state_config cfg = {0};
	cfg.passwd_path = "tests/data/state/passwd";
	cfg.group_path = "tests/data/state/group";
	if (sk_state_new(&cfg, &f->st) != SK_OK || sk_state_load_host_users(f->st) != SK_OK) {
		return false;
	}
	const char *names[] = {"init", "sshd", "bash", "cat"};
	for (int i = 0; i < 4; i++) {
		sk_thread_info info = {0};
		info.tid = info.pid = 10 + i;
		info.ptid = i == 0 ? 0 : 9 + i;
		info.comm = names[i];
		info.exe = names[i];
		info.cwd = "/root";
		info.uid = 0;
		if (sk_state_add_thread(f->st, &info) != SK_OK) {
			return false;
		}
	}
	sk_evb_start(&f->b, SK_EV_OPENAT_2_X, 13, 1000);
	sk_evb_i64(&f->b, 3);
	sk_evb_i64(&f->b, SK_AT_FDCWD);
	sk_evb_str(&f->b, path);
	sk_evb_u32(&f->b, SK_O_RDONLY);
	sk_evb_u32(&f->b, 0);
	sk_evb_u32(&f->b, 0);
	sk_evb_i64(&f->b, 77);
	f->b.ev.info = sk_event_info_get(f->b.ev.type);
	if (sk_state_apply(f->st, &f->b.ev, &f->view) != SK_OK ||
	    sk_eval_ctx_init(&f->ctx, f->st, "testhost") != SK_OK) {
		return false;
	}
	sk_eval_ctx_set_event(&f->ctx, &f->b.ev, &f->view);
	return true;
}

static void teardown(fixture *f)
{
	sk_eval_ctx_free(&f->ctx);
	sk_state_free(f->st);
}

typedef struct seen {
	char names[1024];
	const sk_rule *last;
} seen;

static bool collect(const sk_rule *r, void *user)
{
	seen *s = user;
	size_t n = strlen(s->names);
	snprintf(s->names + n, sizeof(s->names) - n, "%s%s", n ? "," : "", r->name);
	s->last = r;
	return true;
}

static sk_ruleset *load(const char *const *files, size_t n, const char *extra)
{
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG, .match_all = true};
	sk_ruleset *rs = NULL;
	if (sk_ruleset_new(&opts, &rs) != SK_OK) {
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		SK_CHECK(sk_ruleset_load_file(rs, files[i]) == SK_OK);
	}
	if (extra != NULL) {
		SK_CHECK(sk_ruleset_load_string(rs, "local.yaml", extra, strlen(extra)) == SK_OK);
	}
	SK_CHECK(sk_ruleset_compile(rs) == SK_OK);
	return rs;
}

SK_TEST(upstream_rule_fires_on_shadow_read)
{
	const char *files[] = {"../shared/upstream/rules/falco_rules.yaml"};
	sk_ruleset *rs = load(files, 1, NULL);
	fixture f;
	SK_CHECK(setup(&f, "/etc/shadow"));
	seen s = {0};
	SK_CHECK(sk_ruleset_match(rs, f.b.ev.type, &f.ctx, collect, &s) == SK_OK);
	SK_CHECK_STR(s.names, "Read sensitive file untrusted");
	if (s.last != NULL) {
		sk_strbuf sb = SK_STRBUF_INIT;
		SK_CHECK(sk_fmt_render_text(s.last->output, &f.ctx, false, &sb) == SK_OK);
		SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "Sensitive file opened for reading by non-trusted program | "
						      "file=/etc/shadow gparent=sshd ggparent=init gggparent=<NA> "
						      "evt_type=openat user=root");
		SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "process=cat ");
		sk_strbuf_reset(&sb);
		SK_CHECK(sk_fmt_render_json(s.last->output, &f.ctx, false, &sb) == SK_OK);
		SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"fd.name\":\"/etc/shadow\"");
		SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"proc.aname[4]\":null");
		SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"user.uid\":0");
		sk_strbuf_free(&sb);
	}
	teardown(&f);
	/* An ordinary file: nothing fires. */
	SK_CHECK(setup(&f, "/tmp/notes.txt"));
	memset(&s, 0, sizeof(s));
	SK_CHECK(sk_ruleset_match(rs, f.b.ev.type, &f.ctx, collect, &s) == SK_OK);
	SK_CHECK_STR(s.names, "");
	teardown(&f);
	sk_ruleset_free(rs);
}

SK_TEST(local_override_and_exception_through_real_fields)
{
	const char *files[] = {"../shared/upstream/rules/falco_rules.yaml"};
	const char *local = "- list: read_sensitive_file_binaries\n  items: [cat]\n  override:\n    items: append\n"
			    "- rule: Local shadow reader\n  desc: d\n  priority: ERROR\n"
			    "  condition: evt.type = openat and fd.name startswith /etc/ and proc.aname[2] = sshd\n"
			    "  output: reader=%proc.name dir=%fd.directory flags=%evt.arg.flags\n"
			    "  exceptions:\n    - name: tmp\n      fields: [proc.name, fd.filename]\n"
			    "      values:\n        - [cat, passwd]\n";
	sk_ruleset *rs = load(files, 1, local);
	fixture f;
	SK_CHECK(setup(&f, "/etc/shadow"));
	seen s = {0};
	SK_CHECK(sk_ruleset_match(rs, f.b.ev.type, &f.ctx, collect, &s) == SK_OK);
	/* cat is now a trusted reader upstream; the local rule still fires. */
	SK_CHECK_STR(s.names, "Local shadow reader");
	if (s.last != NULL) {
		sk_strbuf sb = SK_STRBUF_INIT;
		SK_CHECK(sk_fmt_render_text(s.last->output, &f.ctx, false, &sb) == SK_OK);
		SK_CHECK_STR(sk_strbuf_str(&sb), "reader=cat dir=/etc flags=O_RDONLY");
		sk_strbuf_free(&sb);
	}
	teardown(&f);
	SK_CHECK(setup(&f, "/etc/passwd"));
	memset(&s, 0, sizeof(s));
	SK_CHECK(sk_ruleset_match(rs, f.b.ev.type, &f.ctx, collect, &s) == SK_OK);
	SK_CHECK_STR(s.names, ""); /* the exception */
	/* Only rules indexed under openat ran: execve ids hold others. */
	uint16_t ids[64];
	size_t n = sk_event_types_by_name("execve", ids, 64);
	SK_CHECK(n > 0 && sk_ruleset_rules_for_type(rs, ids[0]) != sk_ruleset_rules_for_type(rs, f.b.ev.type));
	teardown(&f);
	sk_ruleset_free(rs);
}

/* Generic events (type 1 here) carry their syscall id: evt.type names
 * select them by that id only, and the index runs such rules for them. */
SK_TEST(evt_type_matches_generic_events_by_syscall)
{
	static const char *const rules[][2] = {{"mprotect", "evt.type = mprotect"},
					      {"not mprotect", "evt.type != mprotect and proc.name = cat"},
					      {"any generic", "evt.type in (syscall, openat)"}};
	char local[1024] = "";
	for (size_t i = 0; i < 3; i++) {
		size_t used = strlen(local);
		snprintf(local + used, sizeof(local) - used,
			 "- rule: %s\n  desc: d\n  priority: INFO\n  condition: %s\n  output: o\n", rules[i][0],
			 rules[i][1]);
	}
	sk_ruleset *rs = load(NULL, 0, local);
	fixture f;
	SK_CHECK(setup(&f, "/tmp/x"));
	const char *calls[] = {"mprotect", "arch_prctl"};
	const char *want[] = {"mprotect,any generic", "not mprotect,any generic"};
	for (int i = 0; i < 2; i++) {
		int sid = sk_syscall_id(calls[i]);
		SK_CHECK(sid > 0);
		sk_evbuild g;
		sk_evb_start(&g, 1, 13, 2000 + (uint64_t)i);
		uint16_t id = (uint16_t)sid;
		sk_evb_raw(&g, &id, sizeof(id));
		g.ev.info = sk_event_info_get(g.ev.type);
		SK_CHECK(sk_state_apply(f.st, &g.ev, &f.view) == SK_OK);
		sk_eval_ctx_set_event(&f.ctx, &g.ev, &f.view);
		seen s = {0};
		SK_CHECK(sk_ruleset_match(rs, g.ev.type, &f.ctx, collect, &s) == SK_OK);
		SK_CHECK_STR(s.names, want[i]);
	}
	SK_CHECK_INT(sk_ruleset_rules_for_type(rs, 1), 3);
	teardown(&f);
	sk_ruleset_free(rs);
}

SK_TEST_MAIN()
