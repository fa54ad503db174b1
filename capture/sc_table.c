/* sc_table.c: syscall rows (x86_64) and the user-side re-encoding.
 * Event ids and parameter orders are those of the public scap event table. */
#include "sc_table.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define P(kind, arg, conv) {SKC_P_##kind, arg, SC_CONV_##conv}
#define RET                P(RET, 0, NONE)
#define S64(a)             P(ARG_S64, a, NONE)
#define U32(a)             P(ARG_U32, a, NONE)
#define USTR(a)            P(ARG_USTR, a, NONE)
#define MODE(a)            P(ARG_U32, a, MODE)
#define DEV_INO            P(FD_DEV, 0, NONE), P(FD_INO, 0, NONE)
#define ROW(nm, n, evt, ...)                                                                          \
	{                                                                                             \
		.name = nm, .nr = n, .evt_type = evt, .nparams = sizeof((struct sc_param[]){__VA_ARGS__}) / \
			sizeof(struct sc_param), .p = {__VA_ARGS__}                                    \
	}
#define ROWX(nm, n, evt, fl, st, sa, ...)                                                            \
	{                                                                                             \
		.name = nm, .nr = n, .evt_type = evt, .flags = fl, .stash = st, .stash_arg = sa,      \
		.nparams = sizeof((struct sc_param[]){__VA_ARGS__}) / sizeof(struct sc_param),        \
		.p = {__VA_ARGS__}                                                                    \
	}
/* built by the process programs, not by the generic spec */
#define PROC(nm, n, evt) {.name = nm, .nr = n, .evt_type = evt, .flags = SKC_F_PROCESS}

