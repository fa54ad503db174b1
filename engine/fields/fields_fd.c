/* fields_fd.c: fd.*, container.* and k8s.* extractors. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_table.h"
#include "fields_internal.h"
#include "sk_strbuf.h"

static int cstr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* fd.types: the distinct types of the process's fds, sorted (Falco keeps
 * them in a set); fd.types[N]: the type of fd N. */
SK_XF(fd_types)
{
	const sk_thread *t = ctx->thread;
	if (t == NULL || t->fdt == NULL) {
		return sk_out_none(out);
	}
	const sk_imap *fds = &t->fdt->fds;
	if (ref->arg_index >= 0) {
		const sk_fd *fd = sk_imap_get(fds, ref->arg_index);
		return fd != NULL && fd->type != SK_FD_UNKNOWN ? sk_out_cstr(out, sk_fd_type_name(fd->type))
							       : sk_out_none(out);
	}
	const char *names[SK_VALUES_INLINE];
	uint32_t n = 0;
	for (size_t i = 0; i < sk_imap_capacity(fds); i++) {
		const sk_fd *fd = fds->slots[i].value;
		if (fd == NULL || fd->type == SK_FD_UNKNOWN) {
			continue;
		}
		const char *name = sk_fd_type_name(fd->type);
		bool seen = false;
		for (uint32_t k = 0; k < n && !seen; k++) {
			seen = names[k] == name;
		}
		if (!seen && n < SK_VALUES_INLINE) {
			names[n++] = name;
		}
	}
	qsort(names, n, sizeof(names[0]), cstr_cmp);
	for (uint32_t k = 0; k < n; k++) {
		out->v[k].type = SK_FT_STRING;
		out->v[k].u.str.ptr = names[k];
		out->v[k].u.str.len = (uint32_t)strlen(names[k]);
	}
	out->count = n;
	return SK_OK;
}

static bool is_socket(const sk_fd *fd)
{
	return fd->type == SK_FD_IPV4 || fd->type == SK_FD_IPV6;
}

SK_XF(fd_num)
{
	if (ref->def->sub == SK_SUB_FD_NUM) {
		return ctx->fd_num >= 0 ? sk_out_i64(out, ctx->fd_num) : sk_out_none(out);
	}
	const sk_fd *fd = ctx->fd;
	if (fd == NULL) {
		return sk_out_none(out);
	}
	/* Linux dev_t encoding: 12 bits of major above 20 bits of minor. */
	switch (ref->def->sub) {
	case SK_SUB_FD_INO:
		return sk_out_i64(out, (int64_t)fd->ino);
	case SK_SUB_FD_DEV_MAJOR:
		return sk_out_num(out, SK_FT_UINT64, fd->dev >> 20);
	case SK_SUB_FD_DEV_MINOR:
		return sk_out_num(out, SK_FT_UINT64, fd->dev & 0xfffff);
	default:
		return sk_out_num(out, SK_FT_UINT64, fd->dev);
	}
}

/* Splits a path into directory (its first dir_len bytes) and file name. */
static void split_path(const char *name, size_t name_len, size_t *dir_len, const char **file,
                       size_t *file_len)
{
	const char *slash = name_len > 0 ? memrchr(name, '/', name_len) : NULL;
	if (slash == NULL) {
		*dir_len = 0;
		*file = name;
		*file_len = name_len;
		return;
	}
	*dir_len = slash == name ? 1 : (size_t)(slash - name);
	*file = slash + 1;
	*file_len = name_len - (size_t)(slash + 1 - name);
}

/* fd.containername / fd.containerdirectory: "<container id>:<path>". */
static sk_err out_container_path(struct sk_eval_ctx *ctx, const char *path, size_t len, sk_values *out)
{
	const sk_container *c = ctx->thread != NULL ? ctx->thread->container : NULL;
	const char *cid = c != NULL ? c->short_id : "host";
	size_t cap = strlen(cid) + 1 + len + 1;
	char *buf = sk_arena_alloc(&ctx->arena, cap);
	if (buf == NULL) {
		return sk_out_none(out);
	}
	int n = snprintf(buf, cap, "%s:%.*s", cid, (int)len, path);
	return sk_out_str(out, buf, n > 0 ? (size_t)n : 0);
}

