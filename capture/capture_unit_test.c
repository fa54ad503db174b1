/* capture_unit_test.c: the user-side pieces of saker-capture without a
 * kernel: table consistency, flag conversions, event re-encoding, scap block
 * framing, control messages, /proc snapshot of this very process decoded
 * by the engine's reader. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "proc_snap.h"
#include "sc_table.h"
#include "scap_format.h"
#include "scap_out.h"
#include "scap_reader.h"
#include "sk_test.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

SK_TEST(table_rows_are_unique_and_fit_the_spec)
{
	size_t n;
	const struct sc_entry *t = sc_table(&n);
	SK_CHECK(n >= 60);
	for (size_t i = 0; i < n; i++) {
		SK_CHECK(t[i].nr < SKC_MAX_SYSCALLS);
		SK_CHECK(t[i].evt_type != 0);
		SK_CHECK(t[i].nparams <= SKC_SPEC_PARAMS || (t[i].flags & SKC_F_PROCESS));
		for (size_t j = i + 1; j < n; j++) {
			SK_CHECK(t[i].nr != t[j].nr);
		}
	}
	SK_CHECK_STR(sc_by_nr(2)->name, "open");
	SK_CHECK_INT(sc_by_nr(257)->evt_type, 307);
	SK_CHECK(sc_by_nr(SKC_MAX_SYSCALLS - 5) == NULL);
	SK_CHECK_INT(sc_by_name("openat")->nr, 257);
	SK_CHECK_INT(sc_by_name("sched_process_exec")->nr, SKC_SLOT_EXEC);
	SK_CHECK(sc_by_name("no_such_syscall") == NULL);
}

SK_TEST(event_types_map_back_to_syscalls)
{
	const struct sc_entry *rows[8];
	size_t n;
	sc_by_event(306, rows, 8, &n); /* openat enter type names the same syscall */
	SK_CHECK_INT(n, 1);
	SK_CHECK_STR(n ? rows[0]->name : NULL, "openat");
	sc_by_event(SKC_EVT_PROCEXIT_1_E, rows, 8, &n);
	SK_CHECK_INT(n, 1);
	sc_by_event(9999, rows, 8, &n);
	SK_CHECK_INT(n, 0);
}

SK_TEST(conversions_follow_the_scap_encoding)
{
	SK_CHECK_INT(sc_open_flags_to_scap(0), 1);                 /* O_RDONLY */
	SK_CHECK_INT(sc_open_flags_to_scap(01 | 0100 | 01000), 2 | 4 | 256); /* WRONLY|CREAT|TRUNC */
	SK_CHECK_INT(sc_open_flags_to_scap(02 | 02000000), 3 | 4096);       /* RDWR|CLOEXEC */
	SK_CHECK_INT(sc_fcntl_to_scap(0), 1);      /* F_DUPFD */
	SK_CHECK_INT(sc_fcntl_to_scap(1030), 26);  /* F_DUPFD_CLOEXEC */
	SK_CHECK_INT(sc_fcntl_to_scap(12345), 0);
	SK_CHECK_INT(sc_ptrace_to_scap(16), 11);   /* PTRACE_ATTACH */
	SK_CHECK_INT(sc_ptrace_to_scap(0x4206), 20); /* PTRACE_SEIZE */
	SK_CHECK_INT(sc_clone_flags_to_scap(0x10000 | 0x100), (1u << 13) | (1u << 15));
}

/* Builds a raw kernel event with the given parameters. */
static size_t make_event(uint8_t *buf, uint16_t type, const void *const *params, const uint16_t *lens, uint32_t n)
{
	uint64_t ts = 42, tid = 7;
	memcpy(buf, &ts, 8);
	memcpy(buf + 8, &tid, 8);
	memcpy(buf + 20, &type, 2);
	memcpy(buf + 22, &n, 4);
	size_t pos = SKC_HDR_LEN + 2 * n;
	for (uint32_t i = 0; i < n; i++) {
		memcpy(buf + SKC_HDR_LEN + 2 * i, &lens[i], 2);
		memcpy(buf + pos, params[i], lens[i]);
		pos += lens[i];
	}
	uint32_t len = (uint32_t)pos;
	memcpy(buf + 16, &len, 4);
	return pos;
}