static const struct sc_entry table[] = {
	ROWX("open", 2, 3, 0, SKC_STASH_STR, 0, RET, P(STASH_STR, 0, NONE), P(ARG_U32, 1, OPEN_FLAGS), MODE(2),
	     DEV_INO),
	ROWX("openat", 257, 307, 0, SKC_STASH_STR, 1, RET, S64(0), P(STASH_STR, 1, NONE), P(ARG_U32, 2, OPEN_FLAGS),
	     MODE(3), DEV_INO),
	ROWX("openat2", 437, 327, 0, SKC_STASH_HOW, 1, RET, S64(0), P(STASH_STR, 1, NONE),
	     P(HOW_FLAGS, 0, OPEN_FLAGS), P(HOW_MODE, 0, MODE), P(HOW_RESOLVE, 0, NONE), DEV_INO),
	ROWX("creat", 85, 59, 0, SKC_STASH_STR, 0, RET, P(STASH_STR, 0, NONE), MODE(1), DEV_INO),
	ROW("close", 3, 5, RET, S64(0)),
	PROC("execve", 59, SKC_EVT_EXECVE_19_X),
	PROC("execveat", 322, SKC_EVT_EXECVEAT_X),
	PROC("clone", 56, SKC_EVT_CLONE_20_X),
	PROC("fork", 57, SKC_EVT_FORK_20_X),
	PROC("vfork", 58, SKC_EVT_VFORK_20_X),
	PROC("clone3", 435, SKC_EVT_CLONE3_X),
	ROWX("connect", 42, 23, 0, SKC_STASH_SOCKADDR, 1, RET, P(TUPLE_CONNECT, 0, NONE), S64(0),
	     P(STASH_SOCKADDR, 1, NONE)),
	ROW("accept", 43, 247, RET, P(TUPLE_RETFD, 0, NONE), P(ZERO_U8, 0, NONE), P(ZERO_U32, 0, NONE),
	    P(ZERO_U32, 0, NONE)),
	ROW("accept4", 288, 389, RET, P(TUPLE_RETFD, 0, NONE), P(ZERO_U8, 0, NONE), P(ZERO_U32, 0, NONE),
	    P(ZERO_U32, 0, NONE)),
	ROW("bind", 49, 21, RET, P(ARG_SOCKADDR, 1, NONE), S64(0)),
	ROW("listen", 50, 25, RET, S64(0), U32(1)),
	ROW("socket", 41, 19, RET, U32(0), U32(1), U32(2)),
	ROW("socketpair", 53, 43, RET, P(PIPE_FD0, 3, NONE), P(PIPE_FD1, 3, NONE), P(ZERO_U64, 0, NONE),
	    P(ZERO_U64, 0, NONE), U32(0), U32(1), U32(2)),
	ROW("sendto", 44, 31, RET, P(EMPTY, 0, NONE), S64(0), U32(2), P(TUPLE_ARGFD, 0, NONE)),
	ROW("recvfrom", 45, 35, RET, P(EMPTY, 0, NONE), P(TUPLE_ARGFD, 0, NONE), S64(0), U32(2)),
	ROW("dup", 32, 367, RET, S64(0)),
	ROW("dup2", 33, 363, RET, S64(0), S64(1)),
	ROW("dup3", 292, 365, RET, S64(0), S64(1), P(ARG_U32, 2, OPEN_FLAGS)),
	ROW("fcntl", 72, 151, RET, S64(0), P(ARG_U32, 1, FCNTL_CMD)),
	ROW("pipe", 22, 61, RET, P(PIPE_FD0, 0, NONE), P(PIPE_FD1, 0, NONE), P(PIPE_INO, 0, NONE)),
	ROW("pipe2", 293, 393, RET, P(PIPE_FD0, 0, NONE), P(PIPE_FD1, 0, NONE), P(PIPE_INO, 0, NONE),
	    P(ARG_U32, 1, OPEN_FLAGS)),
	ROW("chdir", 80, 95, RET, USTR(0)),
	ROW("fchdir", 81, 97, RET, S64(0)),
	ROW("unlink", 87, 301, RET, USTR(0)),
	ROW("unlinkat", 263, 303, RET, S64(0), USTR(1), U32(2)),
	ROW("rename", 82, 175, RET, USTR(0), USTR(1)),
	ROW("renameat", 264, 177, RET, S64(0), USTR(1), S64(2), USTR(3)),
	ROW("renameat2", 316, 319, RET, S64(0), USTR(1), S64(2), USTR(3), U32(4)),
	ROW("symlink", 88, 179, RET, USTR(0), USTR(1)),
	ROW("symlinkat", 266, 181, RET, USTR(0), S64(1), USTR(2)),
	ROW("link", 86, 309, RET, USTR(0), USTR(1)),
	ROW("linkat", 265, 311, RET, S64(0), USTR(1), S64(2), USTR(3), U32(4)),
	ROW("mkdir", 83, 277, RET, USTR(0), MODE(1)),
	ROW("mkdirat", 258, 305, RET, S64(0), USTR(1), MODE(2)),
	ROW("rmdir", 84, 279, RET, USTR(0)),
	ROW("chmod", 90, 315, RET, USTR(0), MODE(1)),
	ROW("fchmod", 91, 317, RET, S64(0), MODE(1)),
	ROW("fchmodat", 268, 313, RET, S64(0), USTR(1), MODE(2)),
	ROW("mount", 165, 257, RET, USTR(0), USTR(1), USTR(2), U32(3)),
	ROW("umount2", 166, 391, RET, USTR(0), U32(1)),
	ROW("ptrace", 101, 169, RET, P(DYN_U64, 2, NONE), P(DYN_U64, 3, NONE), P(ARG_U32, 0, PTRACE_REQ), S64(1)),
	ROW("init_module", 175, 411, RET, P(EMPTY, 0, NONE), P(ARG_U64, 1, NONE), USTR(2)),
	ROW("finit_module", 313, 413, RET, S64(0), USTR(1), U32(2)),
	ROW("setuid", 105, 199, RET, U32(0)),
	ROW("setgid", 106, 201, RET, U32(0)),
	ROW("setresuid", 117, 193, RET, U32(0), U32(1), U32(2)),
	ROW("setresgid", 119, 195, RET, U32(0), U32(1), U32(2)),
	ROW("setns", 308, 241, RET, S64(0), P(ARG_U32, 1, CLONE_FLAGS)),
	ROW("unshare", 272, 285, RET, P(ARG_U32, 0, CLONE_FLAGS)),
	ROW("memfd_create", 319, 405, RET, USTR(0), U32(1)),
	ROW("bpf", 321, 369, RET, S64(0)),
	ROW("kill", 62, 129, RET, S64(0), P(ARG_U8, 1, NONE)),
	ROW("prctl", 157, 401, RET, U32(0), P(EMPTY, 0, NONE), P(ARG_U64, 1, NONE)),
	ROW("userfaultfd", 323, 321, RET, U32(0)),
	ROW("capset", 126, 353, RET, P(CAP_INH, 0, NONE), P(CAP_PERM, 0, NONE), P(CAP_EFF, 0, NONE)),
	/* sched hooks: slots in the interest map, events built by their own programs */
	{.name = "sched_process_exec", .nr = SKC_SLOT_EXEC, .evt_type = SKC_EVT_EXECVE_19_X},
	{.name = "sched_process_fork", .nr = SKC_SLOT_FORK, .evt_type = SKC_EVT_CLONE_20_X},
	{.name = "sched_process_exit", .nr = SKC_SLOT_EXIT, .evt_type = SKC_EVT_PROCEXIT_1_E},
};

