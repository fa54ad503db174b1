/* otlp_pb: an OTLP/JSON request re-encoded as protobuf (OTLP/HTTP with
 * protobuf, OTLP/gRPC), field by field through the descriptors protoc-c
 * generates from otlp_wire.proto, so the JSON writers in otlp.c and
 * otlp_metrics.c stay the one place that decides what a request holds. */
#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otlp.h"
#include "otlp_wire.pb-c.h"
#include "spl_util.h"

/* deeper than any request otlp.c writes (an attribute's array is level 9) */
#define OTLP_PB_MAX_DEPTH 16

/* True when key is name in lower camel case ("time_unix_nano" and
 * "timeUnixNano"), as OTLP/JSON spells protobuf's field names. */
static bool otlp_pb_key_is(const char *key, const char *name)
{
	for (; *name != '\0'; name++, key++) {
		char want = *name;
		if (want == '_' && name[1] >= 'a' && name[1] <= 'z') {
			name++;
			want = (char)(*name - 'a' + 'A');
		}
		if (*key != want) {
			return false;
		}
	}
	return *key == '\0';
}

static const ProtobufCFieldDescriptor *otlp_pb_field(const ProtobufCMessageDescriptor *desc, const char *key)
{
	for (unsigned i = 0; i < desc->n_fields; i++) {
		if (otlp_pb_key_is(key, desc->fields[i].name)) {
			return &desc->fields[i];
		}
	}
	return NULL;
}

/* Bytes of one element of a repeated field of type t. */
static size_t otlp_pb_element_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_ENUM:
		return 4;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
	default:
		return sizeof(void *);
	}
}

/* A 64-bit number written as a JSON string of decimal digits (OTLP/JSON's
 * form) or as a JSON integer. */
static sk_err otlp_pb_int64(json_object *v, int64_t *out)
{
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return SK_OK;
	}
	if (!json_object_is_type(v, json_type_string)) {
		return SK_EINVAL;
	}
	const char *s = json_object_get_string(v);
	char *end = NULL;
	long long n = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0') {
		return SK_EINVAL;
	}
	*out = n;
	return SK_OK;
}

static sk_err otlp_pb_message(const ProtobufCMessageDescriptor *desc, json_object *obj, int depth,
			      ProtobufCMessage **out);

/* Stores the JSON value v as one value of field f at dst (a member of the
 * message, or an element of a repeated field's array). */
static sk_err otlp_pb_value(const ProtobufCFieldDescriptor *f, json_object *v, int depth, void *dst)
{
	int64_t n = 0;
	sk_err err = SK_OK;

	switch (f->type) {
	case PROTOBUF_C_TYPE_MESSAGE:
		return otlp_pb_message(f->descriptor, v, depth + 1, (ProtobufCMessage **)dst);
	case PROTOBUF_C_TYPE_STRING: {
		if (!json_object_is_type(v, json_type_string)) {
			return SK_EINVAL;
		}
		char *s = strdup(json_object_get_string(v));
		if (s == NULL) {
			return SK_ENOMEM;
		}
		*(char **)dst = s;
		return SK_OK;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		/* OTLP/JSON writes ids (the only bytes sent) in hex */
		if (!json_object_is_type(v, json_type_string)) {
			return SK_EINVAL;
		}
		const char *s = json_object_get_string(v);
		size_t len = strlen(s);
		if (len % 2 != 0) {
			return SK_EINVAL;
		}
		uint8_t *data = malloc(len / 2 + 1);
		if (data == NULL) {
			return SK_ENOMEM;
		}
		for (size_t i = 0; i < len / 2; i++) {
			int hi = spl_hex_digit(s[2 * i]), lo = spl_hex_digit(s[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				free(data);
				return SK_EINVAL;
			}
			data[i] = (uint8_t)(hi << 4 | lo);
		}
		*(ProtobufCBinaryData *)dst = (ProtobufCBinaryData){.len = len / 2, .data = data};
		return SK_OK;
	}
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_object_is_type(v, json_type_boolean)) {
			return SK_EINVAL;
		}
		*(protobuf_c_boolean *)dst = json_object_get_boolean(v) ? 1 : 0;
		return SK_OK;
	case PROTOBUF_C_TYPE_DOUBLE:
		if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int)) {
			return SK_EINVAL;
		}
		*(double *)dst = json_object_get_double(v);
		return SK_OK;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_ENUM:
		if (!json_object_is_type(v, json_type_int)) {
			return SK_EINVAL;
		}
		n = json_object_get_int64(v);
		if (n < INT32_MIN || n > INT32_MAX) {
			return SK_EINVAL;
		}
		*(int32_t *)dst = (int32_t)n;
		return SK_OK;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
		err = otlp_pb_int64(v, &n);
		if (err != SK_OK) {
			return err;
		}
		/* OTLP's times are unsigned; none Saker writes is before 1970 */
		if (f->type == PROTOBUF_C_TYPE_FIXED64) {
			if (n < 0) {
				return SK_EINVAL;
			}
			*(uint64_t *)dst = (uint64_t)n;
		} else {
			*(int64_t *)dst = n;
		}
		return SK_OK;
	default:
		return SK_EINVAL; /* a type otlp_wire.proto does not use */
	}
}

