/* extract_test: field values for hand-built events match what Falco shows
 * (cmdline joining, fd path split, evt.res names, ancestors and their
 * environments, host container). */
#include <stdio.h>

#include "eval_ctx.h"
#include "evbuild.h"
#include "event_table.h"
#include "field.h"
#include "scap_ids.h"
#include "sk_test.h"

/* Extracts name (with optional [index] or key) and renders it as text. */
static const char *get(sk_eval_ctx *ctx, const char *name, int32_t index, const char *key)
{
	static char text[1024];
	const sk_field_def *def = sk_field_lookup(name, strlen(name));
	if (def == NULL || def->extract == NULL) {
		return "<nofield>";
	}
	sk_field_ref ref = {def, index, key, key != NULL ? (uint32_t)strlen(key) : 0, 0};
	sk_values vals;
	if (def->extract(ctx, &ref, &vals) != SK_OK) {
		return "<error>";
	}
	if (vals.count == 0) {
		return "<NA>";
	}
	const sk_value *v = &vals.v[0];
	switch (v->type) {
	case SK_FT_STRING:
	case SK_FT_BYTES:
		snprintf(text, sizeof(text), "%.*s", (int)v->u.str.len, v->u.str.ptr);
		break;
	case SK_FT_INT64:
		snprintf(text, sizeof(text), "%lld", (long long)v->u.i64);
		break;
	case SK_FT_BOOL:
		snprintf(text, sizeof(text), "%s", v->u.b ? "true" : "false");
		break;
	default:
		snprintf(text, sizeof(text), "%llu", (unsigned long long)v->u.u64);
		break;
	}
	return text;
}