const struct sc_entry *sc_table(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct sc_entry *sc_by_nr(uint32_t nr)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].nr == nr) {
			return &table[i];
		}
	}
	return NULL;
}

const struct sc_entry *sc_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(table[i].name, name) == 0) {
			return &table[i];
		}
	}
	return NULL;
}

void sc_by_event(uint16_t evt_type, const struct sc_entry **out, size_t max, size_t *n)
{
	uint16_t exit_type = evt_type | 1u;
	*n = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && *n < max; i++) {
		/* procexit is an "enter" event (even id): match it exactly */
		if (table[i].evt_type == evt_type || table[i].evt_type == exit_type) {
			out[(*n)++] = &table[i];
		}
	}
}

void sc_to_spec(const struct sc_entry *e, struct skc_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->evt_type = e->evt_type;
	spec->nparams = e->nparams;
	spec->flags = e->flags;
	spec->stash = e->stash;
	spec->stash_arg = e->stash_arg;
	for (unsigned i = 0; i < SKC_SPEC_PARAMS; i++) {
		spec->kind[i] = e->p[i].kind;
		spec->arg[i] = e->p[i].arg;
	}
}

uint32_t sc_open_flags_to_scap(uint32_t flags)
{
	static const struct {
		uint32_t linux_bit, scap_bit;
	} bits[] = {
		{0100, 1u << 2},      {02000, 1u << 3},    {0200, 1u << 5},      {04000, 1u << 6},
		{01000, 1u << 8},     {040000, 1u << 9},   {0200000, 1u << 10},  {0100000, 1u << 11},
		{02000000, 1u << 12}, {010000, 1u << 4},
	};
	uint32_t out = 0;
	switch (flags & 3) {
	case 0:
		out = 1u << 0; /* PPM_O_RDONLY */
		break;
	case 1:
		out = 1u << 1;
		break;
	default:
		out = 3;
		break;
	}
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (flags & bits[i].linux_bit) {
			out |= bits[i].scap_bit;
		}
	}
	if ((flags & 04010000) == 04010000) {
		out |= 1u << 7; /* O_SYNC */
	}
	if ((flags & 020200000) == 020200000) {
		out |= 1u << 13; /* O_TMPFILE */
	}
	return out;
}

struct code_map {
	uint32_t from, to;
};