SK_TEST(reencode_converts_flags_and_resizes)
{
	uint8_t raw[256];
	int64_t res = 0, fd = 3;
	uint32_t cmd = 1030; /* F_DUPFD_CLOEXEC, u32 from the kernel, u8 in scap */
	const void *params[] = {&res, &fd, &cmd};
	uint16_t lens[] = {8, 8, 4};
	size_t len = make_event(raw, 151, params, lens, 3);
	sk_strbuf out = SK_STRBUF_INIT;
	SK_CHECK_INT(sc_reencode(raw, len, &out), SK_OK);
	SK_CHECK_INT(out.len, len - 3);
	uint32_t newlen = 0;
	uint16_t plen = 0;
	memcpy(&newlen, out.data + 16, 4);
	memcpy(&plen, out.data + SKC_HDR_LEN + 4, 2);
	SK_CHECK_INT(newlen, out.len);
	SK_CHECK_INT(plen, 1);
	SK_CHECK_INT((uint8_t)out.data[out.len - 1], 26);
	/* the kernel puts its CPU in the high half of nparams (shared rings);
	 * scap's nparams comes out without it */
	uint16_t cpu = 5;
	memcpy(raw + 24, &cpu, 2);
	sk_strbuf_reset(&out);
	SK_CHECK_INT(sc_reencode(raw, len, &out), SK_OK);
	uint32_t nparams = 0;
	memcpy(&nparams, out.data + 22, 4);
	SK_CHECK_INT(nparams, 3);
	/* a length field that disagrees with the parameters is rejected */
	raw[SKC_HDR_LEN] ^= 1;
	sk_strbuf_reset(&out);
	SK_CHECK(sc_reencode(raw, len, &out) != SK_OK);
	SK_CHECK_INT(out.len, 0);
	SK_CHECK_INT(sc_reencode(raw, 10, &out), SK_ETRUNC);
	sk_strbuf_free(&out);
}

/* Which exits get an enter event: ptrace's always (rules read its
 * request there), close's only for old readers, an unknown type never; the
 * enter event is built from the exit's parameters 1 ns earlier. */
SK_TEST(enter_events_for_the_exits_that_want_them)
{
	uint8_t raw[256];
	int64_t res = 0, fd = 7;
	const void *params[] = {&res, &fd};
	uint16_t lens[] = {8, 8};
	size_t len = make_event(raw, 5, params, lens, 2);
	SK_CHECK(!sc_wants_enter(raw, len, false));
	SK_CHECK(sc_wants_enter(raw, len, true));
	sk_strbuf out = SK_STRBUF_INIT;
	bool added = false;
	SK_CHECK_INT(sc_synth_enter(raw, len, false, &out, &added), SK_OK);
	SK_CHECK(!added && out.len == 0);
	SK_CHECK_INT(sc_synth_enter(raw, len, true, &out, &added), SK_OK);
	SK_CHECK(added);
	uint16_t type = 0, plen = 0;
	uint64_t ts_exit = 0, ts_enter = 0;
	int64_t got_fd = 0;
	memcpy(&type, out.data + 20, 2);
	memcpy(&plen, out.data + SKC_HDR_LEN, 2);
	memcpy(&ts_exit, raw, 8);
	memcpy(&ts_enter, out.data, 8);
	memcpy(&got_fd, out.data + SKC_HDR_LEN + 2, 8);
	SK_CHECK_INT(type, 4);
	SK_CHECK_INT(plen, 8);
	SK_CHECK_INT(got_fd, 7);
	SK_CHECK(ts_enter + 1 == ts_exit);
	/* the same parameters under other types: the length stays len */
	make_event(raw, 169, params, lens, 2); /* ptrace exit: its request is rules' */
	SK_CHECK(sc_wants_enter(raw, len, false));
	make_event(raw, 1023, params, lens, 2);
	SK_CHECK(!sc_wants_enter(raw, len, true));
	make_event(raw, 40000, params, lens, 2);
	SK_CHECK(!sc_wants_enter(raw, len, true));
	SK_CHECK(!sc_wants_enter(raw, 10, true));
	sk_strbuf_free(&out);
}

/* An openat exit keeps every parameter's length: one copy, then the
 * flags and the mode converted in place, the rest byte for byte. */
