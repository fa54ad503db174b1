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