static uint32_t map_code(const struct code_map *m, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].from == v) {
			return m[i].to;
		}
	}
	return 0; /* *_UNKNOWN */
}

uint8_t sc_fcntl_to_scap(uint32_t cmd)
{
	static const struct code_map m[] = {
		{0, 1},     {1, 2},     {2, 3},     {3, 4},     {4, 5},     {5, 6},     {6, 8},     {7, 9},
		{8, 10},    {9, 12},    {10, 13},   {11, 15},   {15, 21},   {16, 22},   {1024, 23}, {1025, 24},
		{1026, 27}, {1029, 25}, {1030, 26}, {1031, 28}, {1032, 29}, {36, 30},   {37, 31},   {38, 32},
	};
	return (uint8_t)map_code(m, sizeof(m) / sizeof(m[0]), cmd);
}

uint16_t sc_ptrace_to_scap(uint32_t req)
{
	static const struct code_map m[] = {
		{0, 1},       {1, 2},       {2, 3},       {3, 4},       {4, 5},       {5, 6},       {6, 7},
		{7, 8},       {8, 9},       {9, 10},      {12, 26},     {13, 27},     {14, 28},     {15, 29},
		{16, 11},     {17, 12},     {18, 30},     {19, 31},     {21, 32},     {24, 13},     {25, 33},
		{26, 34},     {30, 35},     {31, 36},     {32, 37},     {33, 38},     {0x4200, 14}, {0x4201, 15},
		{0x4202, 16}, {0x4203, 17}, {0x4204, 18}, {0x4205, 19}, {0x4206, 20}, {0x4207, 21}, {0x4208, 22},
		{0x4209, 23}, {0x420a, 24}, {0x420b, 25},
	};
	return (uint16_t)map_code(m, sizeof(m) / sizeof(m[0]), req);
}

uint32_t sc_clone_flags_to_scap(uint64_t flags)
{
	static const struct code_map m[] = {
		{0x400, 1u << 0},       {0x200, 1u << 1},       {0x80000000u, 1u << 2}, {0x08000000, 1u << 3},
		{0x40000000, 1u << 4},  {0x20000, 1u << 5},     {0x20000000, 1u << 6},  {0x04000000, 1u << 7},
		{0x8000, 1u << 8},      {0x100000, 1u << 9},    {0x2000, 1u << 10},     {0x800, 1u << 11},
		{0x40000, 1u << 12},    {0x10000, 1u << 13},    {0x800000, 1u << 14},   {0x100, 1u << 15},
		{0x10000000, 1u << 20}, {0x200000, 1u << 23},   {0x01000000, 1u << 24}, {0x80000, 1u << 25},
		{0x4000, 1u << 27},     {0x02000000, 1u << 28},
	};
	uint32_t out = 0;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if (flags & m[i].from) {
			out |= m[i].to;
		}
	}
	return out;
}

/* Generic rows by event type, built once: the re-encoder runs per event. */
#define TYPE_SLOTS 1024u
static const struct sc_entry *row_of_type[TYPE_SLOTS];
static pthread_once_t rows_once = PTHREAD_ONCE_INIT;

static void index_rows(void)
{
	for (size_t r = 0; r < sizeof(table) / sizeof(table[0]); r++) {
		if (!(table[r].flags & SKC_F_PROCESS) && table[r].evt_type < TYPE_SLOTS) {
			row_of_type[table[r].evt_type] = &table[r];
		}
	}
}

/* The conversions of the n parameters of an event of type t (process
 * events included) into conv; the table is looked up once per event. */
