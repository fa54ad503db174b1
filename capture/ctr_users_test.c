/* ctr_users_test.c: a container's passwd and group become useradded and
 * groupadded events keyed by its short id, read inside the container's root
 * (a symlink to an absolute path stays inside it; a FIFO is not even opened), through
 * the parent when the process is gone, only from processes /proc still puts
 * in the container and whose mounts are not the node's, once per container
 * and again for a uid the table lacks when the files changed (with
 * userdeleted for the users they no longer name), and all after a reset. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_live.h"
#include "ctr_users.h"
#include "event.h"
#include "sk_test.h"

#define NOW_NS 5000000000ull /* the tests' monotonic clock, unless they move it */
#define CTR "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* One decoded meta event of a block list: type, ids, strings. */
struct meta {
	uint16_t type;
	uint64_t tid, ts;
	uint32_t id0, id1;
	const char *str[4];
	uint32_t nstr;
};

/* Walks the EV_V2 blocks in sb into at most max events; returns the count
 * (-1 when a block does not decode). */
static int walk(const sk_strbuf *sb, sk_event *evs, struct meta *out, int max)
{
	size_t off = 0;
	int n = 0;
	while (off + 12 <= sb->len && n < max) {
		uint32_t type, total;
		memcpy(&type, sb->data + off, 4);
		memcpy(&total, sb->data + off + 4, 4);
		if (type != 0x216 || total < 12 || off + total > sb->len ||
		    sk_event_decode((const uint8_t *)sb->data + off + 10, total - 14, &evs[n]) != SK_OK) {
			return -1;
		}
		sk_event *ev = &evs[n];
		struct meta *m = &out[n];
		memset(m, 0, sizeof(*m));
		m->type = ev->type;
		m->tid = ev->tid;
		m->ts = ev->ts;
		uint32_t nids = ev->type == 354 || ev->type == 356 ? 2 : 1; /* users: uid, gid */
		memcpy(&m->id0, ev->param[0], 4);
		if (nids == 2) {
			memcpy(&m->id1, ev->param[1], 4);
		}
		for (uint32_t i = nids; i < ev->nparams && m->nstr < 4; i++) {
			m->str[m->nstr++] = (const char *)ev->param[i];
		}
		off += total;
		n++;
	}
	return off == sb->len ? n : -1;
}

SK_TEST(encode_passwd_and_group)
{
	static const char passwd[] = "root:x:0:0:root:/root:/bin/ash\n"
				     "app:x:1000:1001:App:/srv/app:/sbin/nologin\n"
				     "broken line\n"
				     "nouid:x::1::/:/bin/sh\n"
				     "big:x:99999999999:1::/:/bin/sh\n"
				     ":x:5:5::/:/bin/sh\n"
				     "last:x:7:7::/home/last:/bin/sh"; /* no final newline */
	static const char group[] = "root:x:0:\napp:x:1001:app,other\nbad:x:g:\n";
	sk_strbuf sb = SK_STRBUF_INIT;
	uint32_t added = 0;
	struct cu_ids ids;
	SK_CHECK_INT(ctr_users_encode(passwd, strlen(passwd), group, strlen(group), "0123456789ab", 500, 3, &sb,
				      &added, &ids),
		     SK_OK);
	SK_CHECK_INT(added, 5);
	SK_CHECK(ids.nuids == 3 && ids.uids[0] == 0 && ids.uids[1] == 7 && ids.uids[2] == 1000);
	SK_CHECK(ids.ngids == 2 && ids.gids[0] == 0 && ids.gids[1] == 1001);
	sk_event evs[8];
	struct meta m[8];
	SK_CHECK_INT(walk(&sb, evs, m, 8), 5);
	SK_CHECK(m[1].type == 354 && m[1].id0 == 1000 && m[1].id1 == 1001 && m[1].nstr == 4);
	SK_CHECK_STR(m[1].str[0], "app");
	SK_CHECK_STR(m[1].str[1], "/srv/app");
	SK_CHECK_STR(m[1].str[2], "/sbin/nologin");
	SK_CHECK_STR(m[1].str[3], "0123456789ab");
	SK_CHECK(m[1].tid == UINT64_MAX && m[1].ts == 500);
	SK_CHECK_STR(m[2].str[0], "last");
	SK_CHECK(m[4].type == 358 && m[4].id0 == 1001 && m[4].nstr == 2);
	SK_CHECK_STR(m[4].str[0], "app");
	SK_CHECK_STR(m[4].str[1], "0123456789ab");
	ctr_users_ids_free(&ids);
	sk_strbuf_free(&sb);
}