SK_TEST(reencode_converts_in_place_when_lengths_stay)
{
	const struct sc_entry *row = sc_by_name("openat");
	SK_CHECK(row != NULL);
	if (row == NULL) {
		return;
	}
	uint8_t raw[256];
	int64_t fd = 5, dirfd = -100;
	const char path[] = "/tmp/x";
	uint32_t flags = 01 | 0100 | 01000, mode = 0100644, dev = 0x801;
	uint64_t ino = 1234;
	const void *params[] = {&fd, &dirfd, path, &flags, &mode, &dev, &ino};
	uint16_t lens[] = {8, 8, sizeof(path), 4, 4, 4, 8};
	size_t len = make_event(raw, row->evt_type, params, lens, 7);
	uint16_t cpu = 3; /* the high half of nparams, as the kernel writes it */
	memcpy(raw + 24, &cpu, 2);
	sk_strbuf out = SK_STRBUF_INIT;
	sk_strbuf_append(&out, "ab", 2); /* appended after what is there */
	SK_CHECK_INT(sc_reencode(raw, len, &out), SK_OK);
	SK_CHECK_INT(out.len, 2 + len);
	const uint8_t *ev = (const uint8_t *)out.data + 2;
	uint32_t nparams = 0, got_flags = 0, got_mode = 0;
	memcpy(&nparams, ev + 22, 4);
	size_t flags_at = SKC_HDR_LEN + 2 * 7 + 8 + 8 + sizeof(path);
	memcpy(&got_flags, ev + flags_at, 4);
	memcpy(&got_mode, ev + flags_at + 4, 4);
	SK_CHECK_INT(nparams, 7);
	SK_CHECK_INT(got_flags, 2 | 4 | 256); /* PPM_O_WRONLY | CREAT | TRUNC */
	SK_CHECK_INT(got_mode, 0644);
	SK_CHECK(memcmp(ev, raw, 22) == 0);                                     /* header */
	SK_CHECK(memcmp(ev + SKC_HDR_LEN, raw + SKC_HDR_LEN, flags_at - SKC_HDR_LEN) == 0); /* lengths .. path */
	SK_CHECK(memcmp(ev + flags_at + 8, raw + flags_at + 8, 12) == 0);      /* dev, ino */
	sk_strbuf_free(&out);
}

/* Turns the NULs between the entries of a scap list (len bytes, the last
 * one a NUL) into spaces, as thread.cgroups shows them. */
static void join_entries(char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] == '\0') {
			s[i] = ' ';
		}
	}
}

/* The cgroups parameter (14) of an execve exit event whose kernel form is
 * the raw bytes (n of them), re-encoded; copies its entries to out
 * (space-separated, NUL-terminated) and returns its length. */
static uint16_t reencoded_cgroups(const char *raw_cgroups, size_t n, char *out, size_t cap)
{
	uint8_t raw[1024];
	uint64_t zero = 0;
	const void *params[SC_PARAM_CGROUPS + 1];
	uint16_t lens[SC_PARAM_CGROUPS + 1];
	for (uint32_t i = 0; i < SC_PARAM_CGROUPS; i++) {
		params[i] = &zero;
		lens[i] = 8;
	}
	params[SC_PARAM_CGROUPS] = raw_cgroups;
	lens[SC_PARAM_CGROUPS] = (uint16_t)n;
	size_t len = make_event(raw, SKC_EVT_EXECVE_19_X, params, lens, SC_PARAM_CGROUPS + 1);
	sk_strbuf ev = SK_STRBUF_INIT;
	uint16_t plen = UINT16_MAX;
	out[0] = '\0';
	if (sc_reencode(raw, len, &ev) == SK_OK) {
		memcpy(&plen, ev.data + SKC_HDR_LEN + 2 * SC_PARAM_CGROUPS, 2);
		size_t m = plen < cap ? plen : cap - 1;
		memcpy(out, ev.data + ev.len - plen, m);
		out[m] = '\0';
		join_entries(out, m);
	}
	sk_strbuf_free(&ev);
	return plen;
}

#define RAW(s) s, sizeof(s) - 1