static const char *l4_name(uint8_t l4)
{
	static const char *const names[] = {NULL, "tcp", "udp", "icmp", "raw"};
	return l4 < sizeof(names) / sizeof(names[0]) ? names[l4] : NULL;
}

/* fd.* of a failed open, which has no fd: Falco still reports the path it
 * asked for in fd.name/nameraw/directory (and the container forms) and 'f'
 * as fd.typechar; every other fd field stays null. */
static sk_err failed_open_str(struct sk_eval_ctx *ctx, uint16_t sub, sk_values *out)
{
	const char *path = ctx->failed_path;
	size_t len = ctx->failed_path_len;
	size_t file_len;
	const char *file;
	switch (sub) {
	case SK_SUB_FD_TYPECHAR:
		return sk_out_str(out, "f", 1);
	case SK_SUB_FD_NAMERAW:
		return sk_out_str(out, ctx->failed_pathraw, ctx->failed_pathraw_len);
	case SK_SUB_FD_NAME:
		return sk_out_str(out, path, len);
	case SK_SUB_FD_DIRECTORY:
		split_path(path, len, &len, &file, &file_len); /* the path is absolute */
		return sk_out_str(out, path, len);
	case SK_SUB_FD_CONTAINERNAME:
		return out_container_path(ctx, path, len, out);
	case SK_SUB_FD_CONTAINERDIRECTORY:
		split_path(path, len, &len, &file, &file_len);
		return out_container_path(ctx, path, len, out);
	default:
		return sk_out_none(out);
	}
}

/* fd.directory / fd.filename of an fd. */
static sk_err dir_or_file(const sk_fd *fd, bool dir, sk_values *out)
{
	if (fd->type == SK_FD_UNKNOWN && fd->name_len == 0 && dir) {
		return sk_out_str(out, "/", 1); /* an fd of unknown kind sits at the root */
	}
	if (fd->type != SK_FD_FILE && fd->type != SK_FD_DIRECTORY) {
		return sk_out_none(out);
	}
	if (fd->type == SK_FD_DIRECTORY && dir) {
		return sk_out_str(out, fd->name, fd->name_len);
	}
	size_t dir_len, file_len;
	const char *file;
	split_path(fd->name, fd->name_len, &dir_len, &file, &file_len);
	return dir ? sk_out_str(out, fd->name, dir_len) : sk_out_str(out, file, file_len);
}

SK_XF(fd_str)
{
	const sk_fd *fd = ctx->fd;
	if (fd == NULL) {
		return ctx->failed_path != NULL ? failed_open_str(ctx, ref->def->sub, out) : sk_out_none(out);
	}
	switch (ref->def->sub) {
	case SK_SUB_FD_NAME:
		return sk_out_str(out, fd->name, fd->name_len);
	case SK_SUB_FD_TYPE:
		return fd->type != SK_FD_UNKNOWN ? sk_out_cstr(out, sk_fd_type_name(fd->type)) : sk_out_none(out);
	case SK_SUB_FD_TYPECHAR: {
		char *c = sk_arena_alloc(&ctx->arena, 2);
		if (c == NULL) {
			return sk_out_none(out);
		}
		c[0] = sk_fd_type_char(fd->type);
		c[1] = '\0';
		return sk_out_str(out, c, 1);
	}
	case SK_SUB_FD_NAMERAW:
		return fd->nameraw != NULL && fd->nameraw_len > 0 ? sk_out_str(out, fd->nameraw, fd->nameraw_len)
								 : sk_out_str(out, fd->name, fd->name_len);
	case SK_SUB_FD_DIRECTORY:
	case SK_SUB_FD_FILENAME:
		return dir_or_file(fd, ref->def->sub == SK_SUB_FD_DIRECTORY, out);
	case SK_SUB_FD_L4PROTO: {
		const char *n = is_socket(fd) && fd->endpoints != 0 ? l4_name(fd->l4proto) : NULL;
		return n != NULL ? sk_out_cstr(out, n) : sk_out_none(out);
	}
	case SK_SUB_FD_SOCKFAMILY:
		return is_socket(fd) ? sk_out_cstr(out, "ip")
				     : (fd->type == SK_FD_UNIX ? sk_out_cstr(out, "unix") : sk_out_none(out));
	case SK_SUB_FD_UID: {
		char *buf = sk_arena_alloc(&ctx->arena, 64);
		if (buf == NULL) {
			return sk_out_none(out);
		}
		int n = snprintf(buf, 64, "%" PRId64 "%" PRId64, ctx->thread != NULL ? ctx->thread->pid : 0, fd->num);
		return sk_out_str(out, buf, n > 0 ? (size_t)n : 0);
	}
	case SK_SUB_FD_CONTAINERDIRECTORY: {
		size_t len, file_len;
		const char *file;
		split_path(fd->name, fd->name_len, &len, &file, &file_len);
		return out_container_path(ctx, fd->name, len, out);
	}
	case SK_SUB_FD_CONTAINERNAME:
		return out_container_path(ctx, fd->name, fd->name_len, out);
	default:
		return sk_out_none(out);
	}
}