SK_TEST(note_reads_inside_the_container_root)
{
	char dir[] = "/tmp/sk_ctru_XXXXXX", path[512];
	SK_CHECK(mkdtemp(dir) != NULL);
	/* <dir>/proc/42/root is the container's root; <dir>/secret is outside */
	const char *const subdirs[] = {"proc",		   "proc/1",		"proc/1/ns",	     "proc/42",
				 "proc/42/ns",	   "proc/42/root",	"proc/42/root/etc", "proc/43",
				 "proc/43/ns",	   "proc/43/root",	"proc/43/root/etc", "proc/45",
				 "proc/45/ns",	   "proc/45/root",	"proc/45/root/etc", "proc/46",
				 "proc/46/ns",	   "proc/46/root",	"proc/46/root/etc"};
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]);
		SK_CHECK(mkdir(path, 0755) == 0);
	}
	snprintf(path, sizeof(path), "%s/proc/42/root/etc/passwd", dir);
	SK_CHECK(sk_live_write_file(path, "root:x:0:0:root:/root:/bin/sh\nweb:x:33:33::/var/www:/bin/false\n"));
	snprintf(path, sizeof(path), "%s/proc/42/root/etc/group", dir);
	SK_CHECK(mkfifo(path, 0600) == 0); /* must not block the reader, nor even be opened */
	/* opens in the container's etc, seen by inotify (O_PATH handles are not) */
	int watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	snprintf(path, sizeof(path), "%s/proc/42/root/etc", dir);
	SK_CHECK(watch >= 0 && inotify_add_watch(watch, path, IN_OPEN) >= 0);
	snprintf(path, sizeof(path), "%s/proc/42/cgroup", dir);
	SK_CHECK(sk_live_write_file(path, "12:cpuset:/docker/" CTR "\n0::/system.slice/docker-" CTR ".scope\n"));
	snprintf(path, sizeof(path), "%s/proc/43/cgroup", dir);
	SK_CHECK(sk_live_write_file(
	    path, "0::/../../kubepods/pod1/fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\n"));
	/* pid 45: a host process (a container's runtime shim) with users of its own */
	snprintf(path, sizeof(path), "%s/proc/45/cgroup", dir);
	SK_CHECK(sk_live_write_file(path, "0::/system.slice/containerd.service\n"));
	snprintf(path, sizeof(path), "%s/proc/45/root/etc/passwd", dir);
	SK_CHECK(sk_live_write_file(path, "hostonly:x:33:33::/:/bin/sh\n"));
	/* mount namespaces: the node's is pid 1's; pid 46 is in the container's
	 * cgroup but still in the node's mounts (it joined before its own) */
	static const struct {
		const char *pid, *ns;
	} mnt[] = {{"1", "mnt:[100]"}, {"42", "mnt:[200]"}, {"43", "mnt:[300]"}, {"45", "mnt:[100]"}, {"46", "mnt:[100]"}};
	for (size_t i = 0; i < sizeof(mnt) / sizeof(mnt[0]); i++) {
		snprintf(path, sizeof(path), "%s/proc/%s/ns/mnt", dir, mnt[i].pid);
		SK_CHECK(symlink(mnt[i].ns, path) == 0);
	}
	snprintf(path, sizeof(path), "%s/proc/46/cgroup", dir);
	SK_CHECK(sk_live_write_file(path, "0::/system.slice/docker-" CTR ".scope\n"));
	snprintf(path, sizeof(path), "%s/proc/46/root/etc/passwd", dir);
	SK_CHECK(sk_live_write_file(path, "nodeuser:x:33:33::/:/bin/sh\n"));
	/* pid 43: its passwd is an absolute symlink to the node's secret */
	snprintf(path, sizeof(path), "%s/secret", dir);
	SK_CHECK(sk_live_write_file(path, "node:x:4242:4242::/:/bin/sh\n"));
	char target[600];
	snprintf(target, sizeof(target), "%s/secret", dir);
	snprintf(path, sizeof(path), "%s/proc/43/root/etc/passwd", dir);
	SK_CHECK(symlink(target, path) == 0);

	snprintf(path, sizeof(path), "%s/proc", dir);
	struct ctr_users *cu = NULL;
	SK_CHECK_INT(ctr_users_new(path, 2, &cu), SK_OK);
	static const char cg[] = "cpuset=/docker/" CTR "\0unified=/system.slice/docker-" CTR ".scope";
	static const char host_cg[] = "cpuset=/\0unified=/user.slice";
	sk_strbuf sb = SK_STRBUF_INIT;
	uint32_t added = 9;
	sk_event evs[4];
	struct meta m[4];

	SK_CHECK_INT(ctr_users_note(cu, 42, 0, host_cg, sizeof(host_cg), 33, 10, NOW_NS, 0, &sb, &added), SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);
	/* pid 46 is in the container's cgroup but in the node's mounts: not read */
	SK_CHECK_INT(ctr_users_note(cu, 46, 0, cg, sizeof(cg), 33, 10, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);
	/* pid 44 is gone; its parent 45 is not in the container: nothing. */
	SK_CHECK_INT(ctr_users_note(cu, 44, 45, cg, sizeof(cg), 33, 10, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);
	/* pid 45 claims the container in its exec's cgroups, but /proc says it
	 * is not (a pid reused since): nothing. */
	SK_CHECK_INT(ctr_users_note(cu, 45, 0, cg, sizeof(cg), 33, 10, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);
	/* pid 44 is gone, its parent 42 is in the container: read through 42. */
	SK_CHECK_INT(ctr_users_note(cu, 44, 42, cg, sizeof(cg), 33, 10, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK_INT(added, 2);
	SK_CHECK_INT(walk(&sb, evs, m, 4), 2);
	SK_CHECK_STR(m[1].str[0], "web");
	SK_CHECK_STR(m[1].str[3], "0123456789ab");
	/* passwd was opened to be read, the FIFO never was */
	bool passwd_opened = false, group_opened = false;
	char evbuf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t got = watch >= 0 ? read(watch, evbuf, sizeof(evbuf)) : -1;
	for (ssize_t off = 0; off < got;) {
		const struct inotify_event *ie = (const struct inotify_event *)(evbuf + off);
		passwd_opened |= ie->len > 0 && strcmp(ie->name, "passwd") == 0;
		group_opened |= ie->len > 0 && strcmp(ie->name, "group") == 0;
		off += (ssize_t)(sizeof(*ie) + ie->len);
	}
	SK_CHECK(passwd_opened && !group_opened);
	if (watch >= 0) {
		close(watch);
	}
	/* Sent: a known uid, or an unknown one while the files stay the same,
	 * adds nothing. */
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(ctr_users_note(cu, 42, 1, cg, sizeof(cg), 33, 11, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);
	SK_CHECK_INT(ctr_users_note(cu, 42, 1, cg, sizeof(cg), 77, 12, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);
	/* A useradd/userdel in the container changes the file: the unknown uid
	 * reads it again, and web, gone from it, is deleted. */
	snprintf(path, sizeof(path), "%s/proc/42/root/etc/passwd", dir);
	SK_CHECK(sk_live_write_file(path, "root:x:0:0:root:/root:/bin/sh\nnew:x:77:77::/:/bin/sh\n"));
	/* (77 was just found unnamed: its next check waits a second) */
	SK_CHECK_INT(ctr_users_note(cu, 42, 1, cg, sizeof(cg), 77, 13, NOW_NS + CU_UNNAMED_NS - 1, 1, &sb, &added),
		     SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);
	SK_CHECK_INT(ctr_users_note(cu, 42, 1, cg, sizeof(cg), 77, 13, NOW_NS + CU_UNNAMED_NS, 1, &sb, &added), SK_OK);
	SK_CHECK_INT(added, 3);
	SK_CHECK_INT(walk(&sb, evs, m, 4), 3);
	SK_CHECK(m[1].type == 354 && m[1].id0 == 77);
	SK_CHECK_STR(m[1].str[0], "new");
	SK_CHECK(m[2].type == 356 && m[2].id0 == 33); /* userdeleted */
	SK_CHECK_STR(m[2].str[3], "0123456789ab");
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(ctr_users_note(cu, 42, 1, cg, sizeof(cg), 88, 14, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);
	/* After a reset everything goes again. */
	ctr_users_reset(cu);
	SK_CHECK_INT(ctr_users_note(cu, 42, 1, cg, sizeof(cg), 33, 14, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK_INT(added, 2);

	/* The absolute symlink resolves inside pid 43's root, where there is no
	 * such file: the node's secret user never shows up. */
	static const char cg2[] = "unified=/kubepods/pod1/fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(ctr_users_note(cu, 43, 1, cg2, sizeof(cg2), 0, 15, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);
	/* A process gone already adds nothing either. */
	SK_CHECK_INT(ctr_users_note(cu, 44, 1, cg2, sizeof(cg2), 0, 15, NOW_NS, 1, &sb, &added), SK_OK);
	SK_CHECK(added == 0 && sb.len == 0);

	ctr_users_free(cu);
	sk_strbuf_free(&sb);
	sk_live_remove_dir(dir);
}

SK_TEST(bad_arguments)
{
	struct ctr_users *cu = (struct ctr_users *)1;
	SK_CHECK_INT(ctr_users_new("/proc", 0, &cu), SK_EINVAL);
	SK_CHECK(cu == NULL);
	ctr_users_free(NULL);
}

SK_TEST_MAIN()
