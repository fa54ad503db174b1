/* fields_proc.c: proc.*, thread.*, user.* and group.* extractors. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fields_internal.h"

#define MAX_ANCESTORS 64

/* The thread carrying process-level data (cwd, fds): the group leader. */
static sk_thread *main_thread(struct sk_eval_ctx *ctx)
{
	return sk_state_main_thread(ctx->state, ctx->thread);
}

/* A name the state never learned (thread seen only mid-life) is <NA>;
 * other strings are then empty, as Falco's libs show them. */
static sk_err bstr_out(sk_values *out, const sk_bstr *b, bool na_when_unset)
{
	if (b->ptr == NULL || (na_when_unset && b->len == 0)) {
		return na_when_unset ? sk_out_none(out) : sk_out_str(out, "", 0);
	}
	return sk_out_str(out, b->ptr, b->len);
}

/* "name arg1 arg2" (or exe-first for exeline) in the arena. */
static sk_err cmdline_of(struct sk_eval_ctx *ctx, const sk_thread *t, bool use_exe, sk_values *out)
{
	const sk_bstr *head = use_exe ? &t->exe : &t->comm;
	if (head->ptr == NULL) {
		return sk_out_none(out);
	}
	size_t n = head->len + 1 + t->args.len;
	char *buf = sk_arena_alloc(&ctx->arena, n + 1);
	if (buf == NULL) {
		return sk_out_none(out);
	}
	size_t len = head->len;
	memcpy(buf, head->ptr != NULL ? head->ptr : "", head->len);
	if (t->args.len > 0) {
		buf[len++] = ' ';
		for (size_t i = 0; i < t->args.len; i++) {
			buf[len++] = t->args.ptr[i] == '\0' ? ' ' : t->args.ptr[i];
		}
	}
	buf[len] = '\0';
	return sk_out_str(out, buf, len);
}

static sk_err args_of(struct sk_eval_ctx *ctx, const sk_thread *t, sk_values *out)
{
	if (t->args.ptr == NULL) {
		return sk_out_str(out, "", 0);
	}
	size_t len;
	const char *s = sk_join_nul(ctx, t->args.ptr != NULL ? t->args.ptr : "", t->args.len, ' ', &len);
	return s != NULL ? sk_out_str(out, s, len) : sk_out_none(out);
}

/* cwd as Falco prints it: with a trailing slash. */
static sk_err cwd_of(struct sk_eval_ctx *ctx, const sk_thread *t, sk_values *out)
{
	if (t->cwd.ptr == NULL) {
		return sk_out_str(out, "", 0);
	}
	if (t->cwd.len > 0 && t->cwd.ptr[t->cwd.len - 1] == '/') {
		return sk_out_str(out, t->cwd.ptr, t->cwd.len);
	}
	char *buf = sk_arena_alloc(&ctx->arena, t->cwd.len + 2);
	if (buf == NULL) {
		return sk_out_none(out);
	}
	memcpy(buf, t->cwd.ptr, t->cwd.len);
	buf[t->cwd.len] = '/';
	buf[t->cwd.len + 1] = '\0';
	return sk_out_str(out, buf, t->cwd.len + 1);
}

/* String fields of one process, by which field asked (SK_SUB_PROC_*). */
static sk_err proc_string(struct sk_eval_ctx *ctx, const sk_thread *t, uint16_t sub, sk_values *out)
{
	switch (sub) {
	case SK_SUB_PROC_NAME:
		return bstr_out(out, &t->comm, true);
	case SK_SUB_PROC_EXE:
		return bstr_out(out, &t->exe, true);
	case SK_SUB_PROC_EXEPATH:
		return bstr_out(out, &t->exepath, false);
	case SK_SUB_PROC_ARGS:
		return args_of(ctx, t, out);
	case SK_SUB_PROC_CMDLINE:
		return cmdline_of(ctx, t, false, out);
	case SK_SUB_PROC_EXELINE:
		return cmdline_of(ctx, t, true, out);
	case SK_SUB_PROC_CWD:
		return cwd_of(ctx, t, out);
	default:
		return sk_out_none(out);
	}
}