static void convs_of(uint16_t t, uint32_t n, enum sc_conv *conv)
{
	bool clone = t == SKC_EVT_CLONE_20_X || t == SKC_EVT_FORK_20_X || t == SKC_EVT_VFORK_20_X || t == SKC_EVT_CLONE3_X;
	bool process = clone || t == SKC_EVT_EXECVE_19_X || t == SKC_EVT_EXECVEAT_X;
	const struct sc_entry *row = NULL;
	if (!process && t < TYPE_SLOTS) {
		pthread_once(&rows_once, index_rows);
		row = row_of_type[t];
	}
	for (uint32_t i = 0; i < n; i++) {
		if (process) {
			bool flags = clone && i == SC_PARAM_CGROUPS + 1;
			conv[i] = i == SC_PARAM_CGROUPS ? SC_CONV_CGROUPS : flags ? SC_CONV_CLONE_FLAGS : SC_CONV_NONE;
		} else {
			conv[i] = row != NULL && i < SKC_SPEC_PARAMS ? (enum sc_conv)row->p[i].conv : SC_CONV_NONE;
		}
	}
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

#define CGROUP_DEPTH_MAX 128 /* the kernel side walks at most 64 levels */

/* Reads one name list of the kernel's cgroups parameter from p (n bytes):
 * names leaf first, each with its NUL, ended by an empty name. Sets *used to
 * the bytes it spans and returns the number of names; -1 when the list does
 * not end within n bytes or is deeper than any the kernel side makes. */
static int cgroup_names(const uint8_t *p, size_t n, size_t *used)
{
	int count = 0;
	size_t i = 0;
	while (i < n && count <= CGROUP_DEPTH_MAX) {
		size_t len = strnlen((const char *)p + i, n - i);
		if (len == n - i) {
			return -1;
		}
		i += len + 1;
		if (len == 0) {
			*used = i;
			return count;
		}
		count++;
	}
	return -1;
}

/* Appends "key=/root/.../leaf\0" for the name list at p (count names, the
 * leaf first); "key=/" for the root. Returns the bytes appended. */
static size_t put_cgroup_path(const char *key, const uint8_t *p, int count, sk_strbuf *out)
{
	size_t start = out->len;
	sk_strbuf_append(out, key, strlen(key));
	sk_strbuf_append(out, "=", 1);
	if (count == 0) {
		sk_strbuf_append(out, "/", 1);
	}
	for (int want = count - 1; want >= 0; want--) {
		const char *name = (const char *)p;
		for (int k = 0; k < want; k++) {
			name += strlen(name) + 1;
		}
		sk_strbuf_append(out, "/", 1);
		sk_strbuf_append(out, name, strlen(name));
	}
	sk_strbuf_append(out, "", 1);
	return out->len - start;
}

uint16_t sc_cgroups_string(const uint8_t *p, size_t n, sk_strbuf *out)
{
	size_t unified_used = 0, cpuset_used = 0;
	if (n > UINT16_MAX - 32) {
		return 0; /* the strings would not fit a parameter length */
	}
	int unified = cgroup_names(p, n, &unified_used);
	if (unified < 0) {
		return 0;
	}
	int cpuset = unified_used < n ? cgroup_names(p + unified_used, n - unified_used, &cpuset_used) : -1;
	size_t len = 0;
	if (cpuset >= 0) {
		len += put_cgroup_path("cpuset", p + unified_used, cpuset, out);
	}
	len += put_cgroup_path(cpuset >= 0 ? "unified" : "cpuset", p, unified, out);
	return (uint16_t)len; /* under n + 32 bytes: fits, as checked above */
}

/* True when the comma-separated controllers (len bytes) name controller. */
static bool names_controller(const char *list, size_t len, const char *controller)
{
	size_t clen = strlen(controller);
	size_t i = 0;
	while (i < len) {
		size_t n = 0;
		while (i + n < len && list[i + n] != ',') {
			n++;
		}
		if (n == clen && memcmp(list + i, controller, clen) == 0) {
			return true;
		}
		i += n + 1;
	}
	return false;
}

/* Appends "key=path\0" at out + *len; false (nothing appended) when the
 * path is longer than SC_CGROUP_PATH_MAX or does not fit. */
static bool append_cgroup(char *out, size_t cap, size_t *len, const char *key, const char *path, size_t n)
{
	size_t room = cap - *len;
	if (n > SC_CGROUP_PATH_MAX) {
		return false;
	}
	int w = snprintf(out + *len, room, "%s=%.*s", key, (int)n, path);
	if (w < 0 || (size_t)w >= room) {
		return false;
	}
	*len += (size_t)w + 1;
	return true;
}

size_t sc_proc_cgroups_string(const char *text, char *out, size_t cap)
{
	const char *unified = NULL, *cpuset = NULL;
	size_t unified_len = 0, cpuset_len = 0, len = 0;
	/* lines: hierarchy-id:controllers:path */
	for (const char *line = text; *line != '\0';) {
		size_t n = strcspn(line, "\n");
		const char *c1 = memchr(line, ':', n);
		const char *c2 = c1 != NULL ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - line)) : NULL;
		if (c2 != NULL) {
			const char *p = c2 + 1;
			size_t plen = n - (size_t)(p - line);
			if (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1) {
				unified = p;
				unified_len = plen;
			} else if (names_controller(c1 + 1, (size_t)(c2 - c1 - 1), "cpuset")) {
				cpuset = p;
				cpuset_len = plen;
			}
		}
		line += n + (line[n] == '\n');
	}
	bool ok = true;
	if (cpuset != NULL) {
		ok = append_cgroup(out, cap, &len, "cpuset", cpuset, cpuset_len);
	}
	if (ok && unified != NULL) {
		ok = append_cgroup(out, cap, &len, cpuset != NULL ? "unified" : "cpuset", unified, unified_len);
	}
	return ok ? len : 0;
}

