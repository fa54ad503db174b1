/* event.c: bounds-checked decoding of scap events into sk_event views. */
#include "event.h"

#include <stdbool.h>
#include <string.h>

#include "event_table.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Reads the common header; checks the declared length against avail. */
static sk_err decode_header(const uint8_t *raw, size_t avail, size_t header_len, sk_event *out)
{
	uint32_t len;

	if (raw == NULL || out == NULL) {
		return SK_EINVAL;
	}
	if (avail < header_len) {
		return SK_ETRUNC;
	}
	len = rd32(raw + 16);
	if (len < header_len) {
		return SK_EINVAL;
	}
	if (len > avail) {
		return SK_ETRUNC;
	}
	out->ts = rd64(raw);
	out->tid = rd64(raw + 8);
	out->len = len;
	out->type = rd16(raw + 20);
	out->info = sk_event_info_get(out->type);
	out->raw = raw;
	out->nparams = 0;
	out->cpu = 0;
	out->num = 0;
	return SK_OK;
}

/* Fills param[] from the length array at lens (width 2 or 4 bytes each)
 * followed by the data; every length is checked against the event's end. */
static sk_err decode_params(sk_event *out, size_t lens_off, uint32_t nparams, size_t width)
{
	size_t data = lens_off + (size_t)nparams * width;

	if (nparams > SK_EVENT_MAX_PARAMS) {
		return SK_EINVAL;
	}
	if (data > out->len) {
		return SK_EINVAL;
	}
	for (uint32_t i = 0; i < nparams; i++) {
		const uint8_t *lp = out->raw + lens_off + (size_t)i * width;
		uint32_t plen = width == 4 ? rd32(lp) : rd16(lp);
		if (plen > out->len - data) {
			return SK_EINVAL;
		}
		out->param[i] = out->raw + data;
		out->param_len[i] = plen;
		data += plen;
	}
	out->nparams = nparams;
	return SK_OK;
}

static size_t len_width(const sk_event *evt, unsigned flags)
{
	return (flags & SK_EVENT_F_LARGE) != 0 || (evt->info->flags & SK_EF_LARGE_PAYLOAD) != 0 ? 4 : 2;
}

/* Old files carry no nparams: take the largest count not above the table's
 * whose lengths add up to exactly the event's size. */
static sk_err decode_inferred(sk_event *out, size_t width)
{
	size_t body = out->len - SK_EVENT_LEGACY_HEADER_LEN;

	for (int n = out->info->nparams; n >= 0; n--) {
		size_t sum = (size_t)n * width;
		if (sum > body) {
			continue;
		}
		for (int i = 0; i < n && sum <= body; i++) {
			const uint8_t *lp = out->raw + SK_EVENT_LEGACY_HEADER_LEN + (size_t)i * width;
			sum += width == 4 ? rd32(lp) : rd16(lp);
		}
		if (sum == body) {
			return decode_params(out, SK_EVENT_LEGACY_HEADER_LEN, (uint32_t)n, width);
		}
	}
	return SK_EINVAL;
}

sk_err sk_event_decode_as(const uint8_t *raw, size_t len, unsigned flags, sk_event *out)
{
	bool legacy = (flags & SK_EVENT_F_LEGACY) != 0;
	sk_err err = decode_header(raw, len, legacy ? SK_EVENT_LEGACY_HEADER_LEN : SK_EVENT_HEADER_LEN, out);

	if (err != SK_OK) {
		return err;
	}
	if (legacy) {
		return decode_inferred(out, len_width(out, flags));
	}
	return decode_params(out, SK_EVENT_HEADER_LEN, rd32(raw + 22), len_width(out, flags));
}

sk_err sk_event_decode(const uint8_t *raw, size_t len, sk_event *out)
{
	return sk_event_decode_as(raw, len, 0, out);
}

sk_err sk_event_decode_legacy(const uint8_t *raw, size_t len, sk_event *out)
{
	return sk_event_decode_as(raw, len, SK_EVENT_F_LEGACY, out);
}

sk_err sk_event_param_u64(const sk_event *evt, uint32_t i, uint64_t *out)
{
	const uint8_t *p;

	if (evt == NULL || out == NULL || i >= evt->nparams) {
		return SK_ENOENT;
	}
	p = evt->param[i];
	switch (evt->param_len[i]) {
	case 1:
		*out = p[0];
		return SK_OK;
	case 2:
		*out = rd16(p);
		return SK_OK;
	case 4:
		*out = rd32(p);
		return SK_OK;
	case 8:
		*out = rd64(p);
		return SK_OK;
	default:
		return SK_EINVAL;
	}
}

sk_err sk_event_param_i64(const sk_event *evt, uint32_t i, int64_t *out)
{
	uint64_t u = 0;
	sk_err err = sk_event_param_u64(evt, i, &u);

	if (err != SK_OK) {
		return err;
	}
	/* Sign-extend from the stored width. */
	switch (evt->param_len[i]) {
	case 1:
		*out = (int8_t)u;
		break;
	case 2:
		*out = (int16_t)u;
		break;
	case 4:
		*out = (int32_t)u;
		break;
	default:
		*out = (int64_t)u;
		break;
	}
	return SK_OK;
}

int sk_event_param_by_name(const sk_event *evt, const char *name)
{
	int idx;

	if (evt == NULL || evt->info == NULL) {
		return -1;
	}
	idx = sk_event_param_index(evt->info, name);
	if (idx < 0 || (uint32_t)idx >= evt->nparams) {
		return -1;
	}
	return idx;
}