SK_XF(proc_str)
{
	if (ctx->thread == NULL) {
		return sk_out_none(out);
	}
	uint16_t sub = ref->def->sub;
	const sk_thread *t = sub == SK_SUB_PROC_CWD ? main_thread(ctx) : ctx->thread;
	return proc_string(ctx, t, sub, out);
}

SK_XF(proc_parent)
{
	if (ctx->thread == NULL) {
		return sk_out_none(out);
	}
	const sk_thread *p = sk_state_ancestor(ctx->state, ctx->thread, 1);
	if (p == NULL) {
		return sk_out_none(out);
	}
	return proc_string(ctx, p, ref->def->sub, out);
}

/* One ancestor's value for proc.a* (name/exe/exepath/cmdline/pid). */
static sk_err ancestor_value(struct sk_eval_ctx *ctx, const sk_thread *a, uint16_t what, sk_value *v)
{
	sk_values one;
	if (what == SK_SUB_PROC_PID) {
		v->type = SK_FT_INT64;
		v->u.i64 = a->pid;
		return SK_OK;
	}
	sk_err err = proc_string(ctx, a, what, &one);
	if (err == SK_OK) {
		*v = one.count > 0 ? one.v[0] : (sk_value){.type = SK_FT_STRING, .u.str = {"", 0}};
	}
	return err;
}

SK_XF(proc_ancestor)
{
	out->count = 0;
	if (ctx->thread == NULL) {
		return SK_OK;
	}
	uint16_t what = ref->def->sub;
	if (ref->arg_index >= 0) {
		/* [0] is the process itself, [1] its parent...; the bound first, so
		 * a large index never walks a parent loop left by pid reuse */
		if (ref->arg_index > MAX_ANCESTORS) {
			return SK_OK;
		}
		const sk_thread *a = ref->arg_index == 0 ? ctx->thread
							 : sk_state_ancestor(ctx->state, ctx->thread, (uint32_t)ref->arg_index);
		if (a == NULL) {
			return SK_OK;
		}
		out->count = 1;
		return ancestor_value(ctx, a, what, &out->v[0]);
	}
	/* No index: every ancestor, for "proc.aname in (...)" style matches. */
	const sk_thread *a = ctx->thread;
	for (uint32_t depth = 0; depth < MAX_ANCESTORS && out->count < SK_VALUES_INLINE; depth++) {
		a = sk_state_ancestor(ctx->state, a, 1);
		if (a == NULL) {
			break;
		}
		sk_err err = ancestor_value(ctx, a, what, &out->v[out->count]);
		if (err != SK_OK) {
			return err;
		}
		out->count++;
	}
	return SK_OK;
}

/* Finds the process leading t's session (or group, by pid). */
static const sk_thread *leader_of(struct sk_eval_ctx *ctx, const sk_thread *t, bool session)
{
	int64_t want = session ? t->sid : t->vpgid;
	if (want <= 0) {
		return NULL;
	}
	const sk_thread *a = t;
	for (uint32_t depth = 0; depth < MAX_ANCESTORS && a != NULL; depth++) {
		int64_t id = session ? a->pid : (a->vpid > 0 ? a->vpid : a->pid);
		if (id == want) {
			return a;
		}
		a = sk_state_ancestor(ctx->state, a, 1);
	}
	return sk_state_thread(ctx->state, want);
}

/* proc.sname, proc.sid.exe*, proc.vpgid.*: the leader's own string field. */
static sk_err leader_string(struct sk_eval_ctx *ctx, const sk_field_ref *ref, bool session, sk_values *out)
{
	if (ctx->thread == NULL) {
		return sk_out_none(out);
	}
	const sk_thread *l = leader_of(ctx, ctx->thread, session);
	if (l == NULL) {
		return sk_out_none(out);
	}
	return proc_string(ctx, l, ref->def->sub, out);
}

SK_XF(proc_session_leader)
{
	return leader_string(ctx, ref, true, out);
}