/* True when converting a parameter of plen bytes changes its length (the
 * cgroups list, 4-byte fcntl commands and ptrace requests); other
 * conversions apply only to 4-byte values and keep them 4 bytes. */
static bool changes_length(enum sc_conv c, uint16_t plen)
{
	return c == SC_CONV_CGROUPS || (plen == 4 && (c == SC_CONV_FCNTL_CMD || c == SC_CONV_PTRACE_REQ));
}

/* A 4-byte value's scap encoding, for the conversions that keep it 4 bytes
 * (the value itself for the others). */
static uint32_t convert_u32(enum sc_conv c, uint32_t v)
{
	switch (c) {
	case SC_CONV_OPEN_FLAGS:
		return sc_open_flags_to_scap(v);
	case SC_CONV_MODE:
		return v & 07777; /* PPM_S_* bits equal the octal mode bits */
	case SC_CONV_CLONE_FLAGS:
		return sc_clone_flags_to_scap(v);
	default:
		return v;
	}
}

/* sc_reencode for events whose parameters keep their lengths (most): one
 * copy of the whole event, then the converted values patched in place. */
static sk_err reencode_in_place(const uint8_t *raw, size_t len, uint32_t nparams, const uint16_t *plen,
				const enum sc_conv *conv, sk_strbuf *out)
{
	size_t start = out->len;
	sk_strbuf_append(out, raw, len);
	if (sk_strbuf_failed(out)) {
		return SK_ENOMEM;
	}
	uint8_t *ev = (uint8_t *)out->data + start;
	memcpy(ev + 22, &nparams, 4); /* scap's nparams, without the CPU */
	uint8_t *p = ev + SKC_HDR_LEN + 2 * (size_t)nparams;
	for (uint32_t i = 0; i < nparams; p += plen[i], i++) {
		if (conv[i] == SC_CONV_NONE || plen[i] != 4) {
			continue;
		}
		uint32_t v = convert_u32(conv[i], rd32(p));
		memcpy(p, &v, 4);
	}
	return SK_OK;
}

