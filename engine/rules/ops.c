/* ops: operators, transformers and typed constants (see ops.h). */
#define _GNU_SOURCE /* memmem, FNM_CASEFOLD */
#include "ops.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[SK_OP_COUNT] = {
	[SK_OP_EQ] = "=",
	[SK_OP_NE] = "!=",
	[SK_OP_LT] = "<",
	[SK_OP_LE] = "<=",
	[SK_OP_GT] = ">",
	[SK_OP_GE] = ">=",
	[SK_OP_CONTAINS] = "contains",
	[SK_OP_ICONTAINS] = "icontains",
	[SK_OP_BCONTAINS] = "bcontains",
	[SK_OP_STARTSWITH] = "startswith",
	[SK_OP_BSTARTSWITH] = "bstartswith",
	[SK_OP_ENDSWITH] = "endswith",
	[SK_OP_GLOB] = "glob",
	[SK_OP_IGLOB] = "iglob",
	[SK_OP_REGEX] = "regex",
	[SK_OP_IN] = "in",
	[SK_OP_INTERSECTS] = "intersects",
	[SK_OP_PMATCH] = "pmatch",
	[SK_OP_EXISTS] = "exists",
};

static const char *const xform_names[SK_XF_COUNT] = {
	[SK_XF_TOLOWER] = "tolower",
	[SK_XF_TOUPPER] = "toupper",
	[SK_XF_B64] = "b64",
	[SK_XF_BASENAME] = "basename",
	[SK_XF_LEN] = "len",
};

sk_err sk_op_parse(const char *s, size_t len, sk_op *out)
{
	if (len == 2 && memcmp(s, "==", 2) == 0) {
		*out = SK_OP_EQ;
		return SK_OK;
	}
	for (int i = 0; i < SK_OP_COUNT; i++) {
		if (strlen(op_names[i]) == len && memcmp(op_names[i], s, len) == 0) {
			*out = (sk_op)i;
			return SK_OK;
		}
	}
	return SK_ENOENT;
}

const char *sk_op_name(sk_op op)
{
	return op < SK_OP_COUNT ? op_names[op] : "?";
}

bool sk_op_takes_list(sk_op op)
{
	return op == SK_OP_IN || op == SK_OP_INTERSECTS || op == SK_OP_PMATCH;
}

static bool is_text(sk_ftype t)
{
	return t == SK_FT_STRING || t == SK_FT_BYTES;
}

static bool is_number(sk_ftype t)
{
	return t == SK_FT_INT64 || t == SK_FT_UINT64 || t == SK_FT_DOUBLE || t == SK_FT_ABSTIME ||
	       t == SK_FT_RELTIME;
}

bool sk_op_allowed(sk_op op, sk_ftype t)
{
	switch (op) {
	case SK_OP_EQ:
	case SK_OP_NE:
	case SK_OP_IN:
	case SK_OP_INTERSECTS:
	case SK_OP_EXISTS:
		return true;
	case SK_OP_LT:
	case SK_OP_LE:
	case SK_OP_GT:
	case SK_OP_GE:
		return t == SK_FT_STRING || is_number(t);
	case SK_OP_PMATCH:
		return t == SK_FT_STRING;
	default:
		return is_text(t);
	}
}

sk_err sk_xform_parse(const char *s, size_t len, sk_xform *out)
{
	for (int i = 0; i < SK_XF_COUNT; i++) {
		if (strlen(xform_names[i]) == len && memcmp(xform_names[i], s, len) == 0) {
			*out = (sk_xform)i;
			return SK_OK;
		}
	}
	return SK_ENOENT;
}

bool sk_xform_is_unsupported(const char *s, size_t len)
{
	static const char *const names[] = {"getopt"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
			return true;
		}
	}
	return false;
}

const char *sk_xform_name(sk_xform xf)
{
	return xf < SK_XF_COUNT ? xform_names[xf] : "?";
}