SK_XF(proc_group_leader)
{
	return leader_string(ctx, ref, false, out);
}

/* t's environment joined by spaces, or one variable's value (none when unset). */
static sk_err env_of(struct sk_eval_ctx *ctx, const sk_thread *t, const char *key, uint32_t key_len,
		     sk_values *out)
{
	const char *env = t->env.ptr != NULL ? t->env.ptr : "";
	if (key == NULL) {
		size_t len;
		const char *s = sk_join_nul(ctx, env, t->env.len, ' ', &len);
		return s != NULL ? sk_out_str(out, s, len) : sk_out_none(out);
	}
	for (size_t i = 0; i < t->env.len;) {
		const char *entry = env + i;
		size_t elen = strnlen(entry, t->env.len - i);
		if (elen > key_len && entry[key_len] == '=' && memcmp(entry, key, key_len) == 0) {
			return sk_out_str(out, entry + key_len + 1, elen - key_len - 1);
		}
		i += elen + 1;
	}
	return sk_out_none(out);
}

/* proc.aenv: [N] the Nth ancestor's environment ([0] the process's own);
 * [NAME] the first ancestor's non-empty value of NAME, up to 20 levels up
 * as libsinsp looks ("" when none has it); no argument: every ancestor's
 * environment, for "proc.aenv contains x" over the lineage. */
SK_XF(proc_aenv)
{
	out->count = 0;
	if (ctx->thread == NULL) {
		return SK_OK;
	}
	if (ref->arg_key != NULL) {
		const sk_thread *a = ctx->thread;
		for (uint32_t depth = 0; depth < 20; depth++) {
			a = sk_state_ancestor(ctx->state, a, 1);
			if (a == NULL) {
				break;
			}
			sk_err err = env_of(ctx, a, ref->arg_key, ref->arg_key_len, out);
			if (err != SK_OK || (out->count > 0 && out->v[0].u.str.len > 0)) {
				return err;
			}
		}
		return sk_out_str(out, "", 0);
	}
	if (ref->arg_index >= 0) {
		if (ref->arg_index > MAX_ANCESTORS) {
			return SK_OK;
		}
		const sk_thread *a = ctx->thread;
		if (ref->arg_index > 0) {
			a = sk_state_ancestor(ctx->state, ctx->thread, (uint32_t)ref->arg_index);
		}
		return a != NULL ? env_of(ctx, a, NULL, 0, out) : SK_OK;
	}
	const sk_thread *a = ctx->thread;
	for (uint32_t depth = 0; depth < MAX_ANCESTORS && out->count < SK_VALUES_INLINE; depth++) {
		a = sk_state_ancestor(ctx->state, a, 1);
		if (a == NULL) {
			break;
		}
		sk_values one;
		sk_err err = env_of(ctx, a, NULL, 0, &one);
		if (err != SK_OK) {
			return err;
		}
		if (one.count > 0) {
			out->v[out->count++] = one.v[0];
		}
	}
	return SK_OK;
}

SK_XF(proc_env)
{
	if (ctx->thread == NULL) {
		return sk_out_none(out);
	}
	return env_of(ctx, ctx->thread, ref->arg_key, ref->arg_key_len, out);
}

static uint64_t since(uint64_t now, uint64_t then)
{
	return then != 0 && now >= then ? now - then : 0;
}