/* The local end of a connection is the client when the client address
 * belongs to this machine (both do for loopback), else the server. */
static bool client_is_local(struct sk_eval_ctx *ctx, const sk_fd *fd)
{
	uint8_t fam = fd->type == SK_FD_IPV6 ? 6 : 4;
	return ctx->state != NULL && sk_state_is_local_addr(ctx->state, fam, fd->cip);
}

/* Server-only fields need the server end; every other one the full tuple. */
static bool endpoint_known(const sk_fd *fd, char which)
{
	if (which == 's') {
		return (fd->endpoints & SK_FDEP_SERVER) != 0;
	}
	return (fd->endpoints & SK_FDEP_CLIENT) != 0;
}

static void set_ip(sk_value *v, const sk_fd *fd, const uint8_t *ip, bool net)
{
	uint8_t fam = fd->type == SK_FD_IPV6 ? 6 : 4;
	if (net) {
		v->type = SK_FT_IPNET;
		memset(&v->u.net, 0, sizeof(v->u.net));
		v->u.net.addr.family = fam;
		memcpy(v->u.net.addr.bytes, ip, 16);
		v->u.net.prefix_len = fam == 6 ? 128 : 32;
	} else {
		v->type = SK_FT_IPADDR;
		memset(&v->u.ip, 0, sizeof(v->u.ip));
		v->u.ip.family = fam;
		memcpy(v->u.ip.bytes, ip, fam == 6 ? 16 : 4);
	}
}

/* fd.ip/cip/sip/lip/rip and the .net variants. */
SK_XF(fd_addr)
{
	const sk_fd *fd = ctx->fd;
	out->count = 0;
	if (fd == NULL || !is_socket(fd)) {
		return SK_OK;
	}
	const char *what = ref->def->name + 3;
	bool net = strstr(what, "net") != NULL;
	char which = what[0];
	if (!endpoint_known(fd, which)) {
		return SK_OK;
	}
	if (which == 'i' || which == 'n') {
		/* Either end: a filter matches when one of them does. */
		set_ip(&out->v[0], fd, fd->cip, net);
		set_ip(&out->v[1], fd, fd->sip, net);
		out->count = 2;
		return SK_OK;
	}
	const uint8_t *ip;
	if (which == 'c') {
		ip = fd->cip;
	} else if (which == 's') {
		ip = fd->sip;
	} else {
		bool client_local = client_is_local(ctx, fd);
		ip = (which == 'l') == client_local ? fd->cip : fd->sip;
	}
	set_ip(&out->v[0], fd, ip, net);
	out->count = 1;
	return SK_OK;
}

/* Appends fd's (number num) fdlist.* entry and a comma: what is 'u'
 * (nums), 'a' (names, <NA> when unknown), 'i' (IPs) or 'p' (ports) of the
 * client or server end; sockets only for 'i' and 'p'. */
static void fdlist_entry(char what, bool client, int64_t num, const sk_fd *fd, sk_strbuf *sb)
{
	if (what == 'u') {
		sk_strbuf_printf(sb, "%" PRId64 ",", num);
	} else if (what == 'a') {
		sk_strbuf_printf(sb, "%s,", fd != NULL && fd->name_len > 0 ? fd->name : "<NA>");
	} else if (fd != NULL && is_socket(fd) && what == 'p') {
		sk_strbuf_printf(sb, "%u,", (unsigned)(client ? fd->cport : fd->sport));
	} else if (fd != NULL && is_socket(fd)) {
		char ip[INET6_ADDRSTRLEN];
		int family = fd->type == SK_FD_IPV4 ? AF_INET : AF_INET6;
		if (inet_ntop(family, client ? fd->cip : fd->sip, ip, sizeof(ip)) != NULL) {
			sk_strbuf_printf(sb, "%s,", ip);
		}
	}
}

