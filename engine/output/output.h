/* output.h: the engine's alert path, Falco's formats and channels.
 *
 * An alert is formatted once, the way Falco does it:
 *   text  "HH:MM:SS.nnnnnnnnn: Priority message" (local time), or with
 *         time_format_iso_8601 "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000: ..."
 *   JSON  {"hostname","output","output_fields","priority","rule","source",
 *         "tags","time"} in that (Falco's, sorted) key order, output_fields
 *         sorted by name and typed, tags sorted, time UTC with 9 fractional
 *         digits and "Z"; "output", "output_fields" and "tags" can be left
 *         out and "message" (the output without time and priority) added.
 * and handed to every enabled channel (stdout, syslog, file, program, http, nng)
 * through one bounded queue and one worker thread, so a slow receiver never
 * stalls evaluation. A full queue drops the alert and counts it; the count
 * is reported by sk_outputs_stats() and logged at close. */
#ifndef SK_OUTPUT_H
#define SK_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"
#include "sk_strbuf.h"

/* Default nng URL of saker-sidekick's alert input (docs/protocol.md). */
#define SK_OUTPUT_NNG_DEFAULT_URL "ipc:///run/saker/alerts.sock"
/* Queue bound used when outputs_queue.capacity is 0 ("unbounded" in Falco). */
#define SK_OUTPUT_QUEUE_DEFAULT 100000u

typedef struct sk_output_config {
	bool json_output;                  /* json_output */
	bool json_include_output_property; /* json_include_output_property (default true) */
	bool json_include_tags_property;   /* json_include_tags_property (default true) */
	bool json_include_message_property;       /* json_include_message_property: message without time/priority */
	bool json_include_output_fields_property; /* json_include_output_fields_property (default true) */
	bool time_format_iso_8601;         /* time_format_iso_8601 */
	bool buffered_outputs;             /* buffered_outputs: no flush per alert */
	uint32_t queue_capacity;           /* outputs_queue.capacity (0: SK_OUTPUT_QUEUE_DEFAULT) */
	uint32_t timeout_ms;               /* output_timeout (default 2000; 0: never reported) */
	bool stdout_enabled;               /* stdout_output.enabled (default true) */
	bool syslog_enabled;               /* syslog_output.enabled (Falco's default true; Saker's false) */
	bool file_enabled;                 /* file_output.enabled */
	bool file_keep_alive;              /* file_output.keep_alive */
	char *file_name;                   /* file_output.filename */
	bool program_enabled;              /* program_output.enabled */
	bool program_keep_alive;           /* program_output.keep_alive */
	char *program;                     /* program_output.program */
	bool http_enabled;                 /* http_output.enabled */
	char *http_url;                    /* http_output.url */
	char *http_user_agent;             /* http_output.user_agent */
	bool http_insecure;                /* http_output.insecure */
	/* http_output TLS and transfer settings, as Falco's: the server is
	 * verified against ca_cert, else ca_bundle, else the ca_path
	 * directory; mtls presents client_cert/client_key; echo copies the
	 * server's answer to stdout; compress_uploads asks for a compressed
	 * answer (curl's TE, what Falco sets); keep_alive sends TCP
	 * keep-alives; a post timing out is retried max_consecutive_timeouts
	 * times. */
	char *http_ca_cert, *http_ca_bundle, *http_ca_path;
	bool http_mtls;
	char *http_client_cert, *http_client_key;
	bool http_echo, http_compress_uploads, http_keep_alive;
	uint32_t http_max_consecutive_timeouts;
	bool nng_enabled;                  /* nng_output.enabled (Saker) */
	char *nng_url;                     /* nng_output.url */
} sk_output_config;

/* Fills cfg with Falco's defaults (stdout on, JSON off, output and tags
 * included); the strings are allocated. */
sk_err sk_output_config_defaults(sk_output_config *cfg);
/* Frees the strings. */
void sk_output_config_free(sk_output_config *cfg);

/* One alert as the engine produced it. */
typedef struct sk_alert {
	uint64_t ts;             /* event time, ns since the epoch */
	const char *rule;
	const char *priority;    /* Falco's spelling: "Warning" */
	const char *source;      /* "syscall" */
	const char *const *tags; /* any order; written sorted */
	size_t ntags;
	const char *hostname;
	const char *message;     /* the rendered output format */
	const char *output_fields; /* JSON object text from the formatter, or NULL for {} */
} sk_alert;

/* Appends the text line (no newline). */
void sk_alert_format_text(const sk_alert *a, const sk_output_config *cfg, sk_strbuf *out);
/* Appends the JSON document (no newline). Returns SK_EINVAL when
 * output_fields is not a JSON object. */
sk_err sk_alert_format_json(const sk_alert *a, const sk_output_config *cfg, sk_strbuf *out);