SK_TEST(process_and_file_fields)
{
	sk_state_config cfg = {0};
	cfg.passwd_path = "tests/data/state/passwd";
	cfg.group_path = "tests/data/state/group";
	sk_state *st = NULL;
	SK_CHECK(sk_state_new(&cfg, &st) == SK_OK);
	SK_CHECK(sk_state_load_host_users(st) == SK_OK);
	const char *names[] = {"init", "sshd", "bash", "cat"};
	for (int i = 0; i < 4; i++) {
		sk_thread_info info = {0};
		info.tid = info.pid = 10 + i;
		info.ptid = i == 0 ? 0 : 9 + i;
		info.comm = names[i];
		info.exe = names[i];
		info.cwd = "/home/alice";
		info.args = i == 3 ? "-n\0notes.txt" : "";
		info.args_len = i == 3 ? 12 : 0;
		static const char *const envs[] = {"", "HOME=/root\0LANG=C", "HOME=/home/alice\0TERM=xterm", "A=1"};
		static const size_t env_lens[] = {0, 17, 27, 3};
		info.env = envs[i];
		info.env_len = env_lens[i];
		info.uid = 1001;
		info.loginuid = 1001;
		SK_CHECK(sk_state_add_thread(st, &info) == SK_OK);
	}
	sk_evbuild b;
	sk_evb_start(&b, SK_EV_OPENAT_2_X, 13, 1000);
	sk_evb_i64(&b, 3);
	sk_evb_i64(&b, SK_AT_FDCWD);
	sk_evb_str(&b, "docs/notes.txt");
	sk_evb_u32(&b, SK_O_RDONLY | (1u << 12));
	sk_evb_u32(&b, 0);
	sk_evb_u32(&b, 0);
	sk_evb_i64(&b, 77);
	b.ev.info = sk_event_info_get(b.ev.type);
	sk_state_view view;
	SK_CHECK(sk_state_apply(st, &b.ev, &view) == SK_OK);
	sk_eval_ctx ctx;
	SK_CHECK(sk_eval_ctx_init(&ctx, st, "testhost") == SK_OK);
	sk_eval_ctx_set_event(&ctx, &b.ev, &view);
	SK_CHECK_STR(get(&ctx, "evt.type", -1, NULL), "openat");
	SK_CHECK_STR(get(&ctx, "evt.dir", -1, NULL), "<");
	SK_CHECK_STR(get(&ctx, "evt.res", -1, NULL), "SUCCESS");
	SK_CHECK_STR(get(&ctx, "evt.rawres", -1, NULL), "3");
	SK_CHECK_STR(get(&ctx, "evt.is_open_read", -1, NULL), "true");
	SK_CHECK_STR(get(&ctx, "evt.is_open_write", -1, NULL), "false");
	SK_CHECK_STR(get(&ctx, "evt.arg", -1, "flags"), "O_RDONLY|O_CLOEXEC");
	SK_CHECK_STR(get(&ctx, "evt.arg", 0, NULL), "<f>/home/alice/docs/notes.txt");
	SK_CHECK_CONTAINS(get(&ctx, "evt.args", -1, NULL), "flags=4097(O_RDONLY|O_CLOEXEC) ");
	SK_CHECK_STR(get(&ctx, "evt.arg", 2, NULL), "docs/notes.txt");
	SK_CHECK_STR(get(&ctx, "evt.rawarg", -1, "flags"), "4097");
	SK_CHECK_STR(get(&ctx, "evt.rawarg", -1, "name"), "<NA>");
	SK_CHECK_STR(get(&ctx, "evt.rawarg", -1, "nosuch"), "<NA>");
	SK_CHECK_STR(get(&ctx, "proc.name", -1, NULL), "cat");
	SK_CHECK_STR(get(&ctx, "proc.cmdline", -1, NULL), "cat -n notes.txt");
	SK_CHECK_STR(get(&ctx, "proc.args", -1, NULL), "-n notes.txt");
	SK_CHECK_STR(get(&ctx, "proc.cwd", -1, NULL), "/home/alice/");
	SK_CHECK_STR(get(&ctx, "proc.pname", -1, NULL), "bash");
	SK_CHECK_STR(get(&ctx, "proc.aname", 2, NULL), "sshd");
	SK_CHECK_STR(get(&ctx, "proc.aname", 3, NULL), "init");
	SK_CHECK_STR(get(&ctx, "proc.aname", 4, NULL), "<NA>");
	SK_CHECK_STR(get(&ctx, "proc.apid", 1, NULL), "12");
	/* libsinsp's proc.cmdnargs/cmdlenargs and proc.aenv */
	SK_CHECK_STR(get(&ctx, "proc.cmdnargs", -1, NULL), "2");
	SK_CHECK_STR(get(&ctx, "proc.cmdlenargs", -1, NULL), "11");
	SK_CHECK_STR(get(&ctx, "proc.aenv", -1, "HOME"), "/home/alice"); /* the nearest ancestor's */
	SK_CHECK_STR(get(&ctx, "proc.aenv", -1, "LANG"), "C");
	SK_CHECK_STR(get(&ctx, "proc.aenv", -1, "NOPE"), "");
	SK_CHECK_STR(get(&ctx, "proc.aenv", 0, NULL), "A=1");
	SK_CHECK_STR(get(&ctx, "proc.aenv", 2, NULL), "HOME=/root LANG=C");
	SK_CHECK_STR(get(&ctx, "proc.aenv", 9, NULL), "<NA>");
	SK_CHECK_STR(get(&ctx, "proc.aenv", -1, NULL), "HOME=/home/alice TERM=xterm"); /* first of every ancestor */
	SK_CHECK_STR(get(&ctx, "fd.name", -1, NULL), "/home/alice/docs/notes.txt");
	SK_CHECK_STR(get(&ctx, "fd.directory", -1, NULL), "/home/alice/docs");
	SK_CHECK_STR(get(&ctx, "fd.filename", -1, NULL), "notes.txt");
	SK_CHECK_STR(get(&ctx, "fd.nameraw", -1, NULL), "docs/notes.txt");
	SK_CHECK_STR(get(&ctx, "fd.typechar", -1, NULL), "f");
	SK_CHECK_STR(get(&ctx, "fd.num", -1, NULL), "3");
	SK_CHECK_STR(get(&ctx, "fd.ino", -1, NULL), "77");
	SK_CHECK_STR(get(&ctx, "fd.name_changed", -1, NULL), "true");
	SK_CHECK_STR(get(&ctx, "user.name", -1, NULL), "alice");
	SK_CHECK_STR(get(&ctx, "user.loginname", -1, NULL), "alice");
	SK_CHECK_STR(get(&ctx, "container.id", -1, NULL), "host");
	SK_CHECK_STR(get(&ctx, "container.image.repository", -1, NULL), "<NA>");
	SK_CHECK_STR(get(&ctx, "evt.hostname", -1, NULL), "testhost");
	/* A failed open: evt.res is the errno name. */
	int64_t enoent = -2;
	memcpy(b.buf, &enoent, 8);
	SK_CHECK(sk_state_apply(st, &b.ev, &view) == SK_OK);
	sk_eval_ctx_set_event(&ctx, &b.ev, &view);
	SK_CHECK_STR(get(&ctx, "evt.res", -1, NULL), "ENOENT");
	SK_CHECK_STR(get(&ctx, "evt.rawres", -1, NULL), "-2");
	SK_CHECK_STR(get(&ctx, "evt.failed", -1, NULL), "true");
	/* no fd was made, but as in Falco the path it asked for is fd.name
	 * (resolved against the cwd), fd.nameraw and fd.directory, with
	 * typechar 'f'; the fields of a real fd stay null */
	SK_CHECK_STR(get(&ctx, "fd.name", -1, NULL), "/home/alice/docs/notes.txt");
	SK_CHECK_STR(get(&ctx, "fd.nameraw", -1, NULL), "docs/notes.txt");
	SK_CHECK_STR(get(&ctx, "fd.directory", -1, NULL), "/home/alice/docs");
	SK_CHECK_STR(get(&ctx, "fd.containername", -1, NULL), "host:/home/alice/docs/notes.txt");
	SK_CHECK_STR(get(&ctx, "fd.containerdirectory", -1, NULL), "host:/home/alice/docs");
	SK_CHECK_STR(get(&ctx, "fd.typechar", -1, NULL), "f");
	SK_CHECK_STR(get(&ctx, "fd.filename", -1, NULL), "<NA>");
	SK_CHECK_STR(get(&ctx, "fd.type", -1, NULL), "<NA>");
	SK_CHECK_STR(get(&ctx, "fd.ino", -1, NULL), "<NA>");
	/* the next event (a close of an fd never seen opened) is no failed
	 * open: its fd.name is the unknown fd's, empty as in Falco */
	sk_evbuild cb;
	sk_evb_start(&cb, SK_EV_CLOSE_X, 13, 1001);
	sk_evb_i64(&cb, -9);
	sk_evb_i64(&cb, 42);
	cb.ev.info = sk_event_info_get(cb.ev.type);
	SK_CHECK(sk_state_apply(st, &cb.ev, &view) == SK_OK);
	sk_eval_ctx_set_event(&ctx, &cb.ev, &view);
	SK_CHECK_STR(get(&ctx, "fd.name", -1, NULL), "");
	sk_eval_ctx_free(&ctx);
	sk_state_free(st);
}

