/* state_scap.c: scap reader records -> state (see state_scap.h). */
#include "state_scap.h"

#include <string.h>

#include "scap_format.h"

static sk_err on_thread(void *ctx, const sk_scap_thread *th)
{
	sk_thread_info info;
	memset(&info, 0, sizeof(info));
	info.tid = (int64_t)th->tid;
	info.pid = (int64_t)th->pid;
	info.ptid = (int64_t)th->ptid;
	info.sid = th->sid;
	info.vpgid = th->vpgid;
	info.pgid = th->pgid;
	info.vtid = th->vtid;
	info.vpid = th->vpid;
	info.uid = th->uid;
	info.gid = th->gid;
	info.loginuid = th->loginuid == UINT32_MAX ? -1 : (int64_t)th->loginuid;
	info.tty = th->tty;
	info.fdlimit = (int64_t)th->fdlimit;
	info.cap_permitted = th->cap_permitted;
	info.cap_effective = th->cap_effective;
	info.cap_inheritable = th->cap_inheritable;
	info.exe_ino = th->exe_ino;
	info.exe_ino_ctime = th->exe_ino_ctime;
	info.exe_ino_mtime = th->exe_ino_mtime;
	info.exe_flags = (th->exe_writable ? SK_EXE_WRITABLE : 0) | (th->exe_upper_layer ? SK_EXE_UPPER_LAYER : 0) |
			 (th->exe_from_memfd ? SK_EXE_FROM_MEMFD : 0) | (th->exe_lower_layer ? SK_EXE_LOWER_LAYER : 0);
	info.comm = th->comm;
	info.exe = th->exe;
	info.exepath = th->exepath;
	info.cwd = th->cwd;
	info.args = th->args;
	info.args_len = th->args_len > 0 && th->args[th->args_len - 1] == '\0' ? th->args_len - 1 : th->args_len;
	info.env = th->env;
	info.env_len = th->env_len > 0 && th->env[th->env_len - 1] == '\0' ? th->env_len - 1 : th->env_len;
	info.cgroups = th->cgroups;
	info.cgroups_len = th->cgroups_len;
	return sk_state_add_thread(ctx, &info);
}

/* scap l4 protocol numbers: 2 tcp, 3 udp, 4 icmp, 5 raw. */
static uint8_t l4_of(uint8_t scap_l4)
{
	switch (scap_l4) {
	case 2:
		return SK_L4_TCP;
	case 3:
		return SK_L4_UDP;
	case 4:
		return SK_L4_ICMP;
	case 5:
		return SK_L4_RAW;
	default:
		return SK_L4_UNKNOWN;
	}
}

static sk_fd_type fd_type_of(uint8_t t)
{
	static const sk_fd_type map[] = {
		[SK_SCAP_FD_UNKNOWN] = SK_FD_UNKNOWN,       [SK_SCAP_FD_FILE] = SK_FD_FILE,
		[SK_SCAP_FD_DIRECTORY] = SK_FD_DIRECTORY,   [SK_SCAP_FD_IPV4_SOCK] = SK_FD_IPV4,
		[SK_SCAP_FD_IPV6_SOCK] = SK_FD_IPV6,        [SK_SCAP_FD_IPV4_SERVSOCK] = SK_FD_IPV4,
		[SK_SCAP_FD_IPV6_SERVSOCK] = SK_FD_IPV6,    [SK_SCAP_FD_FIFO] = SK_FD_PIPE,
		[SK_SCAP_FD_UNIX_SOCK] = SK_FD_UNIX,        [SK_SCAP_FD_EVENT] = SK_FD_EVENT,
		[SK_SCAP_FD_UNSUPPORTED] = SK_FD_UNKNOWN,   [SK_SCAP_FD_SIGNALFD] = SK_FD_SIGNALFD,
		[SK_SCAP_FD_EVENTPOLL] = SK_FD_EVENTPOLL,   [SK_SCAP_FD_INOTIFY] = SK_FD_INOTIFY,
		[SK_SCAP_FD_TIMERFD] = SK_FD_TIMERFD,       [SK_SCAP_FD_NETLINK] = SK_FD_NETLINK,
		[SK_SCAP_FD_FILE_V2] = SK_FD_FILE,          [SK_SCAP_FD_BPF] = SK_FD_BPF,
		[SK_SCAP_FD_USERFAULTFD] = SK_FD_USERFAULTFD, [SK_SCAP_FD_IOURING] = SK_FD_IOURING,
		[SK_SCAP_FD_MEMFD] = SK_FD_MEMFD,           [SK_SCAP_FD_PIDFD] = SK_FD_PIDFD,
	};
	return t < sizeof(map) / sizeof(map[0]) ? map[t] : SK_FD_UNKNOWN;
}

