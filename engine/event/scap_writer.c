/* scap_writer.c: scap 1.2 block encoder over a file (zlib, gzip or
 * transparent) or a memory buffer. */
#include "scap_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "event_table.h"
#include "scap_format.h"

typedef struct bytes {
	uint8_t *p;
	size_t len, cap;
	bool failed; /* an allocation failed; later appends are dropped */
} bytes;

struct sk_scap_writer {
	gzFile gz; /* NULL for a buffer writer */
	bytes out; /* buffer writer: blocks not yet taken */
	bytes pending;  /* body of the batched record block */
	bytes record;   /* the record being encoded */
	uint32_t pending_type; /* 0 when nothing is pending */
	uint64_t pending_tid;  /* FDL: the thread of the pending block */
	uint64_t raw_bytes;    /* bytes of blocks emitted, before compression */
	sk_err err;            /* first failure, sticky */
};

static void put(bytes *b, const void *src, size_t n)
{
	if (b->failed || n == 0) {
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap != 0 ? b->cap : 4096;
		uint8_t *np;
		while (cap < b->len + n) {
			cap *= 2;
		}
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void put_le(bytes *b, uint64_t v, size_t n)
{
	uint8_t tmp[8];
	for (size_t i = 0; i < n; i++) {
		tmp[i] = (uint8_t)(v >> (8 * i));
	}
	put(b, tmp, n);
}

#define put_u8(b, v) put_le((b), (v), 1)
#define put_u16(b, v) put_le((b), (v), 2)
#define put_u32(b, v) put_le((b), (v), 4)
#define put_u64(b, v) put_le((b), (uint64_t)(v), 8)

/* A u16-length-prefixed string; n bytes from s (s may be NULL). */
static void put_strn(sk_scap_writer *w, bytes *b, const char *s, size_t n)
{
	if (n > UINT16_MAX) {
		if (w->err == SK_OK) {
			w->err = SK_ERANGE;
		}
		n = 0;
	}
	put_u16(b, n);
	put(b, s, n);
}

static void put_str(sk_scap_writer *w, bytes *b, const char *s)
{
	put_strn(w, b, s, s != NULL ? strlen(s) : 0);
}

/* Records a failure unless one is already known. */
static sk_err fail(sk_scap_writer *w, sk_err err)
{
	if (w->err == SK_OK) {
		w->err = err;
	}
	return err;
}

/* Emits one whole block to the file or the output buffer. */
static sk_err emit_block(sk_scap_writer *w, uint32_t type, const uint8_t *body, size_t len)
{
	static const uint8_t zeros[4] = {0};
	size_t pad = (4 - len % 4) % 4;
	size_t total = SK_SCAP_BLOCK_HEADER + len + pad + SK_SCAP_BLOCK_TRAILER;
	uint8_t head[SK_SCAP_BLOCK_HEADER], tail[SK_SCAP_BLOCK_TRAILER];

	if (total > SK_SCAP_MAX_BLOCK) {
		return fail(w, SK_ERANGE);
	}
	for (int i = 0; i < 4; i++) {
		head[i] = (uint8_t)(type >> (8 * i));
		head[4 + i] = (uint8_t)(total >> (8 * i));
		tail[i] = head[4 + i];
	}
	w->raw_bytes += total;
	if (w->gz == NULL) {
		put(&w->out, head, sizeof(head));
		put(&w->out, body, len);
		put(&w->out, zeros, pad);
		put(&w->out, tail, sizeof(tail));
		return w->out.failed ? fail(w, SK_ENOMEM) : SK_OK;
	}
	if (gzwrite(w->gz, head, sizeof(head)) != (int)sizeof(head) ||
	    (len > 0 && gzwrite(w->gz, body, (unsigned)len) != (int)len) ||
	    (pad > 0 && gzwrite(w->gz, zeros, (unsigned)pad) != (int)pad) ||
	    gzwrite(w->gz, tail, sizeof(tail)) != (int)sizeof(tail)) {
		return fail(w, SK_EIO);
	}
	return SK_OK;
}

static sk_err flush_pending(sk_scap_writer *w)
{
	sk_err err = SK_OK;

	if (w->pending_type != 0) {
		err = w->pending.failed ? fail(w, SK_ENOMEM)
					: emit_block(w, w->pending_type, w->pending.p, w->pending.len);
	}
	w->pending_type = 0;
	w->pending.len = 0;
	w->pending.failed = false;
	return err;
}

/* Starts (or continues) a batched block of type for tid. */
static sk_err begin_record(sk_scap_writer *w, uint32_t type, uint64_t tid)
{
	sk_err err = SK_OK;

	if (w->err != SK_OK) {
		return w->err;
	}
	if (w->pending_type != type || (type == SK_SCAP_FDL_V2 && w->pending_tid != tid)) {
		err = flush_pending(w);
		w->pending_type = type;
		w->pending_tid = tid;
		if (type == SK_SCAP_FDL_V2) {
			put_u64(&w->pending, tid);
		}
	}
	w->record.len = 0;
	w->record.failed = false;
	return err;
}

/* Appends the encoded record with its length prefix (which counts itself
 * except in interface lists, as readers expect). */
static sk_err end_record(sk_scap_writer *w, bool len_counts_itself)
{
	if (w->record.failed) {
		return fail(w, SK_ENOMEM);
	}
	put_u32(&w->pending, w->record.len + (len_counts_itself ? 4 : 0));
	put(&w->pending, w->record.p, w->record.len);
	return w->err;
}

sk_err sk_scap_writer_machine(sk_scap_writer *w, const sk_scap_machine *mi)
{
	bytes body = {0};
	char host[SK_SCAP_HOSTNAME_LEN] = {0};
	sk_err err;

	if (w == NULL || mi == NULL) {
		return SK_EINVAL;
	}
	err = flush_pending(w);
	if (err != SK_OK) {
		return err;
	}
	if (mi->hostname != NULL) {
		strncpy(host, mi->hostname, sizeof(host) - 1);
	}
	put_u32(&body, mi->num_cpus);
	put_u64(&body, mi->memory_bytes);
	put_u64(&body, mi->max_cpu_freq);
	put(&body, host, sizeof(host));
	put_u64(&body, mi->boot_ts);
	while (!body.failed && body.len < SK_SCAP_MI_BODY) {
		put_u8(&body, 0);
	}
	err = body.failed ? fail(w, SK_ENOMEM) : emit_block(w, SK_SCAP_MI, body.p, body.len);
	free(body.p);
	return err;
}

/* A NUL-separated list: written with its own length, as readers expect. */
static void put_list(sk_scap_writer *w, bytes *b, const char *s, uint32_t len)
{
	put_strn(w, b, s, s != NULL ? len : 0);
}

sk_err sk_scap_writer_thread(sk_scap_writer *w, const sk_scap_thread *t)
{
	bytes *b;

	if (w == NULL || t == NULL) {
		return SK_EINVAL;
	}
	if (begin_record(w, SK_SCAP_PL_V9, 0) != SK_OK) {
		return w->err;
	}
	b = &w->record;
	put_u64(b, t->tid);
	put_u64(b, t->pid);
	put_u64(b, t->ptid);
	put_u64(b, t->sid);
	put_u64(b, t->vpgid);
	put_str(w, b, t->comm);
	put_str(w, b, t->exe);
	put_str(w, b, t->exepath);
	put_list(w, b, t->args, t->args_len);
	put_str(w, b, t->cwd);
	put_u64(b, t->fdlimit);
	put_u32(b, t->flags);
	put_u32(b, t->uid);
	put_u32(b, t->gid);
	put_u32(b, t->vmsize_kb);
	put_u32(b, t->vmrss_kb);
	put_u32(b, t->vmswap_kb);
	put_u64(b, t->pfmajor);
	put_u64(b, t->pfminor);
	put_list(w, b, t->env, t->env_len);
	put_u64(b, t->vtid);
	put_u64(b, t->vpid);
	put_list(w, b, t->cgroups, t->cgroups_len);
	put_str(w, b, t->root);
	put_u64(b, t->pidns_init_start_ts);
	put_u32(b, t->tty);
	put_u32(b, t->loginuid);
	put_u8(b, t->exe_writable);
	put_u64(b, t->cap_inheritable);
	put_u64(b, t->cap_permitted);
	put_u64(b, t->cap_effective);
	put_u8(b, t->exe_upper_layer);
	put_u64(b, t->exe_ino);
	put_u64(b, t->exe_ino_ctime);
	put_u64(b, t->exe_ino_mtime);
	put_u8(b, t->exe_from_memfd);
	put_u8(b, t->exe_lower_layer);
	put_u64(b, t->pgid);
	return end_record(w, true);
}

sk_err sk_scap_writer_fd(sk_scap_writer *w, uint64_t tid, const sk_scap_fd *fd)
{
	bytes *b;

	if (w == NULL || fd == NULL) {
		return SK_EINVAL;
	}
	if (begin_record(w, SK_SCAP_FDL_V2, tid) != SK_OK) {
		return w->err;
	}
	b = &w->record;
	put_u64(b, fd->fd);
	put_u64(b, fd->ino);
	put_u8(b, fd->type);
	switch (fd->type) {
	case SK_SCAP_FD_IPV4_SOCK:
		put(b, fd->sip, 4);
		put(b, fd->dip, 4);
		put_u16(b, fd->sport);
		put_u16(b, fd->dport);
		put_u8(b, fd->l4proto);
		break;
	case SK_SCAP_FD_IPV6_SOCK:
		put(b, fd->sip, 16);
		put(b, fd->dip, 16);
		put_u16(b, fd->sport);
		put_u16(b, fd->dport);
		put_u8(b, fd->l4proto);
		break;
	case SK_SCAP_FD_IPV4_SERVSOCK:
		put(b, fd->sip, 4);
		put_u16(b, fd->sport);
		put_u8(b, fd->l4proto);
		break;
	case SK_SCAP_FD_IPV6_SERVSOCK:
		put(b, fd->sip, 16);
		put_u16(b, fd->sport);
		put_u8(b, fd->l4proto);
		break;
	case SK_SCAP_FD_UNIX_SOCK:
		put_u64(b, fd->unix_source);
		put_u64(b, fd->unix_dest);
		put_str(w, b, fd->name);
		break;
	case SK_SCAP_FD_FILE_V2:
		put_u32(b, fd->open_flags);
		put_str(w, b, fd->name);
		put_u32(b, fd->dev);
		break;
	case SK_SCAP_FD_UNKNOWN:
		break;
	default:
		put_str(w, b, fd->name);
		break;
	}
	return end_record(w, true);
}

sk_err sk_scap_writer_user(sk_scap_writer *w, const sk_scap_user *u)
{
	if (w == NULL || u == NULL) {
		return SK_EINVAL;
	}
	if (begin_record(w, SK_SCAP_UL_V2, 0) != SK_OK) {
		return w->err;
	}
	put_u8(&w->record, SK_SCAP_UL_USER);
	put_u32(&w->record, u->uid);
	put_u32(&w->record, u->gid);
	put_str(w, &w->record, u->name);
	put_str(w, &w->record, u->home);
	put_str(w, &w->record, u->shell);
	return end_record(w, true);
}

sk_err sk_scap_writer_group(sk_scap_writer *w, const sk_scap_group *g)
{
	if (w == NULL || g == NULL) {
		return SK_EINVAL;
	}
	if (begin_record(w, SK_SCAP_UL_V2, 0) != SK_OK) {
		return w->err;
	}
	put_u8(&w->record, SK_SCAP_UL_GROUP);
	put_u32(&w->record, g->gid);
	put_str(w, &w->record, g->name);
	return end_record(w, true);
}

sk_err sk_scap_writer_iface(sk_scap_writer *w, const sk_scap_iface *ifc)
{
	size_t alen;
	size_t name_len;

	if (w == NULL || ifc == NULL || ifc->type < SK_SCAP_IF_IPV4 || ifc->type > SK_SCAP_IF_IPV6_NOLINKSPEED) {
		return SK_EINVAL;
	}
	if (begin_record(w, SK_SCAP_IL_V2, 0) != SK_OK) {
		return w->err;
	}
	alen = ifc->type == SK_SCAP_IF_IPV4 || ifc->type == SK_SCAP_IF_IPV4_NOLINKSPEED ? 4 : 16;
	name_len = ifc->name != NULL ? strlen(ifc->name) : 0;
	if (name_len > UINT16_MAX) {
		return fail(w, SK_ERANGE);
	}
	put_u16(&w->record, ifc->type);
	put_u16(&w->record, name_len);
	put(&w->record, ifc->addr, alen);
	put(&w->record, ifc->netmask, alen);
	put(&w->record, ifc->bcast, alen);
	if (ifc->type <= SK_SCAP_IF_IPV6) {
		put_u64(&w->record, ifc->linkspeed);
	}
	put(&w->record, ifc->name, name_len);
	return end_record(w, false);
}

sk_err sk_scap_writer_capture_stats(sk_scap_writer *w, uint32_t ncpus, const uint64_t *per_cpu)
{
	bytes body = {0};
	sk_err err;

	if (w == NULL || (ncpus > 0 && per_cpu == NULL) || ncpus > 65536) {
		return SK_EINVAL;
	}
	err = flush_pending(w);
	if (err != SK_OK) {
		return err;
	}
	put_u32(&body, 1);
	put_u32(&body, ncpus);
	for (size_t i = 0; i < (size_t)ncpus * 3; i++) {
		put_u64(&body, per_cpu[i]);
	}
	err = body.failed ? fail(w, SK_ENOMEM) : emit_block(w, SK_SCAP_SAKER_STATS, body.p, body.len);
	free(body.p);
	return err;
}

sk_err sk_scap_writer_event(sk_scap_writer *w, const sk_event *evt)
{
	const sk_event_info *info;
	size_t width, len;
	uint32_t type;
	bytes *b;
	sk_err err;

	if (w == NULL || evt == NULL || evt->nparams > SK_EVENT_MAX_PARAMS) {
		return SK_EINVAL;
	}
	err = flush_pending(w);
	if (err != SK_OK) {
		return err;
	}
	info = sk_event_info_get(evt->type);
	width = (info->flags & SK_EF_LARGE_PAYLOAD) != 0 ? 4 : 2;
	len = SK_EVENT_HEADER_LEN + width * evt->nparams;
	for (uint32_t i = 0; i < evt->nparams; i++) {
		if (width == 2 && evt->param_len[i] > UINT16_MAX) {
			return fail(w, SK_ERANGE);
		}
		len += evt->param_len[i];
	}
	if (len > SK_SCAP_MAX_BLOCK / 2) {
		return fail(w, SK_ERANGE);
	}
	/* The event is encoded in the record scratch, then emitted. */
	b = &w->record;
	b->len = 0;
	b->failed = false;
	put_u16(b, evt->cpu);
	put_u64(b, evt->ts);
	put_u64(b, evt->tid);
	put_u32(b, len);
	put_u16(b, evt->type);
	put_u32(b, evt->nparams);
	for (uint32_t i = 0; i < evt->nparams; i++) {
		put_le(b, evt->param_len[i], width);
	}
	for (uint32_t i = 0; i < evt->nparams; i++) {
		put(b, evt->param[i], evt->param_len[i]);
	}
	type = width == 4 ? SK_SCAP_EV_V2_LARGE : SK_SCAP_EV_V2;
	return b->failed ? fail(w, SK_ENOMEM) : emit_block(w, type, b->p, b->len);
}

static sk_err writer_new(sk_scap_writer **out)
{
	sk_scap_writer *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		return SK_ENOMEM;
	}
	*out = w;
	return SK_OK;
}

sk_err sk_scap_writer_open_file(const char *path, bool gzip, sk_scap_writer **out)
{
	sk_scap_writer *w = NULL;
	bytes shb = {0};
	sk_err err;

	if (path == NULL || out == NULL) {
		return SK_EINVAL;
	}
	*out = NULL;
	err = writer_new(&w);
	if (err != SK_OK) {
		return err;
	}
	/* Owner-only: a capture holds every process's arguments and
	 * environment. "T" writes without compression through the same
	 * interface. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	w->gz = fd >= 0 ? gzdopen(fd, gzip ? "wb1" : "wbT") : NULL;
	if (w->gz == NULL) {
		int saved = errno;
		if (fd >= 0) {
			close(fd);
		}
		free(w);
		errno = saved;
		return SK_EIO;
	}
	gzbuffer(w->gz, 256 * 1024);
	put_u32(&shb, SK_SCAP_SHB_MAGIC);
	put_u16(&shb, 1);
	put_u16(&shb, 2);
	put_u64(&shb, UINT64_MAX); /* section length unknown */
	err = shb.failed ? SK_ENOMEM : emit_block(w, SK_SCAP_SHB, shb.p, shb.len);
	free(shb.p);
	if (err != SK_OK) {
		sk_scap_writer_close(w);
		return err;
	}
	*out = w;
	return SK_OK;
}

sk_err sk_scap_writer_open_buffer(sk_scap_writer **out)
{
	if (out == NULL) {
		return SK_EINVAL;
	}
	return writer_new(out);
}

sk_err sk_scap_writer_take(sk_scap_writer *w, uint8_t **data, size_t *len)
{
	sk_err err;

	if (w == NULL || w->gz != NULL || data == NULL || len == NULL) {
		return SK_EINVAL;
	}
	err = flush_pending(w);
	if (err != SK_OK) {
		return err;
	}
	*data = w->out.len > 0 ? w->out.p : NULL;
	*len = w->out.len;
	if (w->out.len == 0) {
		return SK_OK;
	}
	w->out.p = NULL;
	w->out.len = w->out.cap = 0;
	return SK_OK;
}

uint64_t sk_scap_writer_raw_bytes(const sk_scap_writer *w)
{
	return w->raw_bytes;
}

uint64_t sk_scap_writer_disk_bytes(sk_scap_writer *w)
{
	if (w->gz == NULL) {
		return w->out.len;
	}
	z_off_t at = gzoffset(w->gz);
	return at > 0 ? (uint64_t)at : 0;
}

sk_err sk_scap_writer_close(sk_scap_writer *w)
{
	sk_err err;

	if (w == NULL) {
		return SK_OK;
	}
	flush_pending(w);
	err = w->err;
	if (w->gz != NULL && gzclose(w->gz) != Z_OK && err == SK_OK) {
		err = SK_EIO;
	}
	free(w->out.p);
	free(w->pending.p);
	free(w->record.p);
	free(w);
	return err;
}