/* Modes as Falco (and sysdig) show them: octal, resolved to the S_I* bits
 * set (file-type bits ignored); evt.rawarg keeps the number. */
SK_TEST(mode_parameters_render_like_falco)
{
	static const struct {
		uint16_t type;
		uint32_t mode;
		const char *arg, *args;
	} cases[] = {
		{315, 04755, "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID",
		 "mode=04755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID)"},
		{315, 0, "0", "mode=0"},
		{315, 0100644, "S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR", "mode=0100644(S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR)"},
		{3, 0644, "0644", "mode=0644 "},
	};
	sk_eval_ctx ctx;
	SK_CHECK(sk_eval_ctx_init(&ctx, NULL, "h") == SK_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sk_evbuild b;
		sk_evb_start(&b, cases[i].type, 13, 1000 + i);
		sk_evb_i64(&b, cases[i].type == 3 ? 3 : 0);
		sk_evb_str(&b, "/tmp/a");
		if (cases[i].type == 3) {
			sk_evb_u32(&b, SK_O_RDONLY);
		}
		sk_evb_u32(&b, cases[i].mode);
		b.ev.info = sk_event_info_get(b.ev.type);
		sk_eval_ctx_set_event(&ctx, &b.ev, NULL);
		SK_CHECK_STR(get(&ctx, "evt.arg", -1, "mode"), cases[i].arg);
		SK_CHECK_CONTAINS(get(&ctx, "evt.args", -1, NULL), cases[i].args);
		char num[16];
		snprintf(num, sizeof(num), "%u", cases[i].mode);
		SK_CHECK_STR(get(&ctx, "evt.rawarg", -1, "mode"), num);
	}
	sk_eval_ctx_free(&ctx);
}