static sk_err on_fd(void *ctx, uint64_t tid, const sk_scap_fd *fd)
{
	sk_fd_info info;
	memset(&info, 0, sizeof(info));
	info.num = fd->fd;
	info.type = fd_type_of(fd->type);
	info.ino = fd->ino;
	info.open_flags = fd->open_flags;
	info.l4proto = l4_of(fd->l4proto);
	info.name = fd->name;
	switch (fd->type) {
	case SK_SCAP_FD_IPV4_SOCK:
	case SK_SCAP_FD_IPV6_SOCK:
		/* Connected: source is the client, destination the server. */
		memcpy(info.cip, fd->sip, 16);
		memcpy(info.sip, fd->dip, 16);
		info.cport = fd->sport;
		info.sport = fd->dport;
		info.name = NULL;
		break;
	case SK_SCAP_FD_IPV4_SERVSOCK:
	case SK_SCAP_FD_IPV6_SERVSOCK:
		memcpy(info.sip, fd->sip, 16);
		info.sport = fd->sport;
		info.name = NULL;
		info.is_server = true;
		break;
	default:
		break;
	}
	sk_err err = sk_state_add_fd(ctx, (int64_t)tid, &info);
	/* An fd of a thread the snapshot did not list is dropped, not fatal. */
	return err == SK_ENOENT || err == SK_EFULL ? SK_OK : err;
}

static sk_err on_user(void *ctx, const sk_scap_user *u)
{
	return sk_state_add_user(ctx, NULL, u->uid, u->gid, u->name, u->home, u->shell);
}

static sk_err on_group(void *ctx, const sk_scap_group *g)
{
	return sk_state_add_group(ctx, NULL, g->gid, g->name);
}

static sk_err on_iface(void *ctx, const sk_scap_iface *ifc)
{
	bool v4 = ifc->type == SK_SCAP_IF_IPV4 || ifc->type == SK_SCAP_IF_IPV4_NOLINKSPEED;
	sk_err err = sk_state_add_local_addr(ctx, v4 ? 4 : 6, ifc->addr);
	return err == SK_EFULL ? SK_OK : err;
}

const sk_scap_callbacks *sk_state_scap_callbacks(void)
{
	static const sk_scap_callbacks cb = {
		.on_iface = on_iface,
		.on_thread = on_thread,
		.on_fd = on_fd,
		.on_user = on_user,
		.on_group = on_group,
	};
	return &cb;
}

/* ---- state -> records ---- */

static uint8_t scap_l4_of(uint8_t l4)
{
	switch (l4) {
	case SK_L4_TCP:
		return 2;
	case SK_L4_UDP:
		return 3;
	case SK_L4_ICMP:
		return 4;
	case SK_L4_RAW:
		return 5;
	default:
		return 0;
	}
}

