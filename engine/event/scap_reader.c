/* scap_reader.c: one block decoder behind two sources (a .scap file through
 * zlib's gzread, which also reads plain files, and fed memory messages). */
#include "scap_reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "scap_format.h"

#define ERRMSG_LEN 256

struct sk_scap_reader {
	gzFile gz;          /* file source; NULL for a stream */
	const uint8_t *msg; /* stream source: current message */
	size_t msg_len, msg_pos;
	uint8_t *buf; /* file source: the current block */
	size_t buf_cap;
	char *scratch; /* NUL-terminated copies of record strings */
	size_t scratch_cap, scratch_len;
	uint64_t offset; /* of the current block in the file or message */
	uint64_t next_num;
	sk_scap_callbacks cb;
	void *ctx;
	bool done; /* a fatal error or the end of a file was reached */
	sk_scap_stats stats;
	char err[ERRMSG_LEN];
};

/* Keeps the first problem: it is the one that explains the rest. */
static void note(sk_scap_reader *r, const char *what)
{
	if (r->err[0] == '\0') {
		snprintf(r->err, sizeof(r->err), "offset %llu: %s", (unsigned long long)r->offset, what);
	}
}

/* A bounds-checked little-endian cursor over one block body or record. */
typedef struct cursor {
	const uint8_t *p;
	size_t left;
	bool bad; /* a read ran past the end; later reads yield 0 */
} cursor;