SK_TEST(cgroup_name_lists_become_scap_cgroups_strings)
{
	char got[512];
	/* a v2 host: the unified cgroup, names leaf first, as the cpuset controller's */
	SK_CHECK_INT(reencoded_cgroups(RAW("docker-" HEX64 ".scope\0kubepods\0\0"), got, sizeof(got)),
		     strlen("cpuset=/kubepods/docker-" HEX64 ".scope") + 1);
	SK_CHECK_STR(got, "cpuset=/kubepods/docker-" HEX64 ".scope");
	/* the root cgroup: no names */
	SK_CHECK_INT(reencoded_cgroups(RAW("\0"), got, sizeof(got)), strlen("cpuset=/") + 1);
	SK_CHECK_STR(got, "cpuset=/");
	/* a hybrid host: the cpuset controller's v1 cgroup, then the unified one */
	reencoded_cgroups(RAW("session-1.scope\0user.slice\0\0" HEX64 "\0docker\0\0"), got, sizeof(got));
	SK_CHECK_STR(got, "cpuset=/docker/" HEX64 " unified=/user.slice/session-1.scope");
	reencoded_cgroups(RAW("\0\0"), got, sizeof(got));
	SK_CHECK_STR(got, "cpuset=/ unified=/");
	/* malformed lists: an unterminated first list gives an empty parameter,
	 * an unterminated second one is left out; the event stays valid */
	SK_CHECK_INT(reencoded_cgroups(RAW("kubepods"), got, sizeof(got)), 0);
	SK_CHECK_INT(reencoded_cgroups(RAW("a\0b"), got, sizeof(got)), 0);
	SK_CHECK_INT(reencoded_cgroups(RAW(""), got, sizeof(got)), 0);
	reencoded_cgroups(RAW("a\0\0docker"), got, sizeof(got));
	SK_CHECK_STR(got, "cpuset=/a");
	/* deeper than the kernel side ever walks: left out, not rendered */
	char deep[2 * 200 + 1];
	for (size_t i = 0; i < 200; i++) {
		deep[2 * i] = 'x';
		deep[2 * i + 1] = '\0';
	}
	deep[400] = '\0';
	SK_CHECK_INT(reencoded_cgroups(deep, sizeof(deep), got, sizeof(got)), 0);
}

/* The path of this process's cgroup line whose controllers include
 * controller ("" for the unified "0::" line) into out; false without one. */
static bool own_cgroup(const char *controller, char *out, size_t cap)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/cgroup", "re");
	while (!found && f != NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = 0;
		char *c1 = strchr(line, ':');
		char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL) {
			continue;
		}
		*c2 = 0;
		if (controller[0] == 0) {
			found = strcmp(line, "0:") == 0;
		} else {
			char *save = NULL;
			for (char *tok = strtok_r(c1 + 1, ",", &save); tok != NULL && !found; tok = strtok_r(NULL, ",", &save)) {
				found = strcmp(tok, controller) == 0;
			}
		}
		if (found) {
			snprintf(out, cap, "%s", c2 + 1);
		}
	}
	if (f != NULL) {
		fclose(f);
	}
	return found;
}


SK_TEST(blocks_are_framed_and_padded)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	scap_put_shb(&sb);
	SK_CHECK_INT(sb.len, 28);
	uint8_t ev[27] = {0};
	scap_put_event(&sb, 1, ev, sizeof(ev));
	uint32_t total = 0, trailer = 0;
	memcpy(&total, sb.data + 28 + 4, 4);
	SK_CHECK_INT(total, 8 + 2 + 27 + 3 + 4);
	memcpy(&trailer, sb.data + sb.len - 4, 4);
	SK_CHECK_INT(trailer, total);
	SK_CHECK_INT(sb.len % 4, 0);
	struct skc_counters c[2] = {{1, 2, 3}, {4, 5, 6}};
	size_t before = sb.len;
	scap_put_stats(&sb, c, 2);
	SK_CHECK_INT(sb.len - before, 8 + 8 + 2 * 24 + 4);
	sk_strbuf_free(&sb);
}

SK_TEST(control_messages_round_trip)
{
	char buf[64];
	size_t len;
	SK_CHECK_INT(control_format_get(7, buf, sizeof(buf), &len), SK_OK);
	SK_CHECK_STR(buf, "SKCTL1 GET 7");
	uint8_t msg[64] = "SKCTL1 SET 9 2 ";
	size_t hl = strlen((char *)msg);
	uint16_t types[2] = {3, 307};
	memcpy(msg + hl, types, 4);
	struct control_set *set = malloc(sizeof(*set));
	SK_CHECK_INT(control_parse_set(msg, hl + 4, set), SK_OK);
	SK_CHECK_INT(set->generation, 9);
	SK_CHECK_INT(set->ntypes, 2);
	SK_CHECK_INT(set->types[1], 307);
	SK_CHECK_INT(control_parse_set(msg, hl + 3, set), SK_ETRUNC);
	SK_CHECK_INT(control_parse_set((const uint8_t *)"SKCTL1 SET x", 12, set), SK_EPARSE);
	SK_CHECK_INT(control_parse_set((const uint8_t *)"SKCTL1 SET 1 99999", 18, set), SK_ERANGE);
	SK_CHECK(!set->drop_failed_exit);
	free(set);
}