static uint8_t scap_fd_type_of(const sk_fd *fd)
{
	static const uint8_t map[SK_FD_TYPE_COUNT] = {
		[SK_FD_UNKNOWN] = SK_SCAP_FD_UNKNOWN,	    [SK_FD_FILE] = SK_SCAP_FD_FILE_V2,
		[SK_FD_DIRECTORY] = SK_SCAP_FD_DIRECTORY,   [SK_FD_IPV4] = SK_SCAP_FD_IPV4_SOCK,
		[SK_FD_IPV6] = SK_SCAP_FD_IPV6_SOCK,	    [SK_FD_UNIX] = SK_SCAP_FD_UNIX_SOCK,
		[SK_FD_PIPE] = SK_SCAP_FD_FIFO,		    [SK_FD_EVENT] = SK_SCAP_FD_EVENT,
		[SK_FD_SIGNALFD] = SK_SCAP_FD_SIGNALFD,	    [SK_FD_EVENTPOLL] = SK_SCAP_FD_EVENTPOLL,
		[SK_FD_INOTIFY] = SK_SCAP_FD_INOTIFY,	    [SK_FD_TIMERFD] = SK_SCAP_FD_TIMERFD,
		[SK_FD_NETLINK] = SK_SCAP_FD_NETLINK,	    [SK_FD_BPF] = SK_SCAP_FD_BPF,
		[SK_FD_USERFAULTFD] = SK_SCAP_FD_USERFAULTFD, [SK_FD_IOURING] = SK_SCAP_FD_IOURING,
		[SK_FD_MEMFD] = SK_SCAP_FD_MEMFD,	    [SK_FD_PIDFD] = SK_SCAP_FD_PIDFD,
	};
	uint8_t t = fd->type < SK_FD_TYPE_COUNT ? map[fd->type] : SK_SCAP_FD_UNKNOWN;
	/* a server socket record has no peer: only for one without a client
	 * end (listening); an accepted one is written with its tuple */
	bool listening = fd->is_server && (fd->endpoints & SK_FDEP_CLIENT) == 0;
	if (listening && t == SK_SCAP_FD_IPV4_SOCK) {
		return SK_SCAP_FD_IPV4_SERVSOCK;
	}
	if (listening && t == SK_SCAP_FD_IPV6_SOCK) {
		return SK_SCAP_FD_IPV6_SERVSOCK;
	}
	return t;
}

typedef struct write_ctx {
	const sk_state *st;
	sk_scap_writer *w;
	bool leaders; /* write_thread: main threads, or the others */
} write_ctx;

static sk_err write_addr(void *ctx, uint8_t family, const uint8_t *addr)
{
	sk_scap_iface ifc;
	memset(&ifc, 0, sizeof(ifc));
	ifc.type = family == 6 ? SK_SCAP_IF_IPV6_NOLINKSPEED : SK_SCAP_IF_IPV4_NOLINKSPEED;
	ifc.name = "";
	memcpy(ifc.addr, addr, family == 6 ? 16 : 4);
	return sk_scap_writer_iface(((write_ctx *)ctx)->w, &ifc);
}

static sk_err write_user(void *ctx, const sk_user *u)
{
	sk_scap_user rec = {.uid = u->uid, .gid = u->gid, .name = u->name, .home = u->homedir, .shell = u->shell};
	return sk_scap_writer_user(((write_ctx *)ctx)->w, &rec);
}

static sk_err write_group(void *ctx, const sk_group *g)
{
	sk_scap_group rec = {.gid = g->gid, .name = g->name};
	return sk_scap_writer_group(((write_ctx *)ctx)->w, &rec);
}

/* A NUL-separated list's length cut to what a record holds (u16), at an
 * item's end: an environment can be larger, and scap's readers cut it too. */
static uint32_t list_len(const sk_bstr *list)
{
	uint32_t len = list->len;
	if (len <= UINT16_MAX) {
		return len;
	}
	len = UINT16_MAX;
	while (len > 0 && list->ptr[len - 1] != '\0') {
		len--;
	}
	return len > 0 ? len - 1 : 0; /* without the separator */
}

/* Main threads go first: a reader gives a thread its process's fd table
 * only when the process's main thread is already known. */