sk_err sk_xform_type(sk_xform xf, sk_ftype in, sk_ftype *out)
{
	switch (xf) {
	case SK_XF_TOLOWER:
	case SK_XF_TOUPPER:
	case SK_XF_BASENAME:
		if (in != SK_FT_STRING) {
			return SK_EINVAL;
		}
		*out = in;
		return SK_OK;
	case SK_XF_B64:
		if (!is_text(in)) {
			return SK_EINVAL;
		}
		*out = in;
		return SK_OK;
	case SK_XF_LEN:
		if (!is_text(in)) {
			return SK_EINVAL;
		}
		*out = SK_FT_UINT64;
		return SK_OK;
	default:
		return SK_EINVAL;
	}
}

/* Grows scratch for n more bytes before writing, so a source p that lies in
 * scratch itself (chained transformers) stays valid; returns p re-pointed. */
static const char *reserve_scratch(sk_strbuf *sb, const char *p, uint32_t n)
{
	static const char zeros[256];
	size_t rel = SIZE_MAX;
	if (sb->data != NULL && p >= sb->data && p < sb->data + sb->cap) {
		rel = (size_t)(p - sb->data);
	}
	size_t old = sb->len;
	while (sb->len < old + n && !sb->failed) {
		size_t chunk = old + n - sb->len;
		sk_strbuf_append(sb, zeros, chunk < sizeof(zeros) ? chunk : sizeof(zeros));
	}
	if (sb->data != NULL) {
		sb->len = old;
		sb->data[old] = '\0';
	}
	return rel == SIZE_MAX ? p : sb->data + rel;
}

sk_err sk_xform_apply(sk_xform xf, sk_value *v, sk_strbuf *scratch, uint32_t *off)
{
	*off = UINT32_MAX;
	uint32_t n = v->u.str.len;
	const char *p = xf == SK_XF_LEN || xf == SK_XF_BASENAME ? v->u.str.ptr
								: reserve_scratch(scratch, v->u.str.ptr, n);
	if (sk_strbuf_failed(scratch)) {
		return SK_ENOMEM;
	}
	switch (xf) {
	case SK_XF_LEN:
		v->type = SK_FT_UINT64;
		v->u.u64 = n;
		return SK_OK;
	case SK_XF_BASENAME: {
		uint32_t start = n;
		while (start > 0 && p[start - 1] != '/') {
			start--;
		}
		v->u.str.ptr = p + start;
		v->u.str.len = n - start;
		return SK_OK;
	}
	case SK_XF_TOLOWER:
	case SK_XF_TOUPPER:
		*off = (uint32_t)scratch->len;
		for (uint32_t i = 0; i < n; i++) {
			int c = (unsigned char)p[i];
			sk_strbuf_putc(scratch, (char)(xf == SK_XF_TOLOWER ? tolower(c) : toupper(c)));
		}
		v->u.str.len = n;
		return sk_strbuf_failed(scratch) ? SK_ENOMEM : SK_OK;
	case SK_XF_B64: {
		size_t start = scratch->len;
		sk_err err = sk_base64_decode(scratch, p, n, false); /* padding optional */
		if (err != SK_OK) {
			scratch->len = start;
			return err;
		}
		*off = (uint32_t)start;
		v->u.str.len = (uint32_t)(scratch->len - start);
		return sk_strbuf_failed(scratch) ? SK_ENOMEM : SK_OK;
	}
	default:
		return SK_EINVAL;
	}
}

sk_err sk_xform_chain_type(const sk_xform *xf, uint32_t nxf, sk_ftype in, const char *field_name, sk_ftype *out,
			   sk_strbuf *why)
{
	sk_ftype t = in;
	for (uint32_t x = 0; x < nxf; x++) {
		sk_ftype before = t;
		if (sk_xform_type(xf[x], before, &t) != SK_OK) {
			sk_strbuf_printf(why, "transformer '%s' cannot be applied to '%s' (type %s)",
					 sk_xform_name(xf[x]), field_name, sk_ftype_name(before));
			return SK_EINVAL;
		}
	}
	*out = t;
	return SK_OK;
}