/* Options after the type list: drop_failed_exit is read, unknown ones are
 * skipped, malformed ones reject the reply. */
static sk_err parse_text(const char *text, struct control_set *set)
{
	return control_parse_set((const uint8_t *)text, strlen(text), set);
}

SK_TEST(control_options_after_the_types)
{
	uint8_t msg[96] = "SKCTL1 SET 4 1 ";
	size_t hl = strlen((char *)msg);
	uint16_t type = 307;
	memcpy(msg + hl, &type, 2);
	memcpy(msg + hl + 2, " drop_failed_exit=1", 19);
	struct control_set *set = malloc(sizeof(*set));
	SK_CHECK_INT(control_parse_set(msg, hl + 2 + 19, set), SK_OK);
	SK_CHECK_INT(set->ntypes, 1);
	SK_CHECK_INT(set->types[0], 307);
	SK_CHECK(set->drop_failed_exit);
	SK_CHECK_INT(parse_text("SKCTL1 SET 5 0  later=x drop_failed_exit=0", set), SK_OK);
	SK_CHECK(!set->drop_failed_exit);
	SK_CHECK_INT(parse_text("SKCTL1 SET 5 0  drop_failed_exit=1 future=42", set), SK_OK);
	SK_CHECK(set->drop_failed_exit);
	SK_CHECK_INT(parse_text("SKCTL1 SET 5 0  drop_failed_exit=yes", set), SK_EPARSE);
	SK_CHECK_INT(parse_text("SKCTL1 SET 5 0  drop_failed_exit", set), SK_EPARSE);
	SK_CHECK_INT(parse_text("SKCTL1 SET 5 0  =1", set), SK_EPARSE);
	SK_CHECK_INT(parse_text("SKCTL1 SET 5 0 x", set), SK_EPARSE);
	SK_CHECK_INT(parse_text("SKCTL1 SET 5 0  ", set), SK_EPARSE);
	free(set);
}

struct snap_seen {
	uint64_t threads, users, groups;
	bool self, self_file, self_listener;
	bool self_ids, self_rss; /* own ids as seen from here, resident size set */
	pid_t ns_child;		 /* a child in new pid and network namespaces, 0 without */
	uint16_t ns_child_port;	 /* its listening socket's port (in its own network) */
	bool ns_child_listener;	 /* that socket seen */
	int64_t ns_child_vpid, ns_child_vtid;
	uint16_t listen_port;
	char self_cgroups[2100];
	bool self_upper; /* the exe on an overlay's upper layer */
};

static sk_err seen_thread(void *ctx, const sk_scap_thread *th)
{
	struct snap_seen *s = ctx;
	s->threads++;
	s->self |= th->tid == (uint64_t)getpid() && strcmp(th->comm, "capture_unit_te") == 0;
	if (th->tid == (uint64_t)getpid()) {
		s->self_ids = th->vtid == getpid() && th->vpid == getpid();
		s->self_rss = th->vmrss_kb > 0;
		s->self_upper = th->exe_upper_layer;
	}
	if (s->ns_child > 0 && th->tid == (uint64_t)s->ns_child) {
		s->ns_child_vpid = th->vpid;
		s->ns_child_vtid = th->vtid;
	}
	if (th->tid == (uint64_t)getpid() && th->cgroups_len > 0 && th->cgroups_len < sizeof(s->self_cgroups)) {
		memcpy(s->self_cgroups, th->cgroups, th->cgroups_len);
		s->self_cgroups[th->cgroups_len - 1] = 0;
		join_entries(s->self_cgroups, th->cgroups_len);
	}
	return SK_OK;
}