sk_err sc_reencode(const uint8_t *raw, size_t len, sk_strbuf *out)
{
	if (len < SKC_HDR_LEN) {
		return SK_ETRUNC;
	}
	uint32_t evlen = rd32(raw + 16);
	uint16_t type;
	memcpy(&type, raw + 20, 2);
	uint32_t nparams = rd32(raw + 22) & 0xffffu; /* the high half is the CPU */
	if (evlen != len || nparams > 32) {
		return SK_EINVAL;
	}
	size_t lens_end = SKC_HDR_LEN + 2 * (size_t)nparams;
	if (lens_end > len) {
		return SK_ETRUNC;
	}
	uint16_t plen[32];
	size_t total = lens_end;
	for (uint32_t i = 0; i < nparams; i++) {
		memcpy(&plen[i], raw + SKC_HDR_LEN + 2 * i, 2);
		total += plen[i];
	}
	if (total != len) {
		return SK_EINVAL;
	}
	enum sc_conv conv[32];
	convs_of(type, nparams, conv);
	bool same_lengths = true;
	for (uint32_t i = 0; i < nparams; i++) {
		same_lengths &= !changes_length(conv[i], plen[i]);
	}
	size_t start = out->len;
	if (same_lengths) {
		return reencode_in_place(raw, len, nparams, plen, conv, out);
	}
	sk_strbuf_append(out, raw, lens_end);
	if (!sk_strbuf_failed(out)) {
		memcpy(out->data + start + 22, &nparams, 4); /* scap's nparams, without the CPU */
	}
	const uint8_t *p = raw + lens_end;
	for (uint32_t i = 0; i < nparams; i++) {
		enum sc_conv c = conv[i];
		uint32_t v = plen[i] >= 4 ? rd32(p) : 0;
		uint8_t buf[4];
		uint16_t nlen = plen[i];
		const void *src = p;
		if (c == SC_CONV_CGROUPS) {
			nlen = sc_cgroups_string(p, plen[i], out);
			src = NULL;
		} else if (c != SC_CONV_NONE && plen[i] == 4) {
			switch (c) {
			case SC_CONV_FCNTL_CMD:
				buf[0] = sc_fcntl_to_scap(v);
				nlen = 1;
				break;
			case SC_CONV_PTRACE_REQ: {
				uint16_t r = sc_ptrace_to_scap(v);
				memcpy(buf, &r, 2);
				nlen = 2;
				break;
			}
			default:
				v = convert_u32(c, v);
				break;
			}
			if (nlen == 4) {
				memcpy(buf, &v, 4);
			}
			src = buf;
		}
		if (src != NULL) {
			sk_strbuf_append(out, src, nlen);
		}
		if (!sk_strbuf_failed(out)) {
			memcpy(out->data + start + SKC_HDR_LEN + 2 * i, &nlen, 2);
		}
		p += plen[i];
	}
	if (sk_strbuf_failed(out)) {
		return SK_ENOMEM;
	}
	uint32_t newlen = (uint32_t)(out->len - start);
	memcpy(out->data + start + 16, &newlen, 4);
	return SK_OK;
}

/* Enter events old readers need, and where their parameters sit in the
 * exit event. */
static const struct {
	uint16_t exit_type;
	uint8_t n;
	uint8_t from[4];
	bool always; /* rules test these on the enter event (evt.dir=>, request) */
} enter_rows[] = {
	{5, 1, {1}, false},          /* close: fd */
	{19, 3, {1, 2, 3}, false},   /* socket: domain, type, proto */
	{21, 1, {2}, false},         /* bind: fd */
	{23, 2, {2, 3}, false},      /* connect: fd, addr */
	{25, 2, {1, 2}, false},      /* listen: fd, backlog */
	{31, 3, {2, 3, 4}, false},   /* sendto: fd, size, tuple */
	{35, 2, {3, 4}, false},      /* recvfrom: fd, size */
	{97, 1, {1}, false},         /* fchdir: fd */
	{129, 2, {1, 2}, false},     /* kill: pid, sig */
	{151, 2, {1, 2}, false},     /* fcntl: fd, cmd */
	{169, 2, {3, 4}, true},    /* ptrace: request, pid */
	{193, 3, {1, 2, 3}, true}, /* setresuid */
	{195, 3, {1, 2, 3}, true}, /* setresgid */
	{199, 1, {1}, true},       /* setuid */
	{201, 1, {1}, true},       /* setgid */
	{241, 2, {1, 2}, false},     /* setns: fd, nstype */
	{285, 1, {1}, false},        /* unshare: flags */
};

