/* otlp_pb: OTLP requests in protobuf (OTLP/HTTP with protobuf, OTLP/gRPC)
 * through protoc-c's code for otlp_wire.proto. Traces and logs are built
 * from the alerts: the messages live in an arena and point at the alerts'
 * own strings, so a batch costs a few allocations, not one per field. Any
 * JSON request (metrics, whose series keep their attributes as OTLP/JSON)
 * is re-encoded field by field through the descriptors; the tests hold
 * the builders to that re-encoding of otlp.c's JSON, byte for byte. */
#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otlp.h"
#include "otlp_wire.pb-c.h"
#include "spl_http.h"
#include "spl_util.h"

/* deeper than any request otlp.c writes (an attribute's array is level 9) */
#define OTLP_PB_MAX_DEPTH 16
#define OTLP_ARENA_BLOCK (64u * 1024u)

/* Bump allocation for one request's messages, freed at once. */
typedef struct otlp_arena_block {
	struct otlp_arena_block *next;
	size_t used, size;
	_Alignas(16) char data[];
} otlp_arena_block;

typedef struct otlp_arena {
	otlp_arena_block *head;
	bool failed;
} otlp_arena;

/* n zeroed bytes aligned for any message, NULL (and a->failed) when
 * memory ran out. */
static void *otlp_arena_alloc(otlp_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	otlp_arena_block *b = a->head;
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > OTLP_ARENA_BLOCK ? n : OTLP_ARENA_BLOCK;
		b = malloc(sizeof(*b) + size);
		if (b == NULL) {
			a->failed = true;
			return NULL;
		}
		b->next = a->head;
		b->used = 0;
		b->size = size;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

static void otlp_arena_free(otlp_arena *a)
{
	while (a->head != NULL) {
		otlp_arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

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
			int hi = sk_hex_digit(s[2 * i]), lo = sk_hex_digit(s[2 * i + 1]);
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

static sk_err otlp_pb_pack(const ProtobufCMessage *m, bool grpc_frame, sk_strbuf *out);

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
	err = otlp_pb_pack(m, grpc_frame, out);
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

/* s as a protobuf string: itself when valid UTF-8 (protobuf requires it),
 * else a copy with U+FFFD for each bad byte, as the JSON writers do. */
static char *otlp_pb_text(otlp_arena *a, const char *s)
{
	if (spl_utf8_valid(s)) {
		return (char *)s; /* only read: pack never writes through it */
	}
	sk_strbuf fixed = SK_STRBUF_INIT;
	spl_utf8_repair(&fixed, s);
	char *copy = sk_strbuf_failed(&fixed) ? NULL : otlp_arena_alloc(a, fixed.len + 1);
	if (copy != NULL) {
		memcpy(copy, fixed.data, fixed.len + 1);
	} else {
		a->failed = true;
	}
	sk_strbuf_free(&fixed);
	return copy != NULL ? copy : (char *)"";
}

static Saker__Otlp__AnyValue *otlp_pb_string_value(otlp_arena *a, const char *s)
{
	Saker__Otlp__AnyValue *v = otlp_arena_alloc(a, sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	saker__otlp__any_value__init(v);
	v->value_case = SAKER__OTLP__ANY_VALUE__VALUE_STRING_VALUE;
	v->string_value = otlp_pb_text(a, s);
	return v;
}

/* Sets *kv to the attribute key=value (a string), or to NULL. */
static void otlp_pb_attr(otlp_arena *a, Saker__Otlp__KeyValue **kv, const char *key, const char *value)
{
	*kv = otlp_arena_alloc(a, sizeof(**kv));
	if (*kv == NULL) {
		return;
	}
	saker__otlp__key_value__init(*kv);
	(*kv)->key = otlp_pb_text(a, key);
	(*kv)->value = otlp_pb_string_value(a, value);
}

/* The tags attribute as an array of strings (traces). */
static void otlp_pb_tags_attr(otlp_arena *a, Saker__Otlp__KeyValue **kv, const saker_alert *alert)
{
	Saker__Otlp__ArrayValue *array = otlp_arena_alloc(a, sizeof(*array));
	Saker__Otlp__AnyValue *v = otlp_arena_alloc(a, sizeof(*v));
	*kv = otlp_arena_alloc(a, sizeof(**kv));
	if (array == NULL || v == NULL || *kv == NULL) {
		return;
	}
	saker__otlp__array_value__init(array);
	array->values = otlp_arena_alloc(a, (alert->ntags + 1) * sizeof(*array->values));
	for (size_t i = 0; i < alert->ntags && array->values != NULL; i++) {
		array->values[i] = otlp_pb_string_value(a, alert->tags[i]);
	}
	array->n_values = array->values != NULL ? alert->ntags : 0;
	saker__otlp__any_value__init(v);
	v->value_case = SAKER__OTLP__ANY_VALUE__VALUE_ARRAY_VALUE;
	v->array_value = array;
	saker__otlp__key_value__init(*kv);
	(*kv)->key = "tags";
	(*kv)->value = v;
}

static Saker__Otlp__Resource *otlp_pb_resource(otlp_arena *a, const otlp_config *cfg)
{
	Saker__Otlp__Resource *r = otlp_arena_alloc(a, sizeof(*r));
	Saker__Otlp__KeyValue **attrs = otlp_arena_alloc(a, 2 * sizeof(*attrs));
	if (r == NULL || attrs == NULL) {
		return NULL;
	}
	saker__otlp__resource__init(r);
	otlp_pb_attr(a, &attrs[0], "service.name", cfg->service_name);
	otlp_pb_attr(a, &attrs[1], "service.version", cfg->service_version);
	r->attributes = attrs;
	r->n_attributes = 2;
	return r;
}

static Saker__Otlp__Scope *otlp_pb_scope(otlp_arena *a, const char *name)
{
	Saker__Otlp__Scope *scope = otlp_arena_alloc(a, sizeof(*scope));
	if (scope != NULL) {
		saker__otlp__scope__init(scope);
		scope->name = (char *)name;
	}
	return scope;
}

/* Packs m into out, after gRPC's message prefix when grpc_frame. */
static sk_err otlp_pb_pack(const ProtobufCMessage *m, bool grpc_frame, sk_strbuf *out)
{
	size_t size = protobuf_c_message_get_packed_size(m);
	if (grpc_frame) {
		if (size > UINT32_MAX) {
			return SK_EINVAL;
		}
		uint8_t prefix[SPL_GRPC_PREFIX];
		spl_grpc_prefix(prefix, false, (uint32_t)size);
		sk_strbuf_append(out, prefix, sizeof(prefix));
	}
	/* packed whole, then copied: pack_to_buffer's append per field costs more */
	uint8_t *packed = malloc(size > 0 ? size : 1);
	if (packed == NULL) {
		return SK_ENOMEM;
	}
	size_t len = protobuf_c_message_pack(m, packed);
	sk_strbuf_append(out, packed, len);
	free(packed);
	if (len != size) {
		return SK_EINTERNAL;
	}
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

static Saker__Otlp__Span *otlp_pb_span(otlp_arena *a, const otlp_config *cfg, const saker_alert *alert)
{
	static Saker__Otlp__SpanStatus unset = SAKER__OTLP__SPAN_STATUS__INIT;
	Saker__Otlp__Span *span = otlp_arena_alloc(a, sizeof(*span));
	uint8_t *ids = otlp_arena_alloc(a, 24);
	Saker__Otlp__SpanEvent *event = otlp_arena_alloc(a, sizeof(*event));
	Saker__Otlp__SpanEvent **events = otlp_arena_alloc(a, sizeof(*events));
	size_t nattrs = 6 + alert->nfields;
	Saker__Otlp__KeyValue **attrs = otlp_arena_alloc(a, nattrs * sizeof(*attrs));
	if (span == NULL || ids == NULL || event == NULL || events == NULL || attrs == NULL) {
		return NULL;
	}
	saker__otlp__span__init(span);
	otlp_trace_id_bytes(alert, ids);
	otlp_span_id_bytes(alert, ids + 16);
	span->trace_id = (ProtobufCBinaryData){.len = 16, .data = ids};
	span->span_id = (ProtobufCBinaryData){.len = 8, .data = ids + 16};
	span->name = otlp_pb_text(a, alert->rule);
	span->kind = 2; /* SERVER */
	span->start_time_unix_nano = (uint64_t)otlp_time_ns(alert->time_ns);
	span->end_time_unix_nano = (uint64_t)otlp_time_ns(alert->time_ns + cfg->duration_ms * 1000000);
	otlp_pb_attr(a, &attrs[0], "uuid", alert->uuid);
	otlp_pb_attr(a, &attrs[1], "source", alert->source);
	otlp_pb_attr(a, &attrs[2], "priority", alert->priority);
	otlp_pb_attr(a, &attrs[3], "rule", alert->rule);
	otlp_pb_attr(a, &attrs[4], "hostname", alert->hostname);
	otlp_pb_tags_attr(a, &attrs[5], alert);
	for (size_t i = 0; i < alert->nfields; i++) {
		otlp_pb_attr(a, &attrs[6 + i], alert->field_names[i], alert->field_values[i]);
	}
	span->attributes = attrs;
	span->n_attributes = nattrs;
	saker__otlp__span_event__init(event);
	event->time_unix_nano = (uint64_t)otlp_time_ns(alert->time_ns);
	event->name = otlp_pb_text(a, alert->output);
	events[0] = event;
	span->events = events;
	span->n_events = 1;
	span->status = &unset; /* only read */
	return span;
}

sk_err otlp_traces_pb(sk_strbuf *out, const otlp_config *cfg, const saker_alert *const *alerts, size_t n,
		      bool grpc_frame)
{
	otlp_arena a = {0};
	Saker__Otlp__TracesRequest req = SAKER__OTLP__TRACES_REQUEST__INIT;
	Saker__Otlp__ResourceSpans rs = SAKER__OTLP__RESOURCE_SPANS__INIT;
	Saker__Otlp__ScopeSpans ss = SAKER__OTLP__SCOPE_SPANS__INIT;
	Saker__Otlp__ResourceSpans *rs_list[] = {&rs};
	Saker__Otlp__ScopeSpans *ss_list[] = {&ss};
	sk_err err = SK_ENOMEM;

	sk_strbuf_reset(out);
	rs.resource = otlp_pb_resource(&a, cfg);
	ss.scope = otlp_pb_scope(&a, "falco-event");
	ss.spans = otlp_arena_alloc(&a, (n + 1) * sizeof(*ss.spans));
	for (size_t i = 0; i < n && ss.spans != NULL; i++) {
		ss.spans[i] = otlp_pb_span(&a, cfg, alerts[i]);
	}
	if (!a.failed) {
		ss.n_spans = n;
		rs.scope_spans = ss_list;
		rs.n_scope_spans = 1;
		req.resource_spans = rs_list;
		req.n_resource_spans = 1;
		err = otlp_pb_pack(&req.base, grpc_frame, out);
	}
	otlp_arena_free(&a);
	return err;
}

static Saker__Otlp__LogRecord *otlp_pb_log(otlp_arena *a, const saker_alert *alert, int64_t now_ns)
{
	Saker__Otlp__LogRecord *rec = otlp_arena_alloc(a, sizeof(*rec));
	Saker__Otlp__KeyValue **attrs = otlp_arena_alloc(a, 6 * sizeof(*attrs));
	sk_strbuf text = SK_STRBUF_INIT;
	if (rec == NULL || attrs == NULL) {
		return NULL;
	}
	saker__otlp__log_record__init(rec);
	rec->time_unix_nano = (uint64_t)otlp_time_ns(alert->time_ns);
	rec->observed_time_unix_nano = (uint64_t)otlp_time_ns(now_ns);
	rec->severity_number = otlp_severity(alert->priority_num);
	rec->severity_text = otlp_pb_text(a, alert->priority);
	rec->body = otlp_pb_string_value(a, alert->output);
	otlp_pb_attr(a, &attrs[0], "priority", alert->priority);
	otlp_pb_attr(a, &attrs[1], "source", alert->source);
	otlp_pb_attr(a, &attrs[2], "rule", alert->rule);
	otlp_pb_attr(a, &attrs[3], "hostname", alert->hostname);
	/* two texts made for the record: copied into the arena */
	spl_join_tags(&text, alert, ",");
	sk_strbuf_putc(&text, '\0');
	size_t tags_len = text.len;
	spl_go_time(&text, alert->time_ns);
	char *texts = sk_strbuf_failed(&text) ? NULL : otlp_arena_alloc(a, text.len + 1);
	if (texts != NULL) {
		memcpy(texts, text.data, text.len + 1);
		otlp_pb_attr(a, &attrs[4], "tags", texts);
		otlp_pb_attr(a, &attrs[5], "timestamp", texts + tags_len);
	} else {
		a->failed = true;
	}
	sk_strbuf_free(&text);
	rec->attributes = attrs;
	rec->n_attributes = 6;
	return rec;
}

sk_err otlp_logs_pb(sk_strbuf *out, const otlp_config *cfg, const saker_alert *const *alerts, size_t n,
		    int64_t now_ns, bool grpc_frame)
{
	otlp_arena a = {0};
	Saker__Otlp__LogsRequest req = SAKER__OTLP__LOGS_REQUEST__INIT;
	Saker__Otlp__ResourceLogs rl = SAKER__OTLP__RESOURCE_LOGS__INIT;
	Saker__Otlp__ScopeLogs sl = SAKER__OTLP__SCOPE_LOGS__INIT;
	Saker__Otlp__ResourceLogs *rl_list[] = {&rl};
	Saker__Otlp__ScopeLogs *sl_list[] = {&sl};
	sk_err err = SK_ENOMEM;

	sk_strbuf_reset(out);
	rl.resource = otlp_pb_resource(&a, cfg);
	sl.scope = otlp_pb_scope(&a, "falco");
	sl.log_records = otlp_arena_alloc(&a, (n + 1) * sizeof(*sl.log_records));
	for (size_t i = 0; i < n && sl.log_records != NULL; i++) {
		sl.log_records[i] = otlp_pb_log(&a, alerts[i], now_ns);
	}
	if (!a.failed) {
		sl.n_log_records = n;
		rl.scope_logs = sl_list;
		rl.n_scope_logs = 1;
		req.resource_logs = rl_list;
		req.n_resource_logs = 1;
		err = otlp_pb_pack(&req.base, grpc_frame, out);
	}
	otlp_arena_free(&a);
	return err;
}