static void repoint(sk_values *vals, const uint32_t *off, const sk_strbuf *scratch)
{
	for (uint32_t i = 0; i < vals->count; i++) {
		if (off[i] != UINT32_MAX) {
			vals->v[i].u.str.ptr = scratch->data + off[i];
		}
	}
}

sk_err sk_xform_apply_chain(const sk_xform *xf, uint32_t nxf, sk_values *vals, sk_strbuf *scratch)
{
	uint32_t off[SK_VALUES_INLINE];
	uint32_t w = 0;
	/* Values point into scratch even when nothing is written (an empty
	 * string upper-cased): it must have a buffer. */
	sk_strbuf_reset(scratch);
	sk_strbuf_putc(scratch, '\0');
	if (sk_strbuf_failed(scratch)) {
		return SK_ENOMEM;
	}
	sk_strbuf_reset(scratch);
	for (uint32_t i = 0; i < vals->count; i++) {
		sk_value v = vals->v[i];
		uint32_t voff = UINT32_MAX;
		bool keep = true;
		for (uint32_t x = 0; x < nxf && keep; x++) {
			if (voff != UINT32_MAX) {
				v.u.str.ptr = scratch->data + voff;
			}
			uint32_t o = UINT32_MAX;
			sk_err err = sk_xform_apply(xf[x], &v, scratch, &o);
			if (err == SK_ENOMEM) {
				return err;
			}
			keep = err == SK_OK;
			if (o != UINT32_MAX) {
				voff = o;
			} else if (voff != UINT32_MAX && v.type != SK_FT_UINT64) {
				voff = (uint32_t)(v.u.str.ptr - scratch->data);
			}
			if (v.type == SK_FT_UINT64) {
				voff = UINT32_MAX;
			}
		}
		if (keep) {
			off[w] = voff;
			vals->v[w++] = v;
		}
	}
	vals->count = w;
	repoint(vals, off, scratch);
	return SK_OK;
}

static sk_err parse_ip(const char *s, sk_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, ip->bytes) == 1) {
		ip->family = 4;
		return SK_OK;
	}
	if (inet_pton(AF_INET6, s, ip->bytes) == 1) {
		ip->family = 6;
		return SK_OK;
	}
	return SK_EINVAL;
}

/* "a.b.c.d", "a.b.c.d/n", IPv6 and IPv6/n. */
static sk_err parse_ip_or_net(const char *s, sk_value *v)
{
	char buf[64];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(buf)) {
		return SK_EINVAL;
	}
	memcpy(buf, s, n + 1);
	char *slash = strchr(buf, '/');
	if (slash == NULL) {
		v->type = SK_FT_IPADDR;
		return parse_ip(buf, &v->u.ip);
	}
	*slash = '\0';
	char *end = NULL;
	errno = 0;
	unsigned long prefix = strtoul(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end != '\0' || errno != 0) {
		return SK_EINVAL;
	}
	v->type = SK_FT_IPNET;
	if (parse_ip(buf, &v->u.net.addr) != SK_OK) {
		return SK_EINVAL;
	}
	if (prefix > (v->u.net.addr.family == 4 ? 32u : 128u)) {
		return SK_EINVAL;
	}
	v->u.net.prefix_len = (uint8_t)prefix;
	return SK_OK;
}

static sk_err parse_number(sk_ftype t, const char *s, sk_value *v)
{
	char *end = NULL;
	errno = 0;
	v->type = t;
	bool hex = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'));
	if (s[0] == '\0' || isspace((unsigned char)s[0])) {
		return SK_EINVAL;
	}
	if (t == SK_FT_DOUBLE) {
		v->u.f64 = strtod(s, &end);
	} else if (t == SK_FT_INT64) {
		v->u.i64 = strtoll(s, &end, hex ? 16 : 10);
	} else {
		if (s[0] == '-') {
			return SK_EINVAL;
		}
		v->u.u64 = strtoull(s, &end, hex ? 16 : 10);
	}
	if (errno != 0 || *end != '\0') {
		return SK_EINVAL;
	}
	return SK_OK;
}