static sk_err seen_fd(void *ctx, uint64_t tid, const sk_scap_fd *fd)
{
	struct snap_seen *s = ctx;
	if (s->ns_child > 0 && tid == (uint64_t)s->ns_child) {
		s->ns_child_listener |= fd->type == SK_SCAP_FD_IPV4_SERVSOCK && fd->sport == s->ns_child_port;
	}
	if (tid != (uint64_t)getpid()) {
		return SK_OK;
	}
	s->self_file |= fd->type == SK_SCAP_FD_FILE_V2 && strcmp(fd->name, "/etc/hostname") == 0 &&
			(fd->open_flags & 1); /* PPM_O_RDONLY */
	s->self_listener |= fd->type == SK_SCAP_FD_IPV4_SERVSOCK && fd->sport == s->listen_port &&
			    fd->sip[0] == 127;
	return SK_OK;
}

static sk_err seen_user(void *ctx, const sk_scap_user *u)
{
	struct snap_seen *s = ctx;
	s->users += strcmp(u->name, "root") == 0 && u->uid == 0;
	return SK_OK;
}

static sk_err seen_group(void *ctx, const sk_scap_group *g)
{
	struct snap_seen *s = ctx;
	s->groups++;
	return SK_OK;
}

SK_TEST(proc_snapshot_describes_this_process)
{
	struct snap_seen seen = {0};
	int file = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	int lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(addr);
	SK_CHECK(bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(lsock, 1) == 0);
	getsockname(lsock, (struct sockaddr *)&addr, &alen);
	seen.listen_port = ntohs(addr.sin_port);

	/* a child in its own pid namespace (root only) is pid 1 there; in its
	 * own network namespace, its listening socket is in no table this
	 * process's /proc/net shows */
	int ready[2] = {-1, -1};
	SK_CHECK(pipe(ready) == 0);
	seen.ns_child = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0);
	if (seen.ns_child == 0) {
		close(ready[0]);
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
		socklen_t len = sizeof(any);
		uint16_t port = 0;
		if (bind(s, (struct sockaddr *)&any, sizeof(any)) == 0 && listen(s, 1) == 0 &&
		    getsockname(s, (struct sockaddr *)&any, &len) == 0) {
			port = ntohs(any.sin_port);
		}
		(void)write(ready[1], &port, sizeof(port));
		sleep(10); /* killed by the parent */
		_exit(0);
	}
	SK_CHECK(seen.ns_child < 0 || read(ready[0], &seen.ns_child_port, sizeof(seen.ns_child_port)) == 2);

	static const struct proc_snap_paths host = {"/proc", "/etc/passwd", "/etc/group"};
	sk_strbuf sb = SK_STRBUF_INIT;
	SK_CHECK_INT(proc_snap_blocks(&sb, &host, NULL, NULL), SK_OK);
	close(file);
	close(lsock);
	/* decode with the engine's stream reader */
	sk_scap_callbacks cb = {
		.on_thread = seen_thread, .on_fd = seen_fd, .on_user = seen_user, .on_group = seen_group};
	sk_scap_reader *r = NULL;
	SK_CHECK_INT(sk_scap_reader_open_stream(&cb, &seen, &r), SK_OK);
	SK_CHECK_INT(sk_scap_reader_feed(r, sb.data, sb.len), SK_OK);
	sk_event ev;
	SK_CHECK_INT(sk_scap_reader_next(r, &ev), SK_ENOENT); /* records only, no events */
	sk_scap_stats st;
	sk_scap_reader_stats(r, &st);
	SK_CHECK_INT(st.malformed, 0);
	sk_scap_reader_close(r);
	SK_CHECK(seen.threads > 1);
	SK_CHECK(seen.self);
	SK_CHECK(seen.self_ids);
	SK_CHECK(seen.self_rss);
	if (seen.ns_child > 0) {
		SK_CHECK_INT(seen.ns_child_vpid, 1);
		SK_CHECK_INT(seen.ns_child_vtid, 1);
		SK_CHECK(seen.ns_child_port != 0);
		SK_CHECK(seen.ns_child_listener);
		kill(seen.ns_child, SIGKILL);
		waitpid(seen.ns_child, NULL, 0);
	} else {
		printf("no pid and network namespaces (not root?): the namespaced ids and sockets are not checked\n");
	}
	close(ready[0]);
	close(ready[1]);
	/* cgroups as exec events carry them (sc_reencode) */
	char unified[1024], cpuset[1024], want[2100] = "";
	bool has_unified = own_cgroup("", unified, sizeof(unified));
	if (own_cgroup("cpuset", cpuset, sizeof(cpuset))) {
		snprintf(want, sizeof(want), "cpuset=%s%s%s", cpuset, has_unified ? " unified=" : "",
			 has_unified ? unified : "");
	} else if (has_unified) {
		snprintf(want, sizeof(want), "cpuset=%s", unified);
	}
	SK_CHECK_STR(seen.self_cgroups, want);
	SK_CHECK(seen.self_file);
	SK_CHECK(seen.self_listener);
	SK_CHECK_INT(seen.users, 1);
	SK_CHECK(seen.groups > 0);

	static const struct proc_snap_paths missing = {"/nonexistent-proc", "/etc/passwd", "/etc/group"};
	SK_CHECK_INT(proc_snap_blocks(&sb, &missing, NULL, NULL), SK_ENOENT);
	sk_strbuf_free(&sb);
}

