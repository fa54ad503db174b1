/* fields_evt.c: evt.* and syscall.type extractors. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "event_table.h"
#include "fields_internal.h"
#include "params.h"

/* AT_FDCWD as a dirfd parameter carries it. */
#define SK_AT_FDCWD_VALUE (-100)

const char *sk_join_nul(struct sk_eval_ctx *ctx, const char *s, size_t len, char sep, size_t *out_len)
{
	char *buf = sk_arena_alloc(&ctx->arena, len + 1);
	if (buf == NULL) {
		*out_len = 0;
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		buf[i] = s[i] == '\0' ? sep : s[i];
	}
	buf[len] = '\0';
	*out_len = len;
	return buf;
}

/* Arena-backed text builder for one rendered value. */
typedef struct tbuf {
	char *p;
	size_t len, cap;
} tbuf;

static bool tb_init(struct sk_eval_ctx *ctx, tbuf *b, size_t cap)
{
	b->p = sk_arena_alloc(&ctx->arena, cap);
	b->len = 0;
	b->cap = b->p != NULL ? cap : 0;
	return b->p != NULL;
}

static void tb_put(tbuf *b, const char *s, size_t n)
{
	if (n > b->cap - 1 - b->len) {
		n = b->cap - 1 - b->len;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void tb_printf(tbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_printf(tbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0) {
		b->len += (size_t)n < b->cap - b->len ? (size_t)n : b->cap - 1 - b->len;
	}
}

static const char *errno_name(int64_t res)
{
	const char *name = res < 0 && res > -4096 ? strerrorname_np((int)-res) : NULL;
	return name != NULL ? name : "E?";
}

/* "ip:port" of a sockaddr / tuple parameter. */
static void render_addr(tbuf *b, const uint8_t *p, uint32_t len, bool tuple)
{
	char a[64], c[64];
	if (len >= 1 && p[0] == 2 && len >= (tuple ? 13u : 7u)) {
		inet_ntop(AF_INET, p + 1, a, sizeof(a));
		if (!tuple) {
			tb_printf(b, "%s:%u", a, p[5] | p[6] << 8);
			return;
		}
		inet_ntop(AF_INET, p + 7, c, sizeof(c));
		tb_printf(b, "%s:%u->%s:%u", a, p[5] | p[6] << 8, c, p[11] | p[12] << 8);
	} else if (len >= 1 && p[0] == 10 && len >= (tuple ? 37u : 19u)) {
		inet_ntop(AF_INET6, p + 1, a, sizeof(a));
		if (!tuple) {
			tb_printf(b, "%s:%u", a, p[17] | p[18] << 8);
			return;
		}
		inet_ntop(AF_INET6, p + 19, c, sizeof(c));
		tb_printf(b, "%s:%u->%s:%u", a, p[17] | p[18] << 8, c, p[35] | p[36] << 8);
	} else if (len >= 1 && p[0] == 1) {
		if (tuple && len >= 17) {
			uint64_t s, d;
			memcpy(&s, p + 1, 8);
			memcpy(&d, p + 9, 8);
			tb_printf(b, "%" PRIx64 "->%" PRIx64 " %.*s", s, d, (int)strnlen((const char *)p + 17, len - 17),
				  (const char *)p + 17);
		} else {
			tb_printf(b, "%.*s", (int)strnlen((const char *)p + 1, len - 1), (const char *)p + 1);
		}
	}
}

/* Appends "raw(resolved)" for evt.args, or just the resolved text for
 * evt.arg (raw when nothing resolves). */
static void put_resolved(tbuf *b, bool only_resolved, const char *raw, const char *resolved)
{
	if (resolved == NULL) {
		tb_put(b, raw, strlen(raw));
	} else if (only_resolved) {
		tb_put(b, resolved, strlen(resolved));
	} else {
		tb_printf(b, "%s(%s)", raw, resolved);
	}
}

/* evt.args cuts byte buffers longer than ARGS_BUFFER_MAX to their first
 * ARGS_BUFFER_SHOWN bytes and "...". */
#define ARGS_BUFFER_MAX 80u
#define ARGS_BUFFER_SHOWN 77u

sk_err sk_render_param(struct sk_eval_ctx *ctx, uint32_t i, bool only_resolved, const char **text, size_t *len)
{
	const sk_event *ev = ctx->evt;
	const sk_event_info *info = ev->info != NULL ? ev->info : sk_event_info_get(ev->type);
	*text = NULL;
	*len = 0;
	if (i >= ev->nparams || i >= info->nparams || ev->param[i] == NULL) {
		return SK_OK;
	}
	const sk_param_info *pi = &info->params[i];
	const uint8_t *p = ev->param[i];
	uint32_t plen = ev->param_len[i];
	tbuf b;
	if (!tb_init(ctx, &b, plen * 4 + 160)) {
		return SK_OK;
	}
	uint64_t u = sk_param_u64(ev, i, 0);
	int64_t s = sk_param_i64(ev, i, 0);
	char raw[32];
	switch (pi->type) {
	case SK_PT_FD: {
		snprintf(raw, sizeof(raw), "%" PRId64, s);
		const sk_fd *fd = NULL;
		if (s >= 0 && ctx->thread != NULL && ctx->thread->fdt != NULL) {
			fd = sk_imap_get(&ctx->thread->fdt->fds, s);
		}
		char res[4200];
		if (fd != NULL) {
			/* Sockets with a known protocol add its letter: <4t>, <6u>. */
			static const char l4_letter[] = {'\0', 't', 'u', 'i', 'r'};
			bool ip = fd->type == SK_FD_IPV4 || fd->type == SK_FD_IPV6;
			char l4 = ip && fd->endpoints != 0 && fd->l4proto < sizeof(l4_letter) ? l4_letter[fd->l4proto] : '\0';
			snprintf(res, sizeof(res), "<%c%.1s>%s", sk_fd_type_char(fd->type), &l4, fd->name ? fd->name : "");
		}
		put_resolved(&b, only_resolved, raw, s < 0 ? errno_name(s) : (fd != NULL ? res : NULL));
		break;
	}
	case SK_PT_PID: {
		snprintf(raw, sizeof(raw), "%" PRId64, s);
		const sk_thread *t = ctx->state != NULL ? sk_state_thread(ctx->state, s) : NULL;
		put_resolved(&b, only_resolved, raw, t != NULL && t->comm.ptr != NULL ? t->comm.ptr : NULL);
		break;
	}
	case SK_PT_ERRNO:
		snprintf(raw, sizeof(raw), "%" PRId64, s);
		put_resolved(&b, only_resolved, raw, s < 0 ? errno_name(s) : NULL);
		break;
	case SK_PT_UID:
	case SK_PT_GID: {
		snprintf(raw, sizeof(raw), "%" PRIu64, u);
		const char *name = NULL;
		/* Ids name users of the event's own container (Falco resolves them so). */
		const sk_container *c = ctx->thread != NULL ? ctx->thread->container : NULL;
		if (ctx->state != NULL && pi->type == SK_PT_UID) {
			const sk_user *usr = sk_state_user(ctx->state, c, (uint32_t)u);
			name = usr != NULL ? usr->name : NULL;
		} else if (ctx->state != NULL) {
			const sk_group *grp = sk_state_group(ctx->state, c, (uint32_t)u);
			name = grp != NULL ? grp->name : NULL;
		}
		put_resolved(&b, only_resolved, raw, name);
		break;
	}
	case SK_PT_FLAGS8:
	case SK_PT_FLAGS16:
	case SK_PT_FLAGS32:
	case SK_PT_ENUMFLAGS8:
	case SK_PT_ENUMFLAGS16:
	case SK_PT_ENUMFLAGS32:
	case SK_PT_MODE: {
		/* A mode is octal ("04755", "0") resolved to its S_I* bits. Rules
		 * test evt.arg.flags on every open: no allocation, no printf then. */
		sk_strbuf *sb = &ctx->flags_text;
		sk_strbuf_reset(sb);
		bool named = sk_event_render_flags(pi, (uint32_t)u, sb) && !sk_strbuf_failed(sb);
		if (named && only_resolved) {
			tb_put(&b, sk_strbuf_str(sb), sb->len);
			break;
		}
		snprintf(raw, sizeof(raw), pi->type == SK_PT_MODE ? "%#" PRIo64 : "%" PRIu64, u);
		put_resolved(&b, only_resolved, raw, named ? sk_strbuf_str(sb) : NULL);
		break;
	}
	case SK_PT_INT8:
	case SK_PT_INT16:
	case SK_PT_INT32:
	case SK_PT_INT64:
		tb_printf(&b, "%" PRId64, s);
		break;
	case SK_PT_SYSCALLID: {
		snprintf(raw, sizeof(raw), "%" PRIu64, u);
		const char *name = sk_syscall_name((uint16_t)u);
		put_resolved(&b, only_resolved, raw, name != NULL ? name : "<unknown>");
		break;
	}
	case SK_PT_RELTIME: {
		/* A duration: nanoseconds, resolved as seconds ("0.5s"). */
		char human[48];
		snprintf(raw, sizeof(raw), "%" PRIu64, u);
		snprintf(human, sizeof(human), "%gs", (double)u / 1e9);
		put_resolved(&b, only_resolved, raw, human);
		break;
	}
	case SK_PT_UINT8:
	case SK_PT_UINT16:
	case SK_PT_UINT32:
	case SK_PT_UINT64:
	case SK_PT_SIGTYPE:
	case SK_PT_PORT:
	case SK_PT_ABSTIME:
		if (pi->format == SK_PF_HEX) {
			tb_printf(&b, "%" PRIX64, u);
		} else if (pi->format == SK_PF_OCT) {
			tb_printf(&b, "%#" PRIo64, u);
		} else {
			tb_printf(&b, "%" PRIu64, u);
		}
		break;
	case SK_PT_SOCKADDR:
		render_addr(&b, p, plen, false);
		break;
	case SK_PT_SOCKTUPLE:
		render_addr(&b, p, plen, true);
		break;
	case SK_PT_CHARBUF:
	case SK_PT_FSPATH:
	case SK_PT_FSRELPATH:
		tb_put(&b, (const char *)p, strnlen((const char *)p, plen));
		break;
	default: {
		/* Byte buffers: printable ASCII kept, the rest shown as '.'; or
		 * base64 (buffer_format_base64) */
		uint32_t shown = !only_resolved && plen > ARGS_BUFFER_MAX ? ARGS_BUFFER_SHOWN : plen;
		uint32_t as_text = shown;
		if (ctx->buffer_base64 && b.len + SK_BASE64_LEN((size_t)shown) < b.cap) {
			b.len += sk_base64_encode(b.p + b.len, p, shown);
			as_text = 0;
		}
		for (uint32_t k = 0; k < as_text && b.len + 1 < b.cap; k++) {
			char c = (char)p[k];
			b.p[b.len++] = c >= 32 && c < 127 ? c : '.';
		}
		b.p[b.len] = '\0';
		if (shown < plen) {
			tb_put(&b, "...", 3);
		}
		break;
	}
	}
	*text = b.p;
	*len = b.len;
	return SK_OK;
}

static bool event_res(const sk_event *ev, int64_t *res);

static bool is_io_category(uint16_t category)
{
	uint16_t c = category & (uint16_t)~SK_EC_WAIT;
	return c == SK_EC_IO_READ || c == SK_EC_IO_WRITE || c == SK_EC_IO_OTHER;
}

SK_XF(evt_num)
{
	return sk_out_num(out, SK_FT_UINT64, ctx->evt->num);
}

/* evt.time and friends, all local time like sysdig's output. */
SK_XF(evt_time)
{
	const char *name = ref->def->name;
	time_t secs = (time_t)(ctx->evt->ts / 1000000000ull);
	uint64_t ns = ctx->evt->ts % 1000000000ull;
	struct tm tm;
	char *buf = sk_arena_alloc(&ctx->arena, 64);
	if (buf == NULL) {
		return sk_out_none(out);
	}
	int n;
	if (strcmp(name, "evt.time.iso8601") == 0) {
		gmtime_r(&secs, &tm);
		n = (int)strftime(buf, 64, "%Y-%m-%dT%H:%M:%S", &tm);
		n += snprintf(buf + n, (size_t)(64 - n), ".%09" PRIu64 "Z", ns);
	} else {
		localtime_r(&secs, &tm);
		bool date = strncmp(name, "evt.datetime", 12) == 0;
		bool no_ns = name[strlen(name) - 1] == 's' && name[strlen(name) - 2] == '.';
		n = (int)strftime(buf, 64, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
		if (!no_ns) {
			n += snprintf(buf + n, (size_t)(64 - n), ".%09" PRIu64, ns);
		}
	}
	return sk_out_str(out, buf, (size_t)n);
}

SK_XF(evt_time_num)
{
	const char *name = ref->def->name;
	uint64_t ts = ctx->evt->ts;
	bool rel = strncmp(name, "evt.reltime", 11) == 0;
	uint64_t v = rel ? ts - ctx->first_ts : ts;
	size_t n = strlen(name);
	if (name[n - 2] == '.' && name[n - 1] == 's') {
		v /= 1000000000ull;
	} else if (name[n - 3] == '.' && name[n - 2] == 'n') {
		v %= 1000000000ull;
	}
	return sk_out_num(out, rel ? SK_FT_RELTIME : SK_FT_ABSTIME, v);
}

SK_XF(evt_source)
{
	return sk_out_cstr(out, "syscall");
}

SK_XF(evt_hostname)
{
	return sk_out_cstr(out, ctx->hostname);
}

/* static.<name>: falco.yaml's static_fields; a name it does not set has
 * no value. */
SK_XF(static_field)
{
	for (size_t i = 0; ref->arg_key != NULL && i < ctx->nstatic; i++) {
		if (strcmp(ctx->static_names[i], ref->arg_key) == 0) {
			return sk_out_cstr(out, ctx->static_values[i]);
		}
	}
	out->count = 0;
	return SK_OK;
}

SK_XF(evt_is_async)
{
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	return sk_out_bool(out, info->kind == SK_EK_META);
}

/* A duration as Falco's evt.latency.human prints it: "292ns", "1.12us",
 * "10us", "213ms", "1.50s": below 10 units two truncated decimals. */
static sk_err duration_human(sk_eval_ctx *ctx, sk_values *out, uint64_t d)
{
	static const struct {
		uint64_t ns;
		const char *unit;
	} units[] = {{1000000000ull, "s"}, {1000000ull, "ms"}, {1000ull, "us"}};
	char *buf = sk_arena_alloc(&ctx->arena, 32);
	if (buf == NULL) {
		return sk_out_none(out);
	}
	int n = snprintf(buf, 32, "%" PRIu64 "ns", d);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t whole = d / units[i].ns;
		if (whole == 0) {
			continue;
		}
		uint64_t hundredths = (d % units[i].ns) / (units[i].ns / 100);
		n = whole < 10 ? snprintf(buf, 32, "%" PRIu64 ".%02" PRIu64 "%s", whole, hundredths, units[i].unit)
			       : snprintf(buf, 32, "%" PRIu64 "%s", whole, units[i].unit);
		break;
	}
	return sk_out_str(out, buf, (size_t)n);
}

static sk_err latency_out(sk_eval_ctx *ctx, const sk_field_ref *ref, sk_values *out, uint64_t d)
{
	const char *name = ref->def->name;
	size_t n = strlen(name);
	if (strcmp(name + n - 6, ".human") == 0) {
		return duration_human(ctx, out, d);
	}
	if (name[n - 2] == '.' && name[n - 1] == 's') {
		d /= 1000000000ull;
	} else if (name[n - 3] == '.' && name[n - 2] == 'n') {
		d %= 1000000000ull;
	}
	return sk_out_num(out, SK_FT_RELTIME, d);
}

SK_XF(evt_latency)
{
	const sk_thread *t = ctx->thread;
	if (!sk_event_is_exit(ctx->evt->type)) {
		return latency_out(ctx, ref, out, 0);
	}
	/* 0 for an exit without its enter (exit-only captures), as Falco shows. */
	return latency_out(ctx, ref, out, t != NULL ? t->latency_ns : 0);
}

SK_XF(evt_deltatime)
{
	return latency_out(ctx, ref, out, ctx->evt->ts - ctx->prev_ts);
}

SK_XF(evt_dir)
{
	return sk_out_str(out, sk_event_is_exit(ctx->evt->type) ? "<" : ">", 1);
}

/* evt.type, with generic events named after their syscall. */
static const char *event_type_name(const sk_event *ev)
{
	return sk_event_type_name(ev->type, ev->nparams > 0 ? ev->param[0] : NULL, ev->nparams > 0 ? ev->param_len[0] : 0);
}

SK_XF(evt_type)
{
	return sk_out_cstr(out, event_type_name(ctx->evt));
}

SK_XF(evt_type_is)
{
	const char *name = event_type_name(ctx->evt);
	size_t n = strlen(name);
	bool same = ref->arg_key != NULL && ref->arg_key_len == n && memcmp(ref->arg_key, name, n) == 0;
	return sk_out_num(out, SK_FT_UINT64, same ? 1 : 0);
}

SK_XF(syscall_type)
{
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	if (info->kind != SK_EK_SYSCALL) {
		return sk_out_none(out);
	}
	return sk_out_cstr(out, event_type_name(ctx->evt));
}

SK_XF(evt_category)
{
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	uint16_t c = info->category;
	if (c != SK_EC_WAIT) {
		c &= (uint16_t)~SK_EC_WAIT;
	}
	if (!is_io_category(c)) {
		return sk_out_cstr(out, sk_event_category_name(c));
	}
	/* I/O is reported by what the fd is: file, network or IPC. */
	const char *kind = "unknown";
	if (ctx->fd != NULL) {
		switch (ctx->fd->type) {
		case SK_FD_FILE:
		case SK_FD_DIRECTORY:
			kind = "file";
			break;
		case SK_FD_IPV4:
		case SK_FD_IPV6:
			kind = "net";
			break;
		case SK_FD_UNIX:
		case SK_FD_PIPE:
		case SK_FD_EVENT:
		case SK_FD_SIGNALFD:
		case SK_FD_INOTIFY:
			kind = "ipc";
			break;
		default:
			break;
		}
	}
	return sk_out_cstr(out, kind);
}

SK_XF(evt_cpu)
{
	return sk_out_i64(out, ctx->evt->cpu);
}

SK_XF(evt_args)
{
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	tbuf b;
	if (!tb_init(ctx, &b, 8192)) {
		return sk_out_none(out);
	}
	if (ctx->evt->type <= 1) {
		return sk_out_str(out, "", 0); /* generic syscall events show no arguments */
	}
	for (uint32_t i = 0; i < ctx->evt->nparams && i < info->nparams; i++) {
		const char *text;
		size_t len;
		sk_err err = sk_render_param(ctx, i, false, &text, &len);
		if (err != SK_OK) {
			return err;
		}
		/* "name=value " per parameter, trailing space included, as Falco prints. */
		tb_printf(&b, "%s=", info->params[i].name);
		tb_put(&b, text != NULL ? text : "", len);
		tb_put(&b, " ", 1);
	}
	return sk_out_str(out, b.p, b.len);
}

/* Resolves the parameter an evt.arg/evt.rawarg reference names. */
static int arg_index(struct sk_eval_ctx *ctx, const sk_field_ref *ref)
{
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	if (ref->arg_key == NULL) {
		return ref->arg_index >= 0 && (uint32_t)ref->arg_index < info->nparams ? ref->arg_index : -1;
	}
	char key[64];
	if (ref->arg_key_len >= sizeof(key)) {
		return -1;
	}
	memcpy(key, ref->arg_key, ref->arg_key_len);
	key[ref->arg_key_len] = '\0';
	return sk_event_param_index(info, key);
}

SK_XF(evt_arg)
{
	int i = arg_index(ctx, ref);
	const char *text;
	size_t len;
	if (i < 0 || sk_render_param(ctx, (uint32_t)i, true, &text, &len) != SK_OK || text == NULL) {
		return sk_out_none(out);
	}
	return sk_out_str(out, text, len);
}

SK_XF(evt_rawarg)
{
	int i = arg_index(ctx, ref);
	if (i < 0 || !sk_param_present(ctx->evt, (uint32_t)i)) {
		return sk_out_none(out);
	}
	/* Only integer-like parameters have a raw number (the field is INT64). */
	uint32_t len = ctx->evt->param_len[i];
	if (len != 1 && len != 2 && len != 4 && len != 8) {
		return sk_out_none(out);
	}
	uint8_t type = sk_event_info_get(ctx->evt->type)->params[i].type;
	bool text = type == SK_PT_CHARBUF || type == SK_PT_FSPATH || type == SK_PT_FSRELPATH ||
		    type == SK_PT_BYTEBUF || type == SK_PT_SOCKADDR || type == SK_PT_SOCKTUPLE;
	return text ? sk_out_none(out) : sk_out_i64(out, sk_param_i64(ctx->evt, (uint32_t)i, 0));
}

SK_XF(evt_buffer)
{
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	if (strcmp(ref->def->name, "evt.buflen") == 0) {
		/* The bytes the I/O call moved: its return value. */
		int64_t res;
		bool known_fd = ctx->fd != NULL && ctx->fd->type != SK_FD_UNKNOWN;
		if (!known_fd || !is_io_category(info->category) || !event_res(ctx->evt, &res) || res < 0) {
			return sk_out_none(out);
		}
		return sk_out_num(out, SK_FT_UINT64, (uint64_t)res);
	}
	for (uint32_t i = 0; i < ctx->evt->nparams && i < info->nparams; i++) {
		if (info->params[i].type != SK_PT_BYTEBUF) {
			continue;
		}
		out->count = 1;
		out->v[0].type = SK_FT_BYTES;
		out->v[0].u.str.ptr = (const char *)ctx->evt->param[i];
		out->v[0].u.str.len = ctx->evt->param_len[i];
		return SK_OK;
	}
	return sk_out_none(out);
}

/* The return value of an exit event: its "res" parameter, else an "fd"
 * parameter 0 (open-style exits return the new fd). */
static bool event_res(const sk_event *ev, int64_t *res)
{
	const sk_event_info *info = sk_event_info_get(ev->type);
	if (!sk_event_is_exit(ev->type) || info->nparams == 0 || ev->nparams == 0) {
		return false;
	}
	int i = sk_event_param_index(info, "res");
	if (i < 0 && strcmp(info->params[0].name, "fd") == 0) {
		i = 0;
	}
	if (i < 0 || !sk_param_present(ev, (uint32_t)i)) {
		return false;
	}
	*res = sk_param_i64(ev, (uint32_t)i, 0);
	return true;
}

SK_XF(evt_res)
{
	int64_t res = 0;
	bool has = event_res(ctx->evt, &res);
	if (strcmp(ref->def->name, "evt.failed") == 0) {
		return sk_out_bool(out, has && res < 0);
	}
	if (!has) {
		return sk_out_none(out);
	}
	const char *name = ref->def->name;
	if (strcmp(name, "evt.rawres") == 0) {
		return sk_out_i64(out, res);
	}
	return sk_out_cstr(out, res < 0 ? errno_name(res) : "SUCCESS");
}

SK_XF(evt_is)
{
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	const char *name = ref->def->name;
	bool rd = (info->flags & SK_EF_READS_FROM_FD) != 0;
	bool wr = (info->flags & SK_EF_WRITES_TO_FD) != 0;
	if (strcmp(name, "evt.io_dir") == 0) {
		return rd ? sk_out_cstr(out, "r") : (wr ? sk_out_cstr(out, "w") : sk_out_none(out));
	}
	if (strcmp(name, "evt.is_io") == 0) {
		return sk_out_bool(out, rd || wr);
	}
	if (strcmp(name, "evt.is_io_read") == 0) {
		return sk_out_bool(out, rd);
	}
	if (strcmp(name, "evt.is_io_write") == 0) {
		return sk_out_bool(out, wr);
	}
	if (strcmp(name, "evt.is_wait") == 0) {
		return sk_out_bool(out, (info->flags & SK_EF_WAITS) != 0);
	}
	/* evt.is_syslog: a write to /dev/log */
	bool syslog = wr && ctx->fd != NULL && ctx->fd->name != NULL && strstr(ctx->fd->name, "/dev/log") != NULL;
	return sk_out_bool(out, syslog);
}

SK_XF(evt_count)
{
	const char *name = ref->def->name;
	int64_t res = 0;
	bool failed = event_res(ctx->evt, &res) && res < 0;
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	uint16_t cat = info->category & 0x1f;
	uint64_t v = 1;
	if (strcmp(name, "evt.count.exit") == 0) {
		v = sk_event_is_exit(ctx->evt->type);
	} else if (strcmp(name, "evt.count.error") == 0) {
		v = failed;
	} else if (strcmp(name, "evt.count.error.file") == 0) {
		v = failed && cat == SK_EC_FILE;
	} else if (strcmp(name, "evt.count.error.net") == 0) {
		v = failed && cat == SK_EC_NET;
	} else if (strcmp(name, "evt.count.error.memory") == 0) {
		v = failed && cat == SK_EC_MEMORY;
	} else if (strcmp(name, "evt.count.error.other") == 0) {
		v = failed && cat != SK_EC_FILE && cat != SK_EC_NET && cat != SK_EC_MEMORY;
	}
	return sk_out_num(out, SK_FT_UINT64, v);
}

/* Appends the components of s (len bytes) to out (n used, cap bytes),
 * dropping "." and resolving ".." without climbing above the root. */
static size_t path_append(char *out, size_t n, size_t cap, const char *s, size_t len)
{
	const char *end = s + len;
	for (const char *c = s; c < end;) {
		const char *slash = memchr(c, '/', (size_t)(end - c));
		size_t clen = (size_t)((slash != NULL ? slash : end) - c);
		const char *comp = c;
		c += clen + 1;
		bool dot = clen == 1 && comp[0] == '.';
		bool dotdot = clen == 2 && comp[0] == '.' && comp[1] == '.';
		if (dotdot) {
			const char *prev = n > 1 ? memrchr(out, '/', n) : NULL;
			n = prev != NULL && prev > out ? (size_t)(prev - out) : 1;
		} else if (clen > 0 && !dot && n < cap) {
			if (n > 1) {
				out[n++] = '/';
			}
			size_t take = clen < cap - n ? clen : cap - n;
			memcpy(out + n, comp, take);
			n += take;
		}
	}
	return n;
}

/* Where a path parameter is resolved from: the directory fd parameter
 * (NULL: the thread's cwd) for each syscall evt.abspath knows. */
typedef struct abspath_args {
	const char *syscall;
	const char *dirfd, *path;         /* evt.abspath, evt.abspath.src */
	const char *dst_dirfd, *dst_path; /* evt.abspath.dst */
} abspath_args;

static const abspath_args abspath_table[] = {
	{"openat", "dirfd", "name", NULL, NULL},
	{"openat2", "dirfd", "name", NULL, NULL},
	{"unlinkat", "dirfd", "name", NULL, NULL},
	{"mkdirat", "dirfd", "path", NULL, NULL},
	{"renameat", "olddirfd", "oldpath", "newdirfd", "newpath"},
	{"renameat2", "olddirfd", "oldpath", "newdirfd", "newpath"},
	{"linkat", "olddir", "oldpath", "newdir", "newpath"},
	{"symlinkat", "linkdirfd", "linkpath", NULL, NULL},
	/* Falco leaves these <NA>; Saker resolves them against the cwd. */
	{"unlink", NULL, "path", NULL, NULL},
	{"rmdir", NULL, "path", NULL, NULL},
	{"mkdir", NULL, "path", NULL, NULL},
	{"rename", NULL, "oldpath", NULL, "newpath"},
	{"link", NULL, "oldpath", NULL, "newpath"},
	{"symlink", NULL, "linkpath", NULL, NULL},
};

/* The directory a relative path of ev is taken from: the cwd for AT_FDCWD
 * (or no dirfd parameter), else the dirfd's name; NULL when unknown. */
static const char *abspath_base(sk_eval_ctx *ctx, const sk_event_info *info, const char *dirfd_name, size_t *len)
{
	const sk_thread *t = ctx->thread;
	int di = dirfd_name != NULL ? sk_event_param_index(info, dirfd_name) : -1;
	int64_t dirfd = di >= 0 ? sk_param_i64(ctx->evt, (uint32_t)di, SK_AT_FDCWD_VALUE) : SK_AT_FDCWD_VALUE;
	if (dirfd == SK_AT_FDCWD_VALUE) {
		*len = t->cwd.len;
		return t->cwd.ptr;
	}
	const sk_fd *fd = t->fdt != NULL ? sk_imap_get(&t->fdt->fds, dirfd) : NULL;
	if (fd == NULL || fd->name == NULL) {
		return NULL;
	}
	*len = fd->name_len;
	return fd->name;
}

SK_XF(evt_abspath)
{
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	bool dst = strcmp(ref->def->name, "evt.abspath.dst") == 0;
	const abspath_args *args = NULL;
	for (size_t i = 0; i < sizeof(abspath_table) / sizeof(abspath_table[0]) && args == NULL; i++) {
		args = strcmp(abspath_table[i].syscall, info->name) == 0 ? &abspath_table[i] : NULL;
	}
	const char *path_name = args == NULL ? NULL : (dst ? args->dst_path : args->path);
	int pi = path_name != NULL ? sk_event_param_index(info, path_name) : -1;
	uint32_t plen = 0;
	const char *path = pi >= 0 ? sk_param_str(ctx->evt, (uint32_t)pi, &plen) : NULL;
	if (path == NULL || ctx->thread == NULL) {
		/* Not a path syscall (or its enter half): what the state resolved. */
		bool fresh = ctx->fd != NULL && ctx->fd->name_changed_at == ctx->evt->num && ctx->fd->name != NULL;
		return fresh && !dst ? sk_out_str(out, ctx->fd->name, ctx->fd->name_len) : sk_out_none(out);
	}
	size_t blen = 0;
	const char *base = "";
	if (plen == 0 || path[0] != '/') {
		base = abspath_base(ctx, info, dst ? args->dst_dirfd : args->dirfd, &blen);
	}
	size_t cap = blen + plen + 16;
	char *buf = sk_arena_alloc(&ctx->arena, cap);
	if (buf == NULL) {
		return sk_out_none(out);
	}
	size_t n = 0;
	if (base == NULL) {
		/* An unknown dirfd: Falco's marker, then the path as given. */
		n = (size_t)snprintf(buf, cap, "<UNKNOWN>/%.*s", (int)plen, path);
		return sk_out_str(out, buf, n < cap ? n : cap - 1);
	}
	buf[n++] = '/';
	n = path_append(buf, n, cap - 1, base, blen);
	n = path_append(buf, n, cap - 1, path, plen);
	buf[n] = '\0';
	return sk_out_str(out, buf, n);
}

/* fs.path.*: the path a filesystem syscall acts on, as libsinsp takes it:
 * the exit parameter each syscall names ("fd": that fd's name), only when
 * the call succeeded (res 0; for open/openat/openat2 an fd other than -1,
 * libsinsp's test). */
typedef struct fspath_args {
	const char *syscall;
	const char *name, *source, *target; /* parameter names */
	bool by_fd;                         /* success: the fd parameter is not -1 */
} fspath_args;

static const fspath_args fspath_table[] = {
	{"mkdir", "path", NULL, NULL, false},          {"mkdirat", "path", NULL, NULL, false},
	{"rmdir", "path", NULL, NULL, false},          {"unlink", "path", NULL, NULL, false},
	{"unlinkat", "name", NULL, NULL, false},       {"open", "name", NULL, NULL, true},
	{"openat", "name", NULL, NULL, true},          {"openat2", "name", NULL, NULL, true},
	{"fchmodat", "filename", NULL, NULL, false},   {"chmod", "filename", NULL, NULL, false},
	{"fchmod", "fd", NULL, NULL, false},           {"chown", "path", NULL, NULL, false},
	{"lchown", "path", NULL, NULL, false},         {"fchown", "fd", NULL, NULL, false},
	{"fchownat", "pathname", NULL, NULL, false},   {"quotactl", "special", NULL, NULL, false},
	{"umount", "name", NULL, NULL, false},         {"umount2", "name", NULL, NULL, false},
	{"rename", NULL, "oldpath", "newpath", false}, {"renameat", NULL, "oldpath", "newpath", false},
	{"renameat2", NULL, "oldpath", "newpath", false}, {"link", NULL, "newpath", "oldpath", false},
	{"linkat", NULL, "newpath", "oldpath", false}, {"symlink", NULL, "linkpath", "target", false},
	{"symlinkat", NULL, "linkpath", "target", false}, {"mount", NULL, "dev", "dir", false},
};

/* Whether the exit event ev of a syscall in fspath_table succeeded. */
static bool fspath_succeeded(const sk_event *ev, const sk_event_info *info, const fspath_args *args)
{
	int i = sk_event_param_index(info, args->by_fd ? "fd" : "res");
	if (i < 0 || !sk_param_present(ev, (uint32_t)i)) {
		return false;
	}
	int64_t v = sk_param_i64(ev, (uint32_t)i, -1);
	return args->by_fd ? v != -1 : v == 0;
}

SK_XF(fs_path)
{
	const sk_event_info *info = sk_event_info_get(ctx->evt->type);
	const char *which = ref->def->name + 8; /* "name", "sourceraw"... after "fs.path." */
	bool raw = strstr(which, "raw") != NULL;
	const fspath_args *args = NULL;
	for (size_t i = 0; i < sizeof(fspath_table) / sizeof(fspath_table[0]) && args == NULL; i++) {
		args = strcmp(fspath_table[i].syscall, info->name) == 0 ? &fspath_table[i] : NULL;
	}
	if (args == NULL || !sk_event_is_exit(ctx->evt->type) || !fspath_succeeded(ctx->evt, info, args)) {
		return sk_out_none(out);
	}
	const char *param = which[0] == 'n' ? args->name : which[0] == 's' ? args->source : args->target;
	const char *path = NULL;
	uint32_t plen = 0;
	if (param != NULL && strcmp(param, "fd") == 0) {
		if (ctx->fd != NULL && ctx->fd->name != NULL) {
			path = ctx->fd->name;
			plen = (uint32_t)ctx->fd->name_len;
		}
	} else if (param != NULL) {
		int pi = sk_event_param_index(info, param);
		path = pi >= 0 ? sk_param_str(ctx->evt, (uint32_t)pi, &plen) : NULL;
	}
	if (path == NULL) {
		return sk_out_none(out);
	}
	if (raw || (plen > 0 && path[0] == '/')) {
		return sk_out_str(out, path, plen);
	}
	/* relative: after the thread's cwd, "." and ".." resolved */
	const sk_thread *t = ctx->thread;
	if (t == NULL || t->cwd.ptr == NULL) {
		return sk_out_none(out);
	}
	size_t cap = t->cwd.len + plen + 16;
	char *buf = sk_arena_alloc(&ctx->arena, cap);
	if (buf == NULL) {
		return sk_out_none(out);
	}
	size_t n = 0;
	buf[n++] = '/';
	n = path_append(buf, n, cap - 1, t->cwd.ptr, t->cwd.len);
	n = path_append(buf, n, cap - 1, path, plen);
	buf[n] = '\0';
	return sk_out_str(out, buf, n);
}

/* Where open-type events keep their flags and mode, by event type: found
 * once, not by name on every event. -1: the event has no such parameter. */
static int8_t open_flags_at[SK_EVENT_TYPE_MAX];
static int8_t open_mode_at[SK_EVENT_TYPE_MAX];
static pthread_once_t open_params_once = PTHREAD_ONCE_INIT;

static void open_params_index(void)
{
	for (uint16_t t = 0; t < SK_EVENT_TYPE_MAX; t++) {
		const sk_event_info *info = sk_event_info_get(t);
		open_flags_at[t] = (int8_t)sk_event_param_index(info, "flags");
		open_mode_at[t] = (int8_t)sk_event_param_index(info, "mode");
	}
}

SK_XF(evt_is_open)
{
	uint16_t type = ctx->evt->type;
	const sk_event_info *info = sk_event_info_get(type);
	if (!sk_event_is_exit(type) || (info->flags & SK_EF_CREATES_FD) == 0 || type >= SK_EVENT_TYPE_MAX ||
	    strncmp(info->name, "open", 4) != 0) {
		return sk_out_bool(out, false);
	}
	pthread_once(&open_params_once, open_params_index);
	int fi = open_flags_at[type];
	if (fi < 0) {
		return sk_out_bool(out, false);
	}
	uint32_t flags = (uint32_t)sk_param_u64(ctx->evt, (uint32_t)fi, 0);
	bool v;
	switch (ref->def->sub) {
	case SK_SUB_OPEN_READ:
		v = (flags & 1u) != 0;
		break;
	case SK_SUB_OPEN_WRITE:
		v = (flags & 2u) != 0;
		break;
	case SK_SUB_OPEN_CREATE:
		v = (flags & (1u << 2)) != 0;
		break;
	default: {
		/* evt.is_open_exec: created with an execute bit in the mode */
		int mi = open_mode_at[type];
		uint64_t mode = mi >= 0 ? sk_param_u64(ctx->evt, (uint32_t)mi, 0) : 0;
		v = (flags & (1u << 2)) != 0 && (mode & 0111u) != 0;
		break;
	}
	}
	return sk_out_bool(out, v);
}