/* The newest exit event named name (the one with the most parameters). */
static uint16_t exit_type(const char *name)
{
	uint16_t ids[8], best = 0;
	size_t n = sk_event_types_by_name(name, ids, 8);
	for (size_t i = 0; i < n && i < 8; i++) {
		const sk_event_info *info = sk_event_info_get(ids[i]);
		if (sk_event_is_exit(ids[i]) && (best == 0 || info->nparams >= sk_event_info_get(best)->nparams)) {
			best = ids[i];
		}
	}
	return best;
}

/* evt.abspath joins a relative path onto the cwd (AT_FDCWD) or the
 * directory fd, removing "." and ".." as Falco does; fs.path.* too, the
 * libsinsp way. */
SK_TEST(abspath_resolves_against_cwd_and_dirfd)
{
	sk_state *st = NULL;
	SK_CHECK(sk_state_new(NULL, &st) == SK_OK);
	sk_thread_info info = {0};
	info.tid = info.pid = 20;
	info.comm = info.exe = "mv";
	info.cwd = "/home/alice";
	SK_CHECK(sk_state_add_thread(st, &info) == SK_OK);
	sk_fd_info dir = {0};
	dir.num = 5;
	dir.type = SK_FD_DIRECTORY;
	dir.name = "/srv/data";
	SK_CHECK(sk_state_add_fd(st, 20, &dir) == SK_OK);
	sk_eval_ctx ctx;
	SK_CHECK(sk_eval_ctx_init(&ctx, st, "h") == SK_OK);
	/* fs.path.* (name, source, target) as libsinsp takes them: relative
	 * paths after the cwd whatever the dirfd, absolute ones as given; link's
	 * source is its new path; set only when the call succeeded (res 0). */
	static const struct {
		const char *call;
		int64_t dirfd, dirfd2;
		const char *path, *path2;
		const char *abspath, *dst;
		int64_t res;
		const char *fs_name, *fs_source, *fs_target;
	} cases[] = {
		{"unlinkat", SK_AT_FDCWD, 0, "../bob/x", NULL, "/home/bob/x", "<NA>", 0, "/home/bob/x", "<NA>", "<NA>"},
		{"unlinkat", 5, 0, "a/./b/", NULL, "/srv/data/a/b", "<NA>", 0, "/home/alice/a/b", "<NA>", "<NA>"},
		{"unlinkat", 9, 0, "x", NULL, "<UNKNOWN>/x", "<NA>", -2, "<NA>", "<NA>", "<NA>"},
		{"unlinkat", 9, 0, "/etc/../tmp/z", NULL, "/tmp/z", "<NA>", 0, "/etc/../tmp/z", "<NA>", "<NA>"},
		{"mkdirat", 5, 0, "new", NULL, "/srv/data/new", "<NA>", 0, "/home/alice/new", "<NA>", "<NA>"},
		{"renameat", SK_AT_FDCWD, 5, "a", "../b", "/home/alice/a", "/srv/b", 0, "<NA>", "/home/alice/a",
		 "/home/b"},
		{"linkat", 5, SK_AT_FDCWD, "a", "b", "/srv/data/a", "/home/alice/b", 0, "<NA>", "/home/alice/b",
		 "/home/alice/a"},
		{"unlink", 0, 0, "../../../x", NULL, "/x", "<NA>", 0, "/x", "<NA>", "<NA>"},
		{"mkdir", 0, 0, "d", NULL, "/home/alice/d", "<NA>", 0, "/home/alice/d", "<NA>", "<NA>"},
		{"rename", 0, 0, "a", "/tmp/b", "/home/alice/a", "/tmp/b", 0, "<NA>", "/home/alice/a", "/tmp/b"},
		{"rename", 0, 0, "a", "/tmp/b", "/home/alice/a", "/tmp/b", -13, "<NA>", "<NA>", "<NA>"},
		/* open succeeds for libsinsp unless its fd is -1 (so -2 passes) */
		{"open", 8, 0, "notes", NULL, "/home/alice/notes", "<NA>", 0, "/home/alice/notes", "<NA>", "<NA>"},
		{"open", -1, 0, "x", NULL, "<NA>", "<NA>", 0, "<NA>", "<NA>", "<NA>"},
		{"open", -2, 0, "y", NULL, "<NA>", "<NA>", 0, "/home/alice/y", "<NA>", "<NA>"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t type = exit_type(cases[i].call);
		const sk_event_info *ei = sk_event_info_get(type);
		SK_CHECK(type != 0);
		sk_evbuild b;
		sk_evb_start(&b, type, 20, 5000 + i);
		for (uint32_t k = 0; k < ei->nparams; k++) {
			const char *pname = ei->params[k].name;
			bool second = strncmp(pname, "new", 3) == 0;
			if (ei->params[k].type == SK_PT_FD) {
				sk_evb_i64(&b, second ? cases[i].dirfd2 : cases[i].dirfd);
			} else if (ei->params[k].type == SK_PT_FSPATH || ei->params[k].type == SK_PT_FSRELPATH) {
				sk_evb_str(&b, second ? cases[i].path2 : cases[i].path);
			} else if (ei->params[k].type == SK_PT_ERRNO) {
				sk_evb_i64(&b, cases[i].res);
			} else {
				sk_evb_u32(&b, 0);
			}
		}
		b.ev.info = ei;
		sk_state_view view;
		SK_CHECK(sk_state_apply(st, &b.ev, &view) == SK_OK);
		sk_eval_ctx_set_event(&ctx, &b.ev, &view);
		SK_CHECK_STR(get(&ctx, "evt.abspath", -1, NULL), cases[i].abspath);
		SK_CHECK_STR(get(&ctx, "evt.abspath.src", -1, NULL), cases[i].abspath);
		SK_CHECK_STR(get(&ctx, "evt.abspath.dst", -1, NULL), cases[i].dst);
		SK_CHECK_STR(get(&ctx, "fs.path.name", -1, NULL), cases[i].fs_name);
		SK_CHECK_STR(get(&ctx, "fs.path.source", -1, NULL), cases[i].fs_source);
		SK_CHECK_STR(get(&ctx, "fs.path.target", -1, NULL), cases[i].fs_target);
		if (strcmp(cases[i].fs_name, "<NA>") != 0) {
			SK_CHECK_STR(get(&ctx, "fs.path.nameraw", -1, NULL), cases[i].path);
		}
		if (strcmp(cases[i].fs_source, "<NA>") != 0) {
			bool link = strcmp(cases[i].call, "linkat") == 0;
			SK_CHECK_STR(get(&ctx, "fs.path.sourceraw", -1, NULL), link ? cases[i].path2 : cases[i].path);
			SK_CHECK_STR(get(&ctx, "fs.path.targetraw", -1, NULL), link ? cases[i].path : cases[i].path2);
		}
	}
	/* fd.types: the process's fd types as a sorted set; [N] one fd's. */
	SK_CHECK_STR(get(&ctx, "fd.types", 5, NULL), "directory");
	SK_CHECK_STR(get(&ctx, "fd.types", 9, NULL), "<NA>");
	sk_fd_info sock = {0};
	sock.num = 6;
	sock.type = SK_FD_IPV4;
	sock.l4proto = SK_L4_TCP;
	memcpy(sock.cip, (const uint8_t[]){127, 0, 0, 1}, 4);
	memcpy(sock.sip, (const uint8_t[]){10, 0, 0, 2}, 4);
	sock.cport = 40000;
	sock.sport = 80;
	SK_CHECK(sk_state_add_fd(st, 20, &sock) == SK_OK);
	sk_fd_info file = {0};
	file.num = 7;
	file.type = SK_FD_FILE;
	file.name = "/srv/data/x";
	SK_CHECK(sk_state_add_fd(st, 20, &file) == SK_OK);
	const sk_field_def *def = sk_field_lookup("fd.types", 8);
	SK_CHECK(def != NULL && def->extract != NULL);
	if (def != NULL && def->extract != NULL) {
		sk_field_ref ref = {def, -1, NULL, 0, 0};
		sk_values vals;
		SK_CHECK(def->extract(&ctx, &ref, &vals) == SK_OK);
		SK_CHECK_INT(vals.count, 3);
		const char *want[] = {"directory", "file", "ipv4"};
		for (uint32_t i = 0; i < vals.count && i < 3; i++) {
			SK_CHECK(vals.v[i].u.str.len == strlen(want[i]) &&
				 memcmp(vals.v[i].u.str.ptr, want[i], vals.v[i].u.str.len) == 0);
		}
	}
	/* A poll over a file, a socket, a directory and an unknown fd (what
	 * sysdig 0.29 prints for the same list: nums, names with <NA>). */
	sk_evbuild pb;
	sk_evb_start(&pb, 81, 20, 9000);
	sk_evb_i64(&pb, 1);
	uint8_t list[2 + 4 * 10];
	uint16_t nfds = 4;
	memcpy(list, &nfds, 2);
	const int64_t nums[] = {7, 6, 5, 9};
	for (int i = 0; i < 4; i++) {
		int16_t flags = 1;
		memcpy(list + 2 + i * 10, &nums[i], 8);
		memcpy(list + 2 + i * 10 + 8, &flags, 2);
	}
	sk_evb_raw(&pb, list, sizeof(list));
	pb.ev.info = sk_event_info_get(pb.ev.type);
	sk_state_view view;
	SK_CHECK(sk_state_apply(st, &pb.ev, &view) == SK_OK);
	sk_eval_ctx_set_event(&ctx, &pb.ev, &view);
	static const char *const fdlist[][2] = {
		{"fdlist.nums", "7,6,5,9"},
		{"fdlist.names", "/srv/data/x,127.0.0.1:40000->10.0.0.2:80,/srv/data,<NA>"},
		{"fdlist.cips", "127.0.0.1"},
		{"fdlist.sips", "10.0.0.2"},
		{"fdlist.cports", "40000"},
		{"fdlist.sports", "80"},
	};
	for (size_t i = 0; i < sizeof(fdlist) / sizeof(fdlist[0]); i++) {
		SK_CHECK_STR(get(&ctx, fdlist[i][0], -1, NULL), fdlist[i][1]);
	}
	/* Not a poll event: no list. */
	sk_evb_start(&pb, exit_type("unlinkat"), 20, 9001);
	pb.ev.info = sk_event_info_get(pb.ev.type);
	sk_eval_ctx_set_event(&ctx, &pb.ev, NULL);
	SK_CHECK_STR(get(&ctx, "fdlist.nums", -1, NULL), "<NA>");
	sk_eval_ctx_free(&ctx);
	sk_state_free(st);
}

SK_TEST(arena_bounds)
{
	sk_eval_ctx ctx;
	SK_CHECK(sk_eval_ctx_init(&ctx, NULL, "h") == SK_OK);
	void *a = sk_arena_alloc(&ctx.arena, 100000);
	void *b = sk_arena_alloc(&ctx.arena, 10);
	SK_CHECK(a != NULL && b != NULL && a != b);
	SK_CHECK(sk_arena_alloc(&ctx.arena, SK_ARENA_MAX_PER_EVENT) == NULL);
	sk_eval_ctx_free(&ctx);
}

SK_TEST_MAIN()