/* fdlist.*: the fds of a poll event's "fds" list (u16 count, then per fd
 * an i64 number and i16 flags), comma separated; <NA> when empty. */
SK_XF(fdlist)
{
	const sk_event *ev = ctx->evt;
	const sk_event_info *info = sk_event_info_get(ev->type);
	int pi = sk_event_param_index(info, "fds");
	if (pi < 0 || (uint32_t)pi >= ev->nparams || ev->param_len[pi] < 2) {
		return sk_out_none(out);
	}
	const char *what = ref->def->name + 7; /* after "fdlist." */
	char kind = 'i';
	if (strcmp(what, "nums") == 0 || strcmp(what, "names") == 0) {
		kind = what[1];
	} else if (strstr(what, "ports") != NULL) {
		kind = 'p';
	}
	bool client = what[0] == 'c';
	const uint8_t *p = ev->param[pi];
	uint16_t n;
	memcpy(&n, p, 2);
	sk_strbuf sb = SK_STRBUF_INIT;
	const sk_fdtable *fdt = ctx->thread != NULL ? ctx->thread->fdt : NULL;
	for (uint32_t i = 0; i < n && 2 + (i + 1) * 10u <= ev->param_len[pi]; i++) {
		int64_t num;
		memcpy(&num, p + 2 + i * 10u, 8);
		const sk_fd *fd = fdt != NULL ? sk_imap_get(&fdt->fds, num) : NULL;
		fdlist_entry(kind, client, num, fd, &sb);
	}
	sk_err err = SK_OK;
	if (sk_strbuf_failed(&sb) || sb.len == 0) {
		err = sk_out_none(out);
		goto cleanup;
	}
	char *text = sk_arena_alloc(&ctx->arena, sb.len);
	if (text == NULL) {
		err = sk_out_none(out);
		goto cleanup;
	}
	memcpy(text, sk_strbuf_str(&sb), sb.len - 1); /* without the last comma */
	text[sb.len - 1] = '\0';
	err = sk_out_str(out, text, sb.len - 1);
cleanup:
	sk_strbuf_free(&sb);
	return err;
}

SK_XF(fd_port)
{
	const sk_fd *fd = ctx->fd;
	out->count = 0;
	char which = ref->def->name[3];
	/* Falco's libs report client port 0 for unix sockets and for sockets
	 * only bound so far. */
	bool zero_cport = fd != NULL && which == 'c' &&
			  ((fd->type == SK_FD_UNIX && fd->endpoints != 0) ||
			   (is_socket(fd) && fd->endpoints == SK_FDEP_SERVER));
	if (zero_cport) {
		return sk_out_num(out, SK_FT_UINT64, 0);
	}
	if (fd == NULL || !is_socket(fd)) {
		return SK_OK;
	}
	uint16_t port;
	if (!endpoint_known(fd, which)) {
		return SK_OK;
	}
	if (which == 'p') {
		out->v[0].type = out->v[1].type = SK_FT_UINT64;
		out->v[0].u.u64 = fd->cport;
		out->v[1].u.u64 = fd->sport;
		out->count = 2;
		return SK_OK;
	}
	if (which == 'c') {
		port = fd->cport;
	} else if (which == 's') {
		port = fd->sport;
	} else {
		bool client_local = client_is_local(ctx, fd);
		port = (which == 'l') == client_local ? fd->cport : fd->sport;
	}
	return sk_out_num(out, SK_FT_UINT64, port);
}

SK_XF(fd_flag)
{
	const sk_fd *fd = ctx->fd;
	if (fd == NULL) {
		return sk_out_none(out);
	}
	const char *what = ref->def->name + 3;
	if (strcmp(what, "is_server") == 0) {
		return is_socket(fd) ? sk_out_bool(out, fd->is_server) : sk_out_none(out);
	}
	if (strcmp(what, "connected") == 0) {
		return sk_out_bool(out, fd->connected);
	}
	return sk_out_bool(out, fd->name_changed_at == ctx->evt->num && fd->name_changed_at != 0);
}