/* enter_rows by exit type (index + 1; 0: none), built once: the reader
 * asks for every event it reads. */
static uint8_t enter_row_plus1[TYPE_SLOTS];
static pthread_once_t enter_rows_once = PTHREAD_ONCE_INIT;

static void index_enter_rows(void)
{
	for (size_t row = 0; row < sizeof(enter_rows) / sizeof(enter_rows[0]); row++) {
		if (enter_rows[row].exit_type < TYPE_SLOTS) {
			enter_row_plus1[enter_rows[row].exit_type] = (uint8_t)(row + 1);
		}
	}
}

/* The enter_rows entry an exit of type gets an enter event from (all:
 * also the fd-state ones), or -1. */
static int enter_row_of(uint16_t type, bool all)
{
	if (type >= TYPE_SLOTS) {
		return -1;
	}
	pthread_once(&enter_rows_once, index_enter_rows);
	int row = (int)enter_row_plus1[type] - 1;
	return row >= 0 && (all || enter_rows[row].always) ? row : -1;
}

bool sc_wants_enter(const uint8_t *ev, size_t len, bool all)
{
	uint16_t type;
	if (len < SKC_HDR_LEN) {
		return false;
	}
	memcpy(&type, ev + 20, 2);
	return enter_row_of(type, all) >= 0;
}

sk_err sc_synth_enter(const uint8_t *ev, size_t len, bool all, sk_strbuf *out, bool *added)
{
	*added = false;
	if (len < SKC_HDR_LEN) {
		return SK_ETRUNC;
	}
	uint16_t type;
	uint32_t nparams;
	memcpy(&type, ev + 20, 2);
	memcpy(&nparams, ev + 22, 4);
	int found = enter_row_of(type, all);
	if (found < 0) {
		return SK_OK;
	}
	size_t row = (size_t)found;
	if (nparams > 32 || SKC_HDR_LEN + 2 * (size_t)nparams > len) {
		return SK_EINVAL;
	}
	const uint8_t *param[32];
	uint16_t plen[32];
	const uint8_t *p = ev + SKC_HDR_LEN + 2 * nparams;
	for (uint32_t i = 0; i < nparams; i++) {
		memcpy(&plen[i], ev + SKC_HDR_LEN + 2 * i, 2);
		param[i] = p;
		p += plen[i];
	}
	if (p > ev + len) {
		return SK_ETRUNC;
	}
	uint32_t n = enter_rows[row].n;
	uint32_t total = SKC_HDR_LEN + 2 * n;
	for (uint32_t i = 0; i < n; i++) {
		if (enter_rows[row].from[i] >= nparams) {
			return SK_EINVAL;
		}
		total += plen[enter_rows[row].from[i]];
	}
	uint64_t ts;
	memcpy(&ts, ev, 8);
	ts -= 1;
	uint16_t enter_type = (uint16_t)(type - 1);
	sk_strbuf_append(out, &ts, 8);
	sk_strbuf_append(out, ev + 8, 8);
	sk_strbuf_append(out, &total, 4);
	sk_strbuf_append(out, &enter_type, 2);
	sk_strbuf_append(out, &n, 4);
	for (uint32_t i = 0; i < n; i++) {
		sk_strbuf_append(out, &plen[enter_rows[row].from[i]], 2);
	}
	for (uint32_t i = 0; i < n; i++) {
		uint8_t f = enter_rows[row].from[i];
		sk_strbuf_append(out, param[f], plen[f]);
	}
	*added = true;
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}