SK_XF(proc_num)
{
	sk_thread *t = ctx->thread;
	if (t == NULL) {
		return sk_out_none(out);
	}
	const char *what = strchr(ref->def->name, '.') + 1;
	const sk_thread *m = main_thread(ctx);
	const sk_thread *p = sk_state_ancestor(ctx->state, t, 1);
	uint64_t now = ctx->evt->ts;
	if (strcmp(what, "pid") == 0) {
		return sk_out_i64(out, t->pid);
	}
	if (strcmp(what, "ppid") == 0) {
		return sk_out_i64(out, p != NULL ? p->pid : t->ptid);
	}
	if (strcmp(what, "vpid") == 0) {
		return t->vpid >= 0 ? sk_out_i64(out, t->vpid) : sk_out_none(out);
	}
	if (strcmp(what, "pvpid") == 0) {
		return p != NULL ? sk_out_i64(out, p->vpid) : sk_out_none(out);
	}
	if (strcmp(what, "sid") == 0) {
		return sk_out_i64(out, t->sid);
	}
	if (strcmp(what, "vpgid") == 0) {
		return sk_out_i64(out, t->vpgid);
	}
	if (strcmp(what, "pgid") == 0) {
		return sk_out_i64(out, t->pgid);
	}
	if (strcmp(what, "tty") == 0) {
		return sk_out_i64(out, t->tty);
	}
	if (strcmp(what, "fdlimit") == 0) {
		return sk_out_i64(out, t->fdlimit);
	}
	if (strcmp(what, "exe_ino") == 0) {
		return sk_out_i64(out, (int64_t)t->exe_ino);
	}
	if (strcmp(what, "exe_ino.ctime") == 0) {
		return sk_out_num(out, SK_FT_ABSTIME, t->exe_ino_ctime);
	}
	if (strcmp(what, "exe_ino.mtime") == 0) {
		return sk_out_num(out, SK_FT_ABSTIME, t->exe_ino_mtime);
	}
	if (strcmp(what, "exe_ino.ctime_duration_proc_start") == 0) {
		return sk_out_num(out, SK_FT_RELTIME, since(m->start_ts, t->exe_ino_ctime));
	}
	if (strcmp(what, "exe_ino.ctime_duration_pidns_start") == 0) {
		return sk_out_num(out, SK_FT_RELTIME, since(t->exe_ino_ctime, t->pidns_init_start_ts));
	}
	if (strcmp(what, "pidns_init_start_ts") == 0) {
		return sk_out_num(out, SK_FT_ABSTIME, t->pidns_init_start_ts);
	}
	if (strcmp(what, "duration") == 0) {
		return m->start_ts != 0 ? sk_out_num(out, SK_FT_RELTIME, since(now, m->start_ts)) : sk_out_none(out);
	}
	if (strcmp(what, "ppid.duration") == 0) {
		return p != NULL && p->start_ts != 0 ? sk_out_num(out, SK_FT_RELTIME, since(now, p->start_ts))
						     : sk_out_none(out);
	}
	if (strcmp(what, "pid.ts") == 0) {
		return sk_out_num(out, SK_FT_ABSTIME, m->start_ts);
	}
	if (strcmp(what, "ppid.ts") == 0) {
		return p != NULL ? sk_out_num(out, SK_FT_ABSTIME, p->start_ts) : sk_out_none(out);
	}
	if (strcmp(what, "fdopencount") == 0) {
		return sk_out_num(out, SK_FT_UINT64, t->fdt != NULL ? t->fdt->fds.count : 0);
	}
	if (strcmp(what, "fdusage") == 0) {
		double used = t->fdt != NULL ? (double)t->fdt->fds.count : 0.0;
		out->count = 1;
		out->v[0].type = SK_FT_DOUBLE;
		out->v[0].u.f64 = t->fdlimit > 0 ? used * 100.0 / (double)t->fdlimit : 0.0;
		return SK_OK;
	}
	if (strcmp(what, "vmsize") == 0) {
		return sk_out_num(out, SK_FT_UINT64, m->vmsize_kb);
	}
	if (strcmp(what, "vmrss") == 0) {
		return sk_out_num(out, SK_FT_UINT64, m->vmrss_kb);
	}
	if (strcmp(what, "vmswap") == 0) {
		return sk_out_num(out, SK_FT_UINT64, m->vmswap_kb);
	}
	if (strcmp(what, "loginshellid") == 0) {
		/* The outermost ancestor whose name ends in "sh". */
		int64_t id = -1;
		const sk_thread *a = t;
		for (uint32_t depth = 0; depth < MAX_ANCESTORS && a != NULL; depth++) {
			if (a->comm.len >= 2 && strcmp(a->comm.ptr + a->comm.len - 2, "sh") == 0) {
				id = a->pid;
			}
			a = sk_state_ancestor(ctx->state, a, 1);
		}
		return id >= 0 ? sk_out_i64(out, id) : sk_out_none(out);
	}
	if (strcmp(what, "cmdnargs") == 0 || strcmp(what, "cmdlenargs") == 0) {
		/* the arguments after argv[0], NUL-separated */
		uint64_t n = t->args.len > 0 ? 1 : 0;
		for (size_t i = 0; i < t->args.len; i++) {
			n += t->args.ptr[i] == '\0';
		}
		return sk_out_num(out, SK_FT_UINT64, what[3] == 'n' ? n : t->args.len - (n > 0 ? n - 1 : 0));
	}
	if (strcmp(what, "nthreads") == 0 || strcmp(what, "nchilds") == 0) {
		return sk_out_none(out); /* not tracked per process */
	}
	return sk_out_none(out);
}