static const sk_container *container_of(struct sk_eval_ctx *ctx)
{
	return ctx->thread != NULL ? ctx->thread->container : NULL;
}

SK_XF(container)
{
	if (ctx->thread == NULL) {
		return sk_out_none(out);
	}
	const sk_container *c = container_of(ctx);
	const char *what = ref->def->name + 10; /* after "container." */
	if (c == NULL) {
		/* Host processes: Falco reports "host" for id and name. */
		bool host = strcmp(what, "id") == 0 || strcmp(what, "name") == 0 || strcmp(what, "full_id") == 0;
		return host ? sk_out_cstr(out, "host") : sk_out_none(out);
	}
	static const struct {
		const char *name;
		size_t offset;
	} strs[] = {
		{"name", offsetof(sk_container, name)},
		{"image", offsetof(sk_container, image)},
		{"image.id", offsetof(sk_container, image_id)},
		{"image.repository", offsetof(sk_container, image_repository)},
		{"image.tag", offsetof(sk_container, image_tag)},
		{"image.digest", offsetof(sk_container, image_digest)},
		{"ip", offsetof(sk_container, ip)},
		{"healthcheck", offsetof(sk_container, healthcheck)},
		{"user", offsetof(sk_container, user)},
	};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (strcmp(what, strs[i].name) == 0) {
			const char *s = *(char *const *)((const char *)c + strs[i].offset);
			return s != NULL ? sk_out_cstr(out, s) : sk_out_none(out);
		}
	}
	if (strcmp(what, "id") == 0) {
		return sk_out_cstr(out, c->short_id);
	}
	if (strcmp(what, "full_id") == 0) {
		return sk_out_cstr(out, c->id);
	}
	if (strcmp(what, "type") == 0) {
		return sk_out_cstr(out, c->type);
	}
	if (!c->metadata_found) {
		return sk_out_none(out);
	}
	if (strcmp(what, "privileged") == 0) {
		return sk_out_bool(out, c->privileged);
	}
	if (strcmp(what, "host_pid") == 0) {
		return sk_out_bool(out, c->host_pid);
	}
	if (strcmp(what, "host_network") == 0) {
		return sk_out_bool(out, c->host_network);
	}
	if (strcmp(what, "host_ipc") == 0) {
		return sk_out_bool(out, c->host_ipc);
	}
	if (strcmp(what, "start_ts") == 0) {
		return c->start_ts != 0 ? sk_out_num(out, SK_FT_ABSTIME, c->start_ts) : sk_out_none(out);
	}
	if (strcmp(what, "duration") == 0) {
		return c->start_ts != 0 && ctx->evt->ts >= c->start_ts
			       ? sk_out_num(out, SK_FT_RELTIME, ctx->evt->ts - c->start_ts)
			       : sk_out_none(out);
	}
	if (strcmp(what, "memory_limit") == 0) {
		return sk_out_num(out, SK_FT_UINT64, c->memory_limit);
	}
	if (strcmp(what, "cpu_shares") == 0) {
		return sk_out_num(out, SK_FT_UINT64, c->cpu_shares);
	}
	return sk_out_none(out);
}

static bool key_is(const sk_field_ref *ref, const char *s)
{
	size_t n = strlen(s);
	return ref->arg_key != NULL && ref->arg_key_len == n && memcmp(ref->arg_key, s, n) == 0;
}

/* One mount's attribute by name. */
static sk_err mount_attr(sk_values *out, const sk_mount *m, const char *attr)
{
	if (strcmp(attr, "source") == 0) {
		return sk_out_cstr(out, m->source);
	}
	if (strcmp(attr, "dest") == 0) {
		return sk_out_cstr(out, m->dest);
	}
	if (strcmp(attr, "mode") == 0) {
		return sk_out_cstr(out, m->mode);
	}
	if (strcmp(attr, "rdwr") == 0) {
		return sk_out_cstr(out, m->rw ? "true" : "false");
	}
	return sk_out_cstr(out, m->propagation);
}