static const uint8_t *take(cursor *c, size_t n)
{
	const uint8_t *p = c->p;
	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

static uint64_t get_le(cursor *c, size_t n)
{
	const uint8_t *p = take(c, n);
	uint64_t v = 0;
	if (p == NULL) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

#define get_u8(c) ((uint8_t)get_le((c), 1))
#define get_u16(c) ((uint16_t)get_le((c), 2))
#define get_u32(c) ((uint32_t)get_le((c), 4))
#define get_u64(c) get_le((c), 8)

static void get_bytes(cursor *c, void *dst, size_t n)
{
	const uint8_t *p = take(c, n);
	if (p != NULL) {
		memcpy(dst, p, n);
	}
}

/* Copies n bytes into the scratch area with a NUL; returns the copy. The
 * scratch is sized to the block, and every copy costs at most the bytes it
 * consumed plus its length prefix, so it never overflows. */
static const char *copy_str(sk_scap_reader *r, cursor *c, size_t n, uint32_t *len_out)
{
	const uint8_t *p = take(c, n);
	char *dst;
	if (p == NULL || r->scratch_len + n + 1 > r->scratch_cap) {
		c->bad = true;
		if (len_out != NULL) {
			*len_out = 0;
		}
		return "";
	}
	dst = r->scratch + r->scratch_len;
	memcpy(dst, p, n);
	dst[n] = '\0';
	r->scratch_len += n + 1;
	if (len_out != NULL) {
		*len_out = (uint32_t)n;
	}
	return dst;
}

/* A u16-length-prefixed string. */
static const char *get_str(sk_scap_reader *r, cursor *c)
{
	return copy_str(r, c, get_u16(c), NULL);
}

/* A u16-length-prefixed list of NUL-separated strings; keeps its length. */
static const char *get_list(sk_scap_reader *r, cursor *c, uint32_t *len)
{
	return copy_str(r, c, get_u16(c), len);
}

static sk_err ensure(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *nb;
	if (need <= *cap) {
		return SK_OK;
	}
	nb = realloc(*buf, need);
	if (nb == NULL) {
		return SK_ENOMEM;
	}
	*buf = nb;
	*cap = need;
	return SK_OK;
}

/* ---- records ---------------------------------------------------------- */

/* Lists end at the block's padding: fewer than 4 bytes left means done
 * (every record is longer than that). */

static bool is_pl(uint32_t t)
{
	switch (t) {
	case SK_SCAP_PL_V1:
	case SK_SCAP_PL_V1_INT:
	case SK_SCAP_PL_V2:
	case SK_SCAP_PL_V2_INT:
	case SK_SCAP_PL_V3:
	case SK_SCAP_PL_V3_INT:
	case SK_SCAP_PL_V4:
	case SK_SCAP_PL_V5:
	case SK_SCAP_PL_V6:
	case SK_SCAP_PL_V7:
	case SK_SCAP_PL_V8:
	case SK_SCAP_PL_V9:
		return true;
	default:
		return false;
	}
}

/* Process-list version 1..9 from the block type. */
static int pl_version(uint32_t t)
{
	switch (t) {
	case SK_SCAP_PL_V1:
	case SK_SCAP_PL_V1_INT:
		return 1;
	case SK_SCAP_PL_V2:
	case SK_SCAP_PL_V2_INT:
		return 2;
	case SK_SCAP_PL_V3:
	case SK_SCAP_PL_V3_INT:
		return 3;
	case SK_SCAP_PL_V4:
		return 4;
	case SK_SCAP_PL_V5:
		return 5;
	case SK_SCAP_PL_V6:
		return 6;
	case SK_SCAP_PL_V7:
		return 7;
	case SK_SCAP_PL_V8:
		return 8;
	default:
		return 9;
	}
}

/* The fields V9 appends, each present only while the record has room. */
static void thread_tail(cursor *c, sk_scap_thread *t)
{
	/* Writers before libs 0.10 lack pidns_init_start_ts and tty: their
	 * tail is at most loginuid + exe_writable + 3 capabilities. */
	if (c->left > 4 + 1 + 3 * 8) {
		t->pidns_init_start_ts = get_u64(c);
		if (c->left >= 4) {
			t->tty = get_u32(c);
		}
	}
	if (c->left >= 4) {
		t->loginuid = get_u32(c);
	}
	if (c->left >= 1) {
		t->exe_writable = get_u8(c) != 0;
	}
	if (c->left >= 24) {
		t->cap_inheritable = get_u64(c);
		t->cap_permitted = get_u64(c);
		t->cap_effective = get_u64(c);
	}
	if (c->left >= 1) {
		t->exe_upper_layer = get_u8(c) != 0;
	}
	if (c->left >= 24) {
		t->exe_ino = get_u64(c);
		t->exe_ino_ctime = get_u64(c);
		t->exe_ino_mtime = get_u64(c);
	}
	if (c->left >= 1) {
		t->exe_from_memfd = get_u8(c) != 0;
	}
	if (c->left >= 1) {
		t->exe_lower_layer = get_u8(c) != 0;
	}
	if (c->left >= 8) {
		t->pgid = (int64_t)get_u64(c);
	}
}

static void parse_thread(sk_scap_reader *r, cursor *c, int v, sk_scap_thread *t)
{
	memset(t, 0, sizeof(*t));
	t->sid = t->vpgid = t->pgid = t->vtid = t->vpid = -1;
	t->loginuid = UINT32_MAX;
	t->exepath = t->root = t->env = t->cgroups = "";
	t->tid = get_u64(c);
	t->pid = get_u64(c);
	t->ptid = get_u64(c);
	if (v >= 6) {
		t->sid = (int64_t)get_u64(c);
	}
	if (v >= 8) {
		t->vpgid = (int64_t)get_u64(c);
	}
	t->comm = get_str(r, c);
	t->exe = get_str(r, c);
	if (v >= 7) {
		t->exepath = get_str(r, c);
	}
	t->args = get_list(r, c, &t->args_len);
	t->cwd = get_str(r, c);
	t->fdlimit = get_u64(c);
	t->flags = get_u32(c);
	t->uid = get_u32(c);
	t->gid = get_u32(c);
	if (v >= 2) {
		t->vmsize_kb = get_u32(c);
		t->vmrss_kb = get_u32(c);
		t->vmswap_kb = get_u32(c);
		t->pfmajor = get_u64(c);
		t->pfminor = get_u64(c);
	}
	if (v >= 3) {
		t->env = get_list(r, c, &t->env_len);
	}
	if (v >= 4) {
		t->vtid = (int64_t)get_u64(c);
		t->vpid = (int64_t)get_u64(c);
		t->cgroups = get_list(r, c, &t->cgroups_len);
	}
	if (v >= 5) {
		t->root = get_str(r, c);
	}
	if (v >= 9) {
		thread_tail(c, t);
	}
}

/* Splits a V2-style body into records prefixed by u32 record_len. The
 * length counts its own 4 bytes in process, fd and user lists but not in
 * interface lists (self_len 4 or 0). False when the prefix is unusable. */
static bool next_record(cursor *body, cursor *rec, uint32_t self_len)
{
	uint32_t len = get_u32(body);
	const uint8_t *p;
	if (body->bad || len < self_len) {
		return false;
	}
	p = take(body, len - self_len);
	if (p == NULL) {
		return false;
	}
	rec->p = p;
	rec->left = len - self_len;
	rec->bad = false;
	return true;
}

static sk_err parse_proclist(sk_scap_reader *r, uint32_t type, cursor *body)
{
	int v = pl_version(type);
	sk_scap_thread t;
	sk_err err = SK_OK;

	while (body->left >= 4 && err == SK_OK) {
		cursor rec;
		r->scratch_len = 0;
		if (v >= 9) {
			if (!next_record(body, &rec, 4)) {
				note(r, "process list: record length overruns block");
				r->stats.malformed++;
				return SK_OK;
			}
		} else {
			rec = *body;
		}
		parse_thread(r, &rec, v, &t);
		if (rec.bad) {
			note(r, "process list: record overruns block");
			r->stats.malformed++;
			return SK_OK;
		}
		if (v < 9) {
			*body = rec;
		}
		r->stats.threads++;
		if (r->cb.on_thread != NULL) {
			err = r->cb.on_thread(r->ctx, &t);
		}
	}
	return err;
}

/* bounded: the cursor holds exactly one record (FDL V2), so optional
 * trailing fields can be detected by the room left. */
static void parse_fd(sk_scap_reader *r, cursor *c, bool bounded, sk_scap_fd *fd)
{
	memset(fd, 0, sizeof(*fd));
	fd->name = "";
	fd->fd = (int64_t)get_u64(c);
	fd->ino = get_u64(c);
	fd->type = get_u8(c);
	switch (fd->type) {
	case SK_SCAP_FD_IPV4_SOCK:
		get_bytes(c, fd->sip, 4);
		get_bytes(c, fd->dip, 4);
		fd->sport = get_u16(c);
		fd->dport = get_u16(c);
		fd->l4proto = get_u8(c);
		break;
	case SK_SCAP_FD_IPV6_SOCK:
		get_bytes(c, fd->sip, 16);
		get_bytes(c, fd->dip, 16);
		fd->sport = get_u16(c);
		fd->dport = get_u16(c);
		fd->l4proto = get_u8(c);
		break;
	case SK_SCAP_FD_IPV4_SERVSOCK:
		get_bytes(c, fd->sip, 4);
		fd->sport = get_u16(c);
		fd->l4proto = get_u8(c);
		break;
	case SK_SCAP_FD_IPV6_SERVSOCK:
		get_bytes(c, fd->sip, 16);
		fd->sport = get_u16(c);
		fd->l4proto = get_u8(c);
		break;
	case SK_SCAP_FD_UNIX_SOCK:
		fd->unix_source = get_u64(c);
		fd->unix_dest = get_u64(c);
		fd->name = get_str(r, c);
		break;
	case SK_SCAP_FD_FILE_V2:
		fd->open_flags = get_u32(c);
		fd->name = get_str(r, c);
		if (bounded && c->left >= 4) {
			fd->dev = get_u32(c);
		}
		if (bounded && c->left >= 8) {
			fd->mount_id = get_u64(c);
		}
		break;
	case SK_SCAP_FD_UNKNOWN:
		break;
	default:
		fd->name = get_str(r, c);
		break;
	}
}

static sk_err parse_fdlist(sk_scap_reader *r, uint32_t type, cursor *body)
{
	uint64_t tid = get_u64(body);
	sk_scap_fd fd;
	sk_err err = SK_OK;

	while (body->left >= 4 && !body->bad && err == SK_OK) {
		cursor rec;
		r->scratch_len = 0;
		if (type == SK_SCAP_FDL_V2) {
			if (!next_record(body, &rec, 4)) {
				break;
			}
		} else {
			rec = *body;
		}
		parse_fd(r, &rec, type == SK_SCAP_FDL_V2, &fd);
		if (rec.bad) {
			break;
		}
		if (type != SK_SCAP_FDL_V2) {
			*body = rec;
		}
		r->stats.fds++;
		if (r->cb.on_fd != NULL) {
			err = r->cb.on_fd(r->ctx, tid, &fd);
		}
	}
	if (body->bad || (body->left >= 4 && err == SK_OK)) {
		note(r, "fd list: record overruns block");
		r->stats.malformed++;
	}
	return err;
}

static sk_err parse_userlist(sk_scap_reader *r, uint32_t type, cursor *body)
{
	sk_err err = SK_OK;

	while (body->left >= 4 && err == SK_OK) {
		cursor rec;
		uint8_t kind;
		r->scratch_len = 0;
		if (type == SK_SCAP_UL_V2) {
			if (!next_record(body, &rec, 4)) {
				break;
			}
		} else {
			rec = *body;
		}
		kind = get_u8(&rec);
		if (kind == SK_SCAP_UL_USER) {
			sk_scap_user u;
			u.uid = get_u32(&rec);
			u.gid = get_u32(&rec);
			u.name = get_str(r, &rec);
			u.home = get_str(r, &rec);
			u.shell = get_str(r, &rec);
			if (rec.bad) {
				break;
			}
			r->stats.users++;
			if (r->cb.on_user != NULL) {
				err = r->cb.on_user(r->ctx, &u);
			}
		} else if (kind == SK_SCAP_UL_GROUP) {
			sk_scap_group g;
			g.gid = get_u32(&rec);
			g.name = get_str(r, &rec);
			if (rec.bad) {
				break;
			}
			r->stats.groups++;
			if (r->cb.on_group != NULL) {
				err = r->cb.on_group(r->ctx, &g);
			}
		} else {
			rec.bad = true;
			break;
		}
		if (type != SK_SCAP_UL_V2) {
			*body = rec;
		}
	}
	if (body->left >= 4 && err == SK_OK) {
		note(r, "user list: bad record");
		r->stats.malformed++;
	}
	return err;
}

static sk_err parse_iflist(sk_scap_reader *r, uint32_t type, cursor *body)
{
	sk_err err = SK_OK;

	while (body->left >= 4 && err == SK_OK) {
		cursor rec;
		sk_scap_iface ifc;
		size_t alen;
		uint16_t name_len;
		r->scratch_len = 0;
		if (type == SK_SCAP_IL_V2) {
			if (!next_record(body, &rec, 0)) {
				break;
			}
		} else {
			rec = *body;
		}
		memset(&ifc, 0, sizeof(ifc));
		ifc.type = get_u16(&rec);
		if (ifc.type < SK_SCAP_IF_IPV4 || ifc.type > SK_SCAP_IF_IPV6_NOLINKSPEED) {
			break;
		}
		alen = ifc.type == SK_SCAP_IF_IPV4 || ifc.type == SK_SCAP_IF_IPV4_NOLINKSPEED ? 4 : 16;
		name_len = get_u16(&rec);
		get_bytes(&rec, ifc.addr, alen);
		get_bytes(&rec, ifc.netmask, alen);
		get_bytes(&rec, ifc.bcast, alen);
		if (ifc.type <= SK_SCAP_IF_IPV6) {
			ifc.linkspeed = get_u64(&rec);
		}
		ifc.name = copy_str(r, &rec, name_len, NULL);
		if (rec.bad) {
			break;
		}
		if (type != SK_SCAP_IL_V2) {
			*body = rec;
		}
		r->stats.ifaces++;
		if (r->cb.on_iface != NULL) {
			err = r->cb.on_iface(r->ctx, &ifc);
		}
	}
	if (body->left >= 4 && err == SK_OK) {
		note(r, "interface list: bad record");
		r->stats.malformed++;
	}
	return err;
}

static sk_err parse_machine(sk_scap_reader *r, cursor *body)
{
	sk_scap_machine mi;

	r->scratch_len = 0;
	memset(&mi, 0, sizeof(mi));
	mi.num_cpus = get_u32(body);
	mi.memory_bytes = get_u64(body);
	mi.max_cpu_freq = get_u64(body);
	mi.hostname = copy_str(r, body, SK_SCAP_HOSTNAME_LEN, NULL);
	if (body->bad) {
		note(r, "machine info: block too short");
		r->stats.malformed++;
		return SK_OK;
	}
	if (body->left >= 8) {
		mi.boot_ts = get_u64(body);
	}
	return r->cb.on_machine != NULL ? r->cb.on_machine(r->ctx, &mi) : SK_OK;
}

static sk_err parse_capture_stats(sk_scap_reader *r, cursor *body)
{
	sk_scap_capture_stats st;
	uint32_t version = get_u32(body);

	memset(&st, 0, sizeof(st));
	st.ncpus = get_u32(body);
	if (version != 1 || body->bad || body->left / 24 < st.ncpus) {
		note(r, "capture statistics: bad block");
		r->stats.malformed++;
		return SK_OK;
	}
	for (uint32_t i = 0; i < st.ncpus; i++) {
		st.events += get_u64(body);
		st.drops_full += get_u64(body);
		st.drops_oversize += get_u64(body);
	}
	return r->cb.on_capture_stats != NULL ? r->cb.on_capture_stats(r->ctx, &st) : SK_OK;
}

/* Event blocks: which prefix and which header each type has. */
static bool event_block_layout(uint32_t type, bool *has_flags, unsigned *decode_flags)
{
	switch (type) {
	case SK_SCAP_EV:
	case SK_SCAP_EV_INT:
		*has_flags = false;
		*decode_flags = SK_EVENT_F_LEGACY;
		return true;
	case SK_SCAP_EVF:
		*has_flags = true;
		*decode_flags = SK_EVENT_F_LEGACY;
		return true;
	case SK_SCAP_EV_V2:
		*has_flags = false;
		*decode_flags = 0;
		return true;
	case SK_SCAP_EVF_V2:
		*has_flags = true;
		*decode_flags = 0;
		return true;
	case SK_SCAP_EV_V2_LARGE:
		*has_flags = false;
		*decode_flags = SK_EVENT_F_LARGE;
		return true;
	case SK_SCAP_EVF_V2_LARGE:
		*has_flags = true;
		*decode_flags = SK_EVENT_F_LARGE;
		return true;
	default:
		return false;
	}
}

/* Decodes one block body. Returns SK_OK and sets *got when an event was
 * produced; skippable damage is counted, never returned. */
static sk_err process_block(sk_scap_reader *r, uint32_t type, const uint8_t *body, size_t len,
			    sk_event *evt, bool *got)
{
	cursor c = {body, len, false};
	bool has_flags;
	unsigned decode_flags;

	*got = false;
	r->stats.blocks++;
	if (event_block_layout(type, &has_flags, &decode_flags)) {
		uint16_t cpu = get_u16(&c);
		sk_err err;
		if (has_flags) {
			(void)get_u32(&c);
		}
		err = c.bad ? SK_ETRUNC : sk_event_decode_as(c.p, c.left, decode_flags, evt);
		if (err != SK_OK) {
			note(r, "event block: event does not decode");
			r->stats.malformed++;
			return SK_OK;
		}
		evt->cpu = cpu;
		evt->num = r->next_num++;
		r->stats.events++;
		*got = true;
		return SK_OK;
	}
	if (is_pl(type)) {
		return parse_proclist(r, type, &c);
	}
	switch (type) {
	case SK_SCAP_MI:
	case SK_SCAP_MI_INT:
		return parse_machine(r, &c);
	case SK_SCAP_FDL:
	case SK_SCAP_FDL_INT:
	case SK_SCAP_FDL_V2:
		return parse_fdlist(r, type, &c);
	case SK_SCAP_UL:
	case SK_SCAP_UL_INT:
	case SK_SCAP_UL_V2:
		return parse_userlist(r, type, &c);
	case SK_SCAP_IL:
	case SK_SCAP_IL_INT:
	case SK_SCAP_IL_V2:
		return parse_iflist(r, type, &c);
	case SK_SCAP_SAKER_STATS:
		return parse_capture_stats(r, &c);
	default:
		r->stats.unknown_blocks++;
		return SK_OK;
	}
}

/* ---- sources ------------------------------------------------------------ */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Checks a block's length fields; a block shorter than header + trailer or
 * over the limit leaves nothing to resynchronise on. */
static sk_err check_block_len(sk_scap_reader *r, uint32_t total, size_t avail)
{
	if (total < SK_SCAP_BLOCK_HEADER + SK_SCAP_BLOCK_TRAILER || total > SK_SCAP_MAX_BLOCK) {
		note(r, "block length out of range");
		return SK_EINVAL;
	}
	if (total > avail) {
		note(r, "input ends inside a block");
		return SK_ETRUNC;
	}
	return SK_OK;
}

static sk_err grow_scratch(sk_scap_reader *r, size_t need)
{
	char *ns;
	if (need <= r->scratch_cap) {
		return SK_OK;
	}
	ns = realloc(r->scratch, need);
	if (ns == NULL) {
		return SK_ENOMEM;
	}
	r->scratch = ns;
	r->scratch_cap = need;
	return SK_OK;
}

/* Runs a whole block (header included at blk) through process_block. */
static sk_err run_block(sk_scap_reader *r, const uint8_t *blk, uint32_t total, sk_event *evt, bool *got)
{
	uint32_t type = rd32(blk);
	size_t body_len = total - SK_SCAP_BLOCK_HEADER - SK_SCAP_BLOCK_TRAILER;
	sk_err err;

	if (rd32(blk + total - SK_SCAP_BLOCK_TRAILER) != total) {
		/* Readers differ on the trailer; the leading length already
		 * told where the block ends, so count it and go on. */
		note(r, "block trailer length differs from its header");
		r->stats.malformed++;
	}
	err = grow_scratch(r, body_len + 16);
	if (err != SK_OK) {
		return err;
	}
	if (type == SK_SCAP_SHB) {
		cursor c = {blk + SK_SCAP_BLOCK_HEADER, body_len, false};
		uint32_t magic = get_u32(&c);
		r->stats.major = get_u16(&c);
		r->stats.minor = get_u16(&c);
		r->stats.blocks++;
		*got = false;
		if (c.bad || magic != SK_SCAP_SHB_MAGIC || r->stats.major != 1) {
			note(r, "section header: unsupported byte order or version");
			return SK_EVERSION;
		}
		return SK_OK;
	}
	return process_block(r, type, blk + SK_SCAP_BLOCK_HEADER, body_len, evt, got);
}

/* Reads the next block of a file into r->buf. SK_ENOENT at a clean end. */
static sk_err read_file_block(sk_scap_reader *r, uint32_t *total)
{
	int n = gzread(r->gz, r->buf, SK_SCAP_BLOCK_HEADER);
	sk_err err;

	if (n == 0) {
		return SK_ENOENT;
	}
	if (n < 0) {
		note(r, "read error");
		return SK_EIO;
	}
	if (n < (int)SK_SCAP_BLOCK_HEADER) {
		note(r, "file ends inside a block header");
		return SK_ETRUNC;
	}
	*total = rd32(r->buf + 4);
	err = check_block_len(r, *total, SK_SCAP_MAX_BLOCK);
	if (err != SK_OK) {
		return err;
	}
	/* Grow with the data that actually arrives, not with the declared
	 * length: a forged length must not cost 64 MiB up front. */
	for (size_t have = SK_SCAP_BLOCK_HEADER; have < *total; have += (size_t)n) {
		if (have == r->buf_cap) {
			size_t next = r->buf_cap * 2 < *total ? r->buf_cap * 2 : *total;
			err = ensure(&r->buf, &r->buf_cap, next);
			if (err != SK_OK) {
				return err;
			}
		}
		size_t want = (*total < r->buf_cap ? *total : r->buf_cap) - have;
		n = gzread(r->gz, r->buf + have, (unsigned)want);
		if (n < 0) {
			note(r, "read error");
			return SK_EIO;
		}
		if (n == 0) {
			note(r, "file ends inside a block");
			return SK_ETRUNC;
		}
	}
	return SK_OK;
}

/* Ends the current message of a stream (the rest of a broken one is lost;
 * the next message starts clean) or the whole read of a file. */
static sk_err finish(sk_scap_reader *r, sk_err err)
{
	if (r->gz != NULL) {
		r->done = true;
	} else {
		r->msg = NULL;
		r->msg_len = r->msg_pos = 0;
	}
	return err;
}

/* Locates the next block of the current message; SK_ENOENT when consumed. */
static sk_err next_msg_block(sk_scap_reader *r, const uint8_t **blk, uint32_t *total)
{
	size_t avail = r->msg_len - r->msg_pos;

	if (avail == 0) {
		return SK_ENOENT;
	}
	*blk = r->msg + r->msg_pos;
	if (avail < SK_SCAP_BLOCK_HEADER) {
		note(r, "message ends inside a block header");
		return SK_ETRUNC;
	}
	*total = rd32(*blk + 4);
	return check_block_len(r, *total, avail);
}

sk_err sk_scap_reader_next(sk_scap_reader *r, sk_event *evt)
{
	bool got = false;

	if (r == NULL || evt == NULL) {
		return SK_EINVAL;
	}
	while (!got) {
		const uint8_t *blk = NULL;
		uint32_t total = 0;
		sk_err err;
		if (r->done) {
			return SK_ENOENT;
		}
		if (r->gz != NULL) {
			err = read_file_block(r, &total);
			blk = r->buf;
		} else {
			err = next_msg_block(r, &blk, &total);
		}
		if (err == SK_OK) {
			err = run_block(r, blk, total, evt, &got);
			r->offset += total;
			r->stats.bytes += total;
			r->msg_pos += r->gz == NULL ? total : 0;
		}
		if (err != SK_OK) {
			return finish(r, err);
		}
	}
	return SK_OK;
}

static sk_err reader_new(const sk_scap_callbacks *cb, void *ctx, sk_scap_reader **out)
{
	sk_scap_reader *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return SK_ENOMEM;
	}
	if (cb != NULL) {
		r->cb = *cb;
	}
	r->ctx = ctx;
	r->next_num = 1;
	*out = r;
	return SK_OK;
}

sk_err sk_scap_reader_open_file(const char *path, const sk_scap_callbacks *cb, void *ctx,
				sk_scap_reader **out)
{
	sk_scap_reader *r = NULL;
	sk_event unused;
	uint32_t total = 0;
	bool got = false;
	sk_err err;

	if (path == NULL || out == NULL) {
		return SK_EINVAL;
	}
	*out = NULL;
	err = reader_new(cb, ctx, &r);
	if (err != SK_OK) {
		return err;
	}
	r->gz = gzopen(path, "rb");
	if (r->gz == NULL) {
		err = errno == ENOENT ? SK_ENOENT : SK_EIO;
		goto cleanup;
	}
	gzbuffer(r->gz, 256 * 1024);
	err = ensure(&r->buf, &r->buf_cap, 64 * 1024);
	if (err != SK_OK) {
		goto cleanup;
	}
	/* The first block must be a section header. */
	err = read_file_block(r, &total);
	if (err == SK_OK && rd32(r->buf) != SK_SCAP_SHB) {
		err = SK_EINVAL;
	}
	if (err == SK_ENOENT || err == SK_ETRUNC) {
		err = SK_EINVAL;
	}
	if (err != SK_OK) {
		goto cleanup;
	}
	err = run_block(r, r->buf, total, &unused, &got);
	r->offset += total;
	r->stats.bytes += total;
	if (err != SK_OK) {
		goto cleanup;
	}
	*out = r;
	return SK_OK;
cleanup:
	sk_scap_reader_close(r);
	return err;
}

sk_err sk_scap_reader_open_stream(const sk_scap_callbacks *cb, void *ctx, sk_scap_reader **out)
{
	if (out == NULL) {
		return SK_EINVAL;
	}
	return reader_new(cb, ctx, out);
}

sk_err sk_scap_reader_feed(sk_scap_reader *r, const void *buf, size_t len)
{
	if (r == NULL || r->gz != NULL || (buf == NULL && len > 0)) {
		return SK_EINVAL;
	}
	if (r->msg != NULL && r->msg_pos < r->msg_len) {
		return SK_EAGAIN;
	}
	r->msg = buf;
	r->msg_len = len;
	r->msg_pos = 0;
	r->offset = 0;
	return SK_OK;
}

void sk_scap_reader_stats(const sk_scap_reader *r, sk_scap_stats *out)
{
	if (r != NULL && out != NULL) {
		*out = r->stats;
	}
}

const char *sk_scap_reader_error(const sk_scap_reader *r)
{
	return r != NULL ? r->err : "";
}

void sk_scap_reader_close(sk_scap_reader *r)
{
	if (r == NULL) {
		return;
	}
	if (r->gz != NULL) {
		gzclose(r->gz);
	}
	free(r->buf);
	free(r->scratch);
	free(r);
}