/* A task iterator record (SKC_EVT_TASK_INFO) for tid: pid, exe layer,
 * cgroup name lists (n bytes). */
static size_t task_record(uint8_t *buf, uint64_t pid, uint64_t tid, uint32_t layer, const char *cgroups, size_t n)
{
	const void *params[] = {&pid, &layer, cgroups};
	uint16_t lens[] = {8, 4, (uint16_t)n};
	size_t len = make_event(buf, SKC_EVT_TASK_INFO, params, lens, 3);
	memcpy(buf + 8, &tid, 8);
	return len;
}

SK_TEST(proc_snapshot_takes_the_kernel_view)
{
	/* the kernel's word for this process: whole cgroup paths and an upper
	 * layer exe; then a damaged record, which ends the list harmlessly */
	uint8_t rec[512];
	size_t len = task_record(rec, (uint64_t)getpid(), (uint64_t)getpid(), SKC_EXE_UPPER_LAYER,
				 RAW("leaf\0kubepods\0\0"));
	size_t other = task_record(rec + len, 999999999, 999999999, 0, RAW("x\0\0"));
	rec[len + 20] ^= 0xff; /* its type */
	const struct proc_snap_kernel kernel = {rec, len + other};
	static const struct proc_snap_paths host = {"/proc", "/etc/passwd", "/etc/group"};
	sk_strbuf sb = SK_STRBUF_INIT;
	SK_CHECK_INT(proc_snap_blocks(&sb, &host, &kernel, NULL), SK_OK);
	struct snap_seen seen = {0};
	sk_scap_callbacks cb = {.on_thread = seen_thread};
	sk_scap_reader *r = NULL;
	SK_CHECK_INT(sk_scap_reader_open_stream(&cb, &seen, &r), SK_OK);
	SK_CHECK_INT(sk_scap_reader_feed(r, sb.data, sb.len), SK_OK);
	sk_event ev;
	SK_CHECK_INT(sk_scap_reader_next(r, &ev), SK_ENOENT);
	sk_scap_reader_close(r);
	SK_CHECK(seen.self);
	SK_CHECK_STR(seen.self_cgroups, "cpuset=/kubepods/leaf");
	SK_CHECK(seen.self_upper);
	/* a malformed name list (no end), or a record of another process with
	 * this thread's number (a /proc of another pid namespace): /proc's view */
	for (int i = 0; i < 2; i++) {
		sk_strbuf_reset(&sb);
		len = i == 0 ? task_record(rec, (uint64_t)getpid(), (uint64_t)getpid(), 0, "leaf", 4)
			     : task_record(rec, (uint64_t)getpid() + 1, (uint64_t)getpid(), SKC_EXE_UPPER_LAYER,
					   RAW("leaf\0kubepods\0\0"));
		const struct proc_snap_kernel bad = {rec, len};
		SK_CHECK_INT(proc_snap_blocks(&sb, &host, &bad, NULL), SK_OK);
		memset(&seen, 0, sizeof(seen));
		SK_CHECK_INT(sk_scap_reader_open_stream(&cb, &seen, &r), SK_OK);
		SK_CHECK_INT(sk_scap_reader_feed(r, sb.data, sb.len), SK_OK);
		SK_CHECK_INT(sk_scap_reader_next(r, &ev), SK_ENOENT);
		sk_scap_reader_close(r);
		SK_CHECK(strncmp(seen.self_cgroups, "cpuset=", 7) == 0 &&
			 strstr(seen.self_cgroups, "kubepods/leaf") == NULL);
		SK_CHECK(!seen.self_upper);
	}
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