/* What every channel gets of one alert: the line to write (text or JSON
 * per json_output), the JSON document (for http/nng, which always send
 * JSON unless noted) and the priority as a syslog severity (0 for
 * Emergency .. 7 for Debug, as Falco maps them). */
typedef struct sk_output_item {
	const char *line;
	size_t line_len;
	const char *json;
	size_t json_len;
	int severity;
} sk_output_item;

/* A channel: the vtable every output implements.
 *
 * emit returns SK_OK (delivered: the worker counts it sent), an error (the
 * worker counts it failed) or SK_EAGAIN: the channel copied the alert into
 * a batch and counts it itself, in sent or failed, when the batch leaves.
 * flush (optional, NULL when emit never holds) sends what is held; the
 * worker calls it whenever the queue runs empty, so an alert waits in a
 * batch only while more alerts are already queued behind it. */
typedef struct sk_output_channel sk_output_channel;
typedef struct sk_output_channel_ops {
	const char *name;
	sk_err (*emit)(sk_output_channel *ch, const sk_output_item *item);
	void (*flush)(sk_output_channel *ch);
	/* optional: let go of the file or program held open, so the next
	 * alert opens it anew (SIGUSR1, after a log rotation) */
	void (*reopen)(sk_output_channel *ch);
	void (*close)(sk_output_channel *ch);
} sk_output_channel_ops;
struct sk_output_channel {
	const sk_output_channel_ops *ops;
	uint64_t sent, failed;
};

/* Built-in channels; each returns SK_EIO/SK_EINVAL with a logged reason
 * when it cannot start. */
sk_err sk_output_stdout_open(const sk_output_config *cfg, sk_output_channel **out);
sk_err sk_output_file_open(const sk_output_config *cfg, sk_output_channel **out);
sk_err sk_output_program_open(const sk_output_config *cfg, sk_output_channel **out);
sk_err sk_output_http_open(const sk_output_config *cfg, sk_output_channel **out);
/* syslog_output: each line to syslog (facility user, the alert's
 * severity), as Falco's; nothing is sent where no syslog daemon listens. */
sk_err sk_output_syslog_open(const sk_output_config *cfg, sk_output_channel **out);
/* nng_output batches (docs/protocol.md, "Alerts"): one message carries up
 * to SK_OUTPUT_NNG_BATCH_ALERTS alerts separated by '\n', and is sent once
 * adding the next alert would pass SK_OUTPUT_NNG_BATCH_BYTES (an alert
 * larger than that goes alone) or when the queue runs empty. */
#define SK_OUTPUT_NNG_BATCH_BYTES (64u * 1024u)
#define SK_OUTPUT_NNG_BATCH_ALERTS 256u
sk_err sk_output_nng_open(const sk_output_config *cfg, sk_output_channel **out);

typedef struct sk_outputs sk_outputs;

typedef struct sk_outputs_stats {
	uint64_t alerts;     /* submitted */
	uint64_t queue_full; /* dropped because the queue was full */
	uint64_t sent;       /* channel deliveries that succeeded */
	uint64_t failed;     /* channel deliveries that failed */
	uint64_t timeouts;   /* deliveries reported for passing output_timeout */
} sk_outputs_stats;

/* Opens every enabled channel and starts the worker. */
sk_err sk_outputs_open(const sk_output_config *cfg, sk_outputs **out);

/* Formats a and queues it for every channel; never blocks on a channel.
 * Returns SK_EFULL when the queue was full (the alert is dropped and
 * counted), SK_ENOMEM, or SK_EINVAL for bad output_fields. */
sk_err sk_outputs_submit(sk_outputs *o, const sk_alert *a);

/* Waits until every queued alert went through the channels, checking
 * output_timeout (sk_outputs_check_timeout) while it waits. */
void sk_outputs_drain(sk_outputs *o);

/* output_timeout, as Falco's: when one channel has been delivering one
 * alert for longer than the timeout, logs a warning naming the channel
 * (once per such delivery) and counts it in the stats' timeouts. Nothing
 * is dropped: the alerts behind it wait in the queue. Call it
 * periodically, from one thread; cheap when the worker is idle. */
void sk_outputs_check_timeout(sk_outputs *o);

/* Asks the worker to close the file and program outputs it keeps open
 * (keep_alive): the alerts queued after this call go to a newly opened
 * file and a newly started program, as Falco does on SIGUSR1. Safe from
 * any thread; does not wait. */
void sk_outputs_reopen(sk_outputs *o);

void sk_outputs_stats_get(sk_outputs *o, sk_outputs_stats *out);

/* Drains, stops the worker, closes the channels, logs drops, frees. */
void sk_outputs_close(sk_outputs *o);

#endif