SK_XF(container_mount)
{
	const sk_container *c = container_of(ctx);
	out->count = 0;
	if (c == NULL) {
		return SK_OK;
	}
	const char *name = ref->def->name;
	if (strcmp(name, "container.mounts") == 0 || strcmp(name, "container.mount") == 0) {
		/* source:dest:mode:rdwr:propagation, comma separated */
		char *buf = sk_arena_alloc(&ctx->arena, 8192);
		if (buf == NULL) {
			return SK_OK;
		}
		size_t len = 0;
		for (uint32_t i = 0; i < c->nmounts; i++) {
			const sk_mount *m = &c->mounts[i];
			bool pick = strcmp(name, "container.mounts") == 0 ||
				    (ref->arg_index >= 0 ? (uint32_t)ref->arg_index == i : key_is(ref, m->source));
			if (!pick) {
				continue;
			}
			int n = snprintf(buf + len, 8192 - len, "%s%s:%s:%s:%s:%s", len > 0 ? "," : "", m->source,
					 m->dest, m->mode, m->rw ? "true" : "false", m->propagation);
			len += n > 0 && (size_t)n < 8192 - len ? (size_t)n : 0;
		}
		return len > 0 || strcmp(name, "container.mounts") == 0 ? sk_out_str(out, buf, len) : SK_OK;
	}
	const char *attr = name + strlen("container.mount.");
	/* By index, or by the mount's source (by destination for .source). */
	for (uint32_t i = 0; i < c->nmounts; i++) {
		const sk_mount *m = &c->mounts[i];
		bool pick = ref->arg_index >= 0 ? (uint32_t)ref->arg_index == i
						: key_is(ref, strcmp(attr, "source") == 0 ? m->dest : m->source);
		if (pick) {
			return mount_attr(out, m, attr);
		}
	}
	return SK_OK;
}

/* label[key] or every label as key:value, comma separated. */
static sk_err labels_out(struct sk_eval_ctx *ctx, const sk_field_ref *ref, const sk_kv *kv, uint32_t n,
			 bool all, sk_values *out)
{
	if (!all) {
		for (uint32_t i = 0; i < n; i++) {
			if (key_is(ref, kv[i].key)) {
				return sk_out_cstr(out, kv[i].value);
			}
		}
		return sk_out_none(out);
	}
	char *buf = sk_arena_alloc(&ctx->arena, 8192);
	if (buf == NULL) {
		return sk_out_none(out);
	}
	size_t len = 0;
	for (uint32_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, 8192 - len, "%s%s:%s", len > 0 ? ", " : "", kv[i].key, kv[i].value);
		len += w > 0 && (size_t)w < 8192 - len ? (size_t)w : 0;
	}
	return sk_out_str(out, buf, len);
}

SK_XF(container_label)
{
	const sk_container *c = container_of(ctx);
	if (c == NULL) {
		return sk_out_none(out);
	}
	return labels_out(ctx, ref, c->labels, c->nlabels, strcmp(ref->def->name, "container.labels") == 0, out);
}

SK_XF(k8s)
{
	const sk_container *c = container_of(ctx);
	if (c == NULL) {
		return sk_out_none(out);
	}
	const char *name = ref->def->name;
	const char *v = NULL;
	if (strcmp(name, "k8s.ns.name") == 0) {
		v = c->pod_namespace;
	} else if (strcmp(name, "k8s.pod.name") == 0) {
		v = c->pod_name;
	} else if (strcmp(name, "k8s.pod.id") == 0 || strcmp(name, "k8s.pod.uid") == 0) {
		v = c->pod_uid;
	} else if (strcmp(name, "k8s.pod.full_sandbox_id") == 0) {
		v = c->sandbox_id;
	} else if (strcmp(name, "k8s.pod.sandbox_id") == 0 && c->sandbox_id != NULL) {
		char *s = sk_arena_alloc(&ctx->arena, 13);
		if (s == NULL) {
			return sk_out_none(out);
		}
		snprintf(s, 13, "%.12s", c->sandbox_id);
		v = s;
	}
	return v != NULL ? sk_out_cstr(out, v) : sk_out_none(out);
}

SK_XF(k8s_label)
{
	const sk_container *c = container_of(ctx);
	if (c == NULL || c->pod_name == NULL) {
		return sk_out_none(out);
	}
	/* Pod labels: CRI-O copies them into the container; docker k8s too. */
	return labels_out(ctx, ref, c->labels, c->nlabels, strcmp(ref->def->name, "k8s.pod.labels") == 0, out);
}