static sk_err write_thread(void *ctx, const sk_thread *t)
{
	if ((t->tid == t->pid) != ((write_ctx *)ctx)->leaders) {
		return SK_OK;
	}
	sk_scap_thread th;
	memset(&th, 0, sizeof(th));
	th.tid = (uint64_t)t->tid;
	th.pid = (uint64_t)t->pid;
	th.ptid = (uint64_t)t->ptid;
	th.sid = t->sid;
	th.vpgid = t->vpgid;
	th.pgid = t->pgid;
	th.comm = t->comm.ptr;
	th.exe = t->exe.ptr;
	th.exepath = t->exepath.ptr;
	th.cwd = t->cwd.ptr;
	th.args = t->args.ptr;
	th.args_len = list_len(&t->args);
	th.env = t->env.ptr;
	th.env_len = list_len(&t->env);
	th.cgroups = t->cgroups.ptr;
	th.cgroups_len = list_len(&t->cgroups);
	th.fdlimit = (uint64_t)t->fdlimit;
	th.uid = t->uid;
	th.gid = t->gid;
	th.vmsize_kb = (uint32_t)t->vmsize_kb;
	th.vmrss_kb = (uint32_t)t->vmrss_kb;
	th.vmswap_kb = (uint32_t)t->vmswap_kb;
	th.pfmajor = t->pfmajor;
	th.pfminor = t->pfminor;
	th.vtid = t->vtid;
	th.vpid = t->vpid;
	th.pidns_init_start_ts = t->pidns_init_start_ts;
	th.tty = (uint32_t)t->tty;
	th.loginuid = t->loginuid < 0 ? UINT32_MAX : (uint32_t)t->loginuid;
	th.exe_writable = (t->exe_flags & SK_EXE_WRITABLE) != 0;
	th.exe_upper_layer = (t->exe_flags & SK_EXE_UPPER_LAYER) != 0;
	th.exe_lower_layer = (t->exe_flags & SK_EXE_LOWER_LAYER) != 0;
	th.exe_from_memfd = (t->exe_flags & SK_EXE_FROM_MEMFD) != 0;
	th.cap_inheritable = t->cap_inheritable;
	th.cap_permitted = t->cap_permitted;
	th.cap_effective = t->cap_effective;
	th.exe_ino = t->exe_ino;
	th.exe_ino_ctime = t->exe_ino_ctime;
	th.exe_ino_mtime = t->exe_ino_mtime;
	return sk_scap_writer_thread(((write_ctx *)ctx)->w, &th);
}

static sk_err write_fd(sk_scap_writer *w, uint64_t tid, const sk_fd *f)
{
	sk_scap_fd rec;
	memset(&rec, 0, sizeof(rec));
	rec.fd = f->num;
	rec.ino = f->ino;
	rec.type = scap_fd_type_of(f);
	rec.name = f->name != NULL ? f->name : "";
	rec.open_flags = f->open_flags;
	rec.dev = f->dev;
	rec.l4proto = scap_l4_of(f->l4proto);
	switch (rec.type) {
	case SK_SCAP_FD_IPV4_SOCK:
	case SK_SCAP_FD_IPV6_SOCK:
		/* connected: the source is the client, the destination the server */
		memcpy(rec.sip, f->cip, 16);
		memcpy(rec.dip, f->sip, 16);
		rec.sport = f->cport;
		rec.dport = f->sport;
		break;
	case SK_SCAP_FD_IPV4_SERVSOCK:
	case SK_SCAP_FD_IPV6_SERVSOCK:
		memcpy(rec.sip, f->sip, 16);
		rec.sport = f->sport;
		break;
	default:
		break;
	}
	return sk_scap_writer_fd(w, tid, &rec);
}

/* The process's fd table once, on its main thread; when the state no longer
 * has the main thread, on each of its threads (threads share the table, so
 * the reader's later copies replace the earlier ones). */
static sk_err write_fds(void *ctx, const sk_thread *t)
{
	write_ctx *wc = ctx;
	if (t->fdt == NULL) {
		return SK_OK;
	}
	if (t->tid != t->pid) {
		const sk_thread *main = sk_state_thread((sk_state *)wc->st, t->pid);
		if (main != NULL && !main->exited) {
			return SK_OK; /* written with the main thread */
		}
	}
	const sk_imap *fds = &t->fdt->fds;
	for (size_t i = 0; i < sk_imap_capacity(fds); i++) {
		const sk_fd *f = fds->slots[i].value;
		sk_err err = f != NULL ? write_fd(wc->w, (uint64_t)t->tid, f) : SK_OK;
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

sk_err sk_state_scap_write(const sk_state *st, sk_scap_writer *w)
{
	write_ctx wc = {st, w, true};
	sk_err err = sk_state_each_local_addr(st, write_addr, &wc);
	if (err == SK_OK) {
		err = sk_state_each_host_user(st, write_user, &wc);
	}
	if (err == SK_OK) {
		err = sk_state_each_host_group(st, write_group, &wc);
	}
	if (err == SK_OK) {
		err = sk_state_each_thread(st, write_thread, &wc);
	}
	if (err == SK_OK) {
		wc.leaders = false;
		err = sk_state_each_thread(st, write_thread, &wc);
	}
	if (err == SK_OK) {
		err = sk_state_each_thread(st, write_fds, &wc);
	}
	return err;
}