sk_err sk_op_const_parse(sk_op op, sk_ftype t, const char *text, size_t len, sk_const *out, sk_strbuf *why)
{
	sk_err err = SK_OK;
	memset(out, 0, sizeof(*out));
	char *copy = malloc(len + 1);
	if (copy == NULL) {
		return SK_ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (strlen(copy) != len && !is_text(t)) {
		err = SK_EINVAL;
		goto bad;
	}
	if (op == SK_OP_BCONTAINS || op == SK_OP_BSTARTSWITH) {
		if (len % 2 != 0) {
			err = SK_EINVAL;
			goto bad;
		}
		for (size_t i = 0; i < len / 2; i++) {
			int hi = sk_hex_digit(text[2 * i]);
			int lo = sk_hex_digit(text[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				err = SK_EINVAL;
				goto bad;
			}
			copy[i] = (char)(hi << 4 | lo);
		}
		copy[len / 2] = '\0';
		out->v.type = SK_FT_BYTES;
		out->v.u.str.ptr = copy;
		out->v.u.str.len = (uint32_t)(len / 2);
		out->owned = copy;
		return SK_OK;
	}
	switch (t) {
	case SK_FT_STRING:
	case SK_FT_BYTES:
		out->v.type = t;
		out->v.u.str.ptr = copy;
		out->v.u.str.len = (uint32_t)len;
		out->owned = copy;
		return SK_OK;
	case SK_FT_BOOL:
		out->v.type = SK_FT_BOOL;
		if (strcmp(copy, "true") == 0) {
			out->v.u.b = true;
		} else if (strcmp(copy, "false") == 0) {
			out->v.u.b = false;
		} else {
			err = SK_EINVAL;
		}
		break;
	case SK_FT_IPADDR:
	case SK_FT_IPNET:
		err = parse_ip_or_net(copy, &out->v);
		break;
	default:
		err = parse_number(t, copy, &out->v);
		break;
	}
	if (err == SK_OK) {
		free(copy);
		return SK_OK;
	}
bad:
	if (why != NULL) {
		const char *what = (op == SK_OP_BCONTAINS || op == SK_OP_BSTARTSWITH) ? "hex string"
				   : t == SK_FT_BOOL                                ? "bool (true/false)"
				   : (t == SK_FT_IPADDR || t == SK_FT_IPNET)        ? "IP address or CIDR"
				   : t == SK_FT_DOUBLE                              ? "number"
				   : t == SK_FT_INT64                               ? "integer"
										    : "unsigned integer";
		sk_strbuf_printf(why, "'%s' is not a valid %s", copy, what);
	}
	free(copy);
	return err;
}

void sk_op_const_free(sk_const *c)
{
	free(c->owned);
	c->owned = NULL;
}

static bool ip_equal(const sk_ip *a, const sk_ip *b)
{
	size_t n = a->family == 4 ? 4 : 16;
	return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}

static bool net_contains(const sk_ipnet *net, const sk_ip *ip)
{
	if (net->addr.family != ip->family) {
		return false;
	}
	unsigned bits = net->prefix_len;
	unsigned full = bits / 8;
	if (memcmp(net->addr.bytes, ip->bytes, full) != 0) {
		return false;
	}
	if (bits % 8 == 0) {
		return true;
	}
	uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
	return (net->addr.bytes[full] & mask) == (ip->bytes[full] & mask);
}

static bool ip_cmp_eq(const sk_value *lhs, const sk_value *rhs)
{
	if (lhs->type == SK_FT_IPADDR && rhs->type == SK_FT_IPADDR) {
		return ip_equal(&lhs->u.ip, &rhs->u.ip);
	}
	if (lhs->type == SK_FT_IPADDR && rhs->type == SK_FT_IPNET) {
		return net_contains(&rhs->u.net, &lhs->u.ip);
	}
	if (lhs->type == SK_FT_IPNET && rhs->type == SK_FT_IPADDR) {
		return net_contains(&lhs->u.net, &rhs->u.ip);
	}
	if (lhs->type == SK_FT_IPNET && rhs->type == SK_FT_IPNET) {
		return lhs->u.net.prefix_len == rhs->u.net.prefix_len && ip_equal(&lhs->u.net.addr, &rhs->u.net.addr);
	}
	return false;
}

static bool icontains(const char *h, size_t hn, const char *n, size_t nn)
{
	if (nn == 0) {
		return true;
	}
	for (size_t i = 0; i + nn <= hn; i++) {
		if (strncasecmp(h + i, n, nn) == 0) {
			return true;
		}
	}
	return false;
}

static bool glob_match(const char *pattern, const char *s, size_t n, int flags)
{
	char stackbuf[512];
	char *subject = n < sizeof(stackbuf) ? stackbuf : malloc(n + 1);
	if (subject == NULL) {
		return false;
	}
	memcpy(subject, s, n);
	subject[n] = '\0';
	/* An embedded NUL would cut the subject short: such values cannot match. */
	bool ok = strlen(subject) == n && fnmatch(pattern, subject, flags) == 0;
	if (subject != stackbuf) {
		free(subject);
	}
	return ok;
}

static int num_order(const sk_value *a, const sk_value *b)
{
	switch (a->type) {
	case SK_FT_INT64:
		return a->u.i64 < b->u.i64 ? -1 : a->u.i64 > b->u.i64;
	case SK_FT_DOUBLE:
		return a->u.f64 < b->u.f64 ? -1 : a->u.f64 > b->u.f64;
	case SK_FT_BOOL:
		return (int)a->u.b - (int)b->u.b;
	default:
		return a->u.u64 < b->u.u64 ? -1 : a->u.u64 > b->u.u64;
	}
}

static int text_order(const sk_value *a, const sk_value *b)
{
	uint32_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
	int c = n ? memcmp(a->u.str.ptr, b->u.str.ptr, n) : 0;
	if (c != 0) {
		return c < 0 ? -1 : 1;
	}
	return a->u.str.len < b->u.str.len ? -1 : a->u.str.len > b->u.str.len;
}

int sk_op_value_order(const sk_value *a, const sk_value *b)
{
	if (is_text(a->type)) {
		return text_order(a, b);
	}
	if (a->type == SK_FT_IPADDR || a->type == SK_FT_IPNET) {
		return memcmp(&a->u, &b->u, sizeof(a->u.net));
	}
	return num_order(a, b);
}

bool sk_op_path_prefix(const char *path, size_t path_len, const char *prefix, size_t prefix_len)
{
	while (prefix_len > 1 && prefix[prefix_len - 1] == '/') {
		prefix_len--;
	}
	if (path_len < prefix_len || memcmp(path, prefix, prefix_len) != 0) {
		return false;
	}
	return path_len == prefix_len || path[prefix_len] == '/' || prefix[prefix_len - 1] == '/';
}

bool sk_op_cmp(sk_op op, const sk_value *lhs, const sk_value *rhs)
{
	if (lhs->type == SK_FT_IPADDR || lhs->type == SK_FT_IPNET) {
		bool eq = ip_cmp_eq(lhs, rhs);
		return op == SK_OP_NE ? !eq : (op == SK_OP_EQ && eq);
	}
	if (!is_text(lhs->type)) {
		if (is_text(rhs->type)) {
			return false;
		}
		int c = num_order(lhs, rhs);
		switch (op) {
		case SK_OP_EQ:
			return c == 0;
		case SK_OP_NE:
			return c != 0;
		case SK_OP_LT:
			return c < 0;
		case SK_OP_LE:
			return c <= 0;
		case SK_OP_GT:
			return c > 0;
		case SK_OP_GE:
			return c >= 0;
		default:
			return false;
		}
	}
	if (!is_text(rhs->type)) {
		return false;
	}
	const char *h = lhs->u.str.ptr, *n = rhs->u.str.ptr;
	size_t hn = lhs->u.str.len, nn = rhs->u.str.len;
	switch (op) {
	case SK_OP_EQ:
		return hn == nn && (nn == 0 || memcmp(h, n, nn) == 0);
	case SK_OP_NE:
		return !(hn == nn && (nn == 0 || memcmp(h, n, nn) == 0));
	case SK_OP_LT:
		return text_order(lhs, rhs) < 0;
	case SK_OP_LE:
		return text_order(lhs, rhs) <= 0;
	case SK_OP_GT:
		return text_order(lhs, rhs) > 0;
	case SK_OP_GE:
		return text_order(lhs, rhs) >= 0;
	case SK_OP_CONTAINS:
	case SK_OP_BCONTAINS:
		return nn == 0 || (hn >= nn && memmem(h, hn, n, nn) != NULL);
	case SK_OP_ICONTAINS:
		return icontains(h, hn, n, nn);
	case SK_OP_STARTSWITH:
	case SK_OP_BSTARTSWITH:
		return hn >= nn && (nn == 0 || memcmp(h, n, nn) == 0);
	case SK_OP_ENDSWITH:
		return hn >= nn && (nn == 0 || memcmp(h + hn - nn, n, nn) == 0);
	case SK_OP_GLOB:
		return glob_match(n, h, hn, 0);
	case SK_OP_IGLOB:
		return glob_match(n, h, hn, FNM_CASEFOLD);
	default:
		return false;
	}
}

static void ip_text(const sk_ip *ip, sk_strbuf *out)
{
	char buf[INET6_ADDRSTRLEN];
	if (inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, ip->bytes, buf, sizeof(buf)) == NULL) {
		sk_strbuf_puts(out, "<NA>");
		return;
	}
	sk_strbuf_puts(out, buf);
}

void sk_op_value_text(const sk_value *v, bool bytes_base64, sk_strbuf *out)
{
	switch (v->type) {
	case SK_FT_STRING:
		sk_strbuf_append(out, v->u.str.ptr, v->u.str.len);
		break;
	case SK_FT_BYTES:
		if (bytes_base64) {
			sk_strbuf_base64(out, v->u.str.ptr, v->u.str.len);
			break;
		}
		/* Buffers may hold anything: keep the line printable. */
		for (uint32_t i = 0; i < v->u.str.len; i++) {
			unsigned char c = (unsigned char)v->u.str.ptr[i];
			sk_strbuf_putc(out, isprint(c) ? (char)c : '.');
		}
		break;
	case SK_FT_INT64:
		sk_strbuf_printf(out, "%" PRId64, v->u.i64);
		break;
	case SK_FT_BOOL:
		sk_strbuf_puts(out, v->u.b ? "true" : "false");
		break;
	case SK_FT_DOUBLE:
		sk_strbuf_printf(out, "%g", v->u.f64);
		break;
	case SK_FT_IPADDR:
		ip_text(&v->u.ip, out);
		break;
	case SK_FT_IPNET:
		ip_text(&v->u.net.addr, out);
		sk_strbuf_printf(out, "/%u", (unsigned)v->u.net.prefix_len);
		break;
	default:
		sk_strbuf_printf(out, "%" PRIu64, v->u.u64);
		break;
	}
}

void sk_op_value_json(const sk_value *v, bool bytes_base64, sk_strbuf *out)
{
	switch (v->type) {
	case SK_FT_STRING:
		sk_strbuf_json_string(out, v->u.str.ptr, v->u.str.len);
		break;
	case SK_FT_BYTES:
	case SK_FT_IPADDR:
	case SK_FT_IPNET: {
		sk_strbuf tmp = SK_STRBUF_INIT;
		sk_op_value_text(v, bytes_base64, &tmp);
		sk_strbuf_json_string(out, sk_strbuf_str(&tmp), tmp.len);
		sk_strbuf_free(&tmp);
		break;
	}
	default:
		sk_op_value_text(v, bytes_base64, out);
		break;
	}
}