SK_XF(proc_flag)
{
	const sk_thread *t = ctx->thread;
	if (t == NULL) {
		return sk_out_none(out);
	}
	const char *what = ref->def->name + 5;
	if (strcmp(what, "is_exe_writable") == 0) {
		return sk_out_bool(out, (t->exe_flags & SK_EXE_WRITABLE) != 0);
	}
	if (strcmp(what, "is_exe_upper_layer") == 0) {
		return sk_out_bool(out, (t->exe_flags & SK_EXE_UPPER_LAYER) != 0);
	}
	if (strcmp(what, "is_exe_from_memfd") == 0) {
		return sk_out_bool(out, (t->exe_flags & SK_EXE_FROM_MEMFD) != 0);
	}
	if (strcmp(what, "is_sid_leader") == 0) {
		return sk_out_bool(out, t->sid == t->pid);
	}
	if (strcmp(what, "is_vpgid_leader") == 0) {
		return sk_out_bool(out, t->vpgid == (t->vpid > 0 ? t->vpid : t->pid));
	}
	/* A health check runs the container's configured command line. */
	const sk_container *c = t->container;
	if (strcmp(what, "is_container_healthcheck") == 0 && c != NULL && c->healthcheck != NULL) {
		sk_values line;
		sk_err err = cmdline_of(ctx, t, true, &line);
		if (err != SK_OK || line.count == 0) {
			return err;
		}
		size_t n = strlen(c->healthcheck);
		return sk_out_bool(out, line.v[0].u.str.len == n && memcmp(line.v[0].u.str.ptr, c->healthcheck, n) == 0);
	}
	return sk_out_bool(out, false);
}

/* Capability names by bit, as Linux numbers them. */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
	"CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
	"CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

SK_XF(proc_caps)
{
	const sk_thread *t = ctx->thread;
	if (t == NULL) {
		return sk_out_none(out);
	}
	const char *name = ref->def->name;
	uint64_t caps = strstr(name, "permitted") != NULL ? t->cap_permitted
			: strstr(name, "effective") != NULL ? t->cap_effective
							    : t->cap_inheritable;
	char *buf = sk_arena_alloc(&ctx->arena, 1024);
	if (buf == NULL) {
		return sk_out_none(out);
	}
	size_t len = 0;
	for (size_t bit = 0; bit < sizeof(cap_names) / sizeof(cap_names[0]); bit++) {
		if ((caps & (1ull << bit)) == 0) {
			continue;
		}
		int n = snprintf(buf + len, 1024 - len, "%s%s", len > 0 ? " " : "", cap_names[bit]);
		len += n > 0 ? (size_t)n : 0;
	}
	return sk_out_str(out, buf, len);
}