/* Sets field f of message m from the JSON value v. */
static sk_err otlp_pb_field_set(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, json_object *v, int depth)
{
	char *base = (char *)m;

	if (f->label != PROTOBUF_C_LABEL_REPEATED) {
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0) {
			/* a second member of the same oneof would leak the first */
			if (*(uint32_t *)(base + f->quantifier_offset) != 0) {
				return SK_EINVAL;
			}
			*(uint32_t *)(base + f->quantifier_offset) = f->id;
		} else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset != 0) {
			*(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;
		}
		return otlp_pb_value(f, v, depth, base + f->offset);
	}
	if (!json_object_is_type(v, json_type_array)) {
		return SK_EINVAL;
	}
	size_t n = json_object_array_length(v);
	if (n == 0) {
		return SK_OK;
	}
	size_t size = otlp_pb_element_size(f->type);
	char *items = calloc(n, size);
	if (items == NULL) {
		return SK_ENOMEM;
	}
	/* the count first: free_unpacked then frees what was filled so far */
	*(size_t *)(base + f->quantifier_offset) = n;
	*(void **)(base + f->offset) = items;
	for (size_t i = 0; i < n; i++) {
		sk_err err = otlp_pb_value(f, json_object_array_get_idx(v, i), depth, items + i * size);
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

/* A message of type desc from the JSON object obj; SK_EINVAL for a key the
 * message has no field for, or a value of the wrong type. *out is set even
 * on failure (NULL or a message to free). */
static sk_err otlp_pb_message(const ProtobufCMessageDescriptor *desc, json_object *obj, int depth,
			      ProtobufCMessage **out)
{
	*out = NULL;
	if (depth > OTLP_PB_MAX_DEPTH || !json_object_is_type(obj, json_type_object)) {
		return SK_EINVAL;
	}
	ProtobufCMessage *m = calloc(1, desc->sizeof_message);
	if (m == NULL) {
		return SK_ENOMEM;
	}
	desc->message_init(m);
	*out = m;
	json_object_object_foreach(obj, key, v)
	{
		const ProtobufCFieldDescriptor *f = otlp_pb_field(desc, key);
		if (f == NULL) {
			return SK_EINVAL;
		}
		sk_err err = otlp_pb_field_set(m, f, v, depth);
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

typedef struct otlp_pb_sink {
	ProtobufCBuffer base;
	sk_strbuf *out;
} otlp_pb_sink;

static void otlp_pb_append(ProtobufCBuffer *buffer, size_t len, const uint8_t *data)
{
	otlp_pb_sink *sink = (otlp_pb_sink *)buffer;
	sk_strbuf_append(sink->out, data, len);
}

static const ProtobufCMessageDescriptor *otlp_pb_request(otlp_signal signal)
{
	switch (signal) {
	case OTLP_SIGNAL_TRACES:
		return &saker__otlp__traces_request__descriptor;
	case OTLP_SIGNAL_LOGS:
		return &saker__otlp__logs_request__descriptor;
	default:
		return &saker__otlp__metrics_request__descriptor;
	}
}

sk_err otlp_pb_from_json(otlp_signal signal, const char *json, size_t len, bool grpc_frame, sk_strbuf *out)
{
	json_tokener *tok = json_tokener_new_ex(OTLP_PB_MAX_DEPTH + 4);
	json_object *doc = NULL;
	ProtobufCMessage *m = NULL;
	sk_err err = SK_ENOMEM;

	sk_strbuf_reset(out);
	if (tok == NULL) {
		goto cleanup;
	}
	err = SK_EINVAL;
	if (len > INT32_MAX) {
		goto cleanup;
	}
	doc = json_tokener_parse_ex(tok, json, (int)len);
	if (doc == NULL || json_tokener_get_parse_end(tok) != len) {
		goto cleanup;
	}
	err = otlp_pb_message(otlp_pb_request(signal), doc, 0, &m);
	if (err != SK_OK) {
		goto cleanup;
	}
	size_t size = protobuf_c_message_get_packed_size(m);
	if (grpc_frame) {
		/* gRPC's length prefix: not compressed, then the size big-endian */
		if (size > UINT32_MAX) {
			err = SK_EINVAL;
			goto cleanup;
		}
		uint8_t prefix[5] = {0, (uint8_t)(size >> 24), (uint8_t)(size >> 16), (uint8_t)(size >> 8),
				     (uint8_t)size};
		sk_strbuf_append(out, prefix, sizeof(prefix));
	}
	otlp_pb_sink sink = {.base = {.append = otlp_pb_append}, .out = out};
	protobuf_c_message_pack_to_buffer(m, &sink.base);
	err = sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
cleanup:
	protobuf_c_message_free_unpacked(m, NULL);
	json_object_put(doc);
	if (tok != NULL) {
		json_tokener_free(tok);
	}
	return err;
}

sk_err otlp_pb_rejected(const void *answer, size_t len, int64_t *rejected, char *why, size_t whylen)
{
	*rejected = 0;
	if (whylen > 0) {
		why[0] = '\0';
	}
	Saker__Otlp__ExportResponse *r = saker__otlp__export_response__unpack(NULL, len, answer);
	if (r == NULL) {
		return SK_EINVAL;
	}
	if (r->partial_success != NULL) {
		*rejected = r->partial_success->rejected;
		if (r->partial_success->error_message != NULL) {
			snprintf(why, whylen, "%s", r->partial_success->error_message);
		}
	}
	saker__otlp__export_response__free_unpacked(r, NULL);
	return SK_OK;
}