SK_XF(proc_stdio)
{
	sk_thread *m = main_thread(ctx);
	if (m == NULL || m->fdt == NULL) {
		return sk_out_none(out);
	}
	const char *name = ref->def->name;
	int64_t num = strncmp(name, "proc.stdin", 10) == 0 ? 0 : (strncmp(name, "proc.stdout", 11) == 0 ? 1 : 2);
	const sk_fd *fd = sk_imap_get(&m->fdt->fds, num);
	if (fd == NULL) {
		return sk_out_none(out);
	}
	if (strcmp(strrchr(name, '.'), ".type") == 0) {
		return sk_out_cstr(out, sk_fd_type_name(fd->type));
	}
	return sk_out_str(out, fd->name, fd->name_len);
}

SK_XF(thread_exectime)
{
	return sk_out_num(out, SK_FT_RELTIME, ctx->exectime);
}

SK_XF(thread_num)
{
	const sk_thread *t = ctx->thread;
	const char *what = ref->def->name + 7; /* after "thread." */
	if (strcmp(what, "tid") == 0) {
		return sk_out_i64(out, (int64_t)ctx->evt->tid);
	}
	if (t == NULL) {
		return sk_out_none(out);
	}
	if (strcmp(what, "vtid") == 0) {
		return t->vtid >= 0 ? sk_out_i64(out, t->vtid) : sk_out_none(out);
	}
	if (strcmp(what, "ismain") == 0) {
		return sk_out_bool(out, t->tid == t->pid);
	}
	if (strcmp(what, "pfmajor") == 0) {
		return sk_out_num(out, SK_FT_UINT64, t->pfmajor);
	}
	return sk_out_num(out, SK_FT_UINT64, t->pfminor);
}

SK_XF(thread_cgroup)
{
	const sk_thread *t = ctx->thread;
	if (t == NULL || t->cgroups.ptr == NULL) {
		return sk_out_none(out);
	}
	if (ref->arg_key == NULL) {
		size_t len;
		const char *s = sk_join_nul(ctx, t->cgroups.ptr, t->cgroups.len, ' ', &len);
		return s != NULL ? sk_out_str(out, s, len) : sk_out_none(out);
	}
	for (size_t i = 0; i < t->cgroups.len;) {
		const char *entry = t->cgroups.ptr + i;
		size_t elen = strnlen(entry, t->cgroups.len - i);
		if (elen > ref->arg_key_len && entry[ref->arg_key_len] == '=' &&
		    memcmp(entry, ref->arg_key, ref->arg_key_len) == 0) {
			return sk_out_str(out, entry + ref->arg_key_len + 1, elen - ref->arg_key_len - 1);
		}
		i += elen + 1;
	}
	return sk_out_none(out);
}

SK_XF(user)
{
	const sk_thread *t = ctx->thread;
	if (t == NULL) {
		return sk_out_none(out);
	}
	const char *what = ref->def->name + 5; /* after "user." */
	if (strcmp(what, "uid") == 0) {
		return sk_out_num(out, SK_FT_UINT64, t->uid);
	}
	if (strcmp(what, "loginuid") == 0) {
		/* 4294967295 (unset) reads as -1, as rules expect. */
		return sk_out_i64(out, (int32_t)t->loginuid);
	}
	bool login = strcmp(what, "loginname") == 0;
	if (login && (int32_t)t->loginuid < 0) {
		return sk_out_none(out);
	}
	const sk_user *u = sk_state_user(ctx->state, t->container, login ? (uint32_t)t->loginuid : t->uid);
	const char *s = NULL;
	if (u != NULL && (login || strcmp(what, "name") == 0)) {
		s = u->name;
	} else if (u != NULL) {
		s = strcmp(what, "homedir") == 0 ? u->homedir : u->shell;
	}
	return s != NULL ? sk_out_cstr(out, s) : sk_out_none(out);
}

SK_XF(group)
{
	const sk_thread *t = ctx->thread;
	if (t == NULL) {
		return sk_out_none(out);
	}
	if (strcmp(ref->def->name, "group.gid") == 0) {
		return sk_out_num(out, SK_FT_UINT64, t->gid);
	}
	const sk_group *g = sk_state_group(ctx->state, t->container, t->gid);
	return g != NULL ? sk_out_cstr(out, g->name) : sk_out_none(out);
}
