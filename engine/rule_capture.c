/* rule_capture.c: capture files started by alerts (see rule_capture.h). */
#include "rule_capture.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scap_writer.h"
#include "sk_log.h"
#include "state_scap.h"

#define NS_PER_MS 1000000ull

struct sk_rcap {
	sk_rule_capture_config cfg; /* path_prefix is our copy */
	sk_scap_writer *w;          /* NULL: no file open */
	char path[sizeof(((sk_rcap_done *)0)->path)];
	uint64_t deadline_ns;
	uint64_t events;
	uint64_t raw_checked; /* the writer's raw bytes at the last size check */
	/* after a file could not be created: triggers before this time try no
	 * other (one error per would-be capture, not one per alert) */
	uint64_t refused_until_ns;
};

static const char *reason_text(sk_rcap_reason r)
{
	switch (r) {
	case SK_RCAP_DEADLINE:
		return "its duration passed";
	case SK_RCAP_SIZE:
		return "max_file_size_mb reached";
	case SK_RCAP_SHUTDOWN:
		return "capture stopped";
	case SK_RCAP_WRITE_FAIL:
		return "a write failed: the file is incomplete";
	case SK_RCAP_OPEN:
		break;
	}
	return "open";
}

static void close_file(sk_rcap *c, sk_rcap_reason reason, sk_rcap_done *done)
{
	sk_err err = sk_scap_writer_close(c->w);
	c->w = NULL;
	if (err != SK_OK) {
		reason = SK_RCAP_WRITE_FAIL;
	}
	struct stat sb;
	uint64_t bytes = stat(c->path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
	if (reason == SK_RCAP_WRITE_FAIL) {
		sk_error("capture: %s: %s (%s)", c->path, reason_text(reason), sk_strerror(err));
	} else {
		sk_info("capture: %s closed, %s: %" PRIu64 " events, %" PRIu64 " bytes", c->path,
		        reason_text(reason), c->events, bytes);
	}
	if (done != NULL) {
		done->reason = reason;
		snprintf(done->path, sizeof(done->path), "%s", c->path);
		done->events = c->events;
		done->bytes = bytes;
	}
}

static void no_done(sk_rcap_done *done)
{
	if (done != NULL) {
		memset(done, 0, sizeof(*done));
	}
}

static sk_err copy_config(sk_rule_capture_config *dst, const sk_rule_capture_config *src)
{
	char *prefix = strdup(src->path_prefix != NULL ? src->path_prefix : "/tmp/saker");
	if (prefix == NULL) {
		return SK_ENOMEM;
	}
	free(dst->path_prefix);
	*dst = *src;
	dst->path_prefix = prefix;
	return SK_OK;
}

sk_err sk_rcap_new(const sk_rule_capture_config *cfg, sk_rcap **out)
{
	sk_rcap *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return SK_ENOMEM;
	}
	sk_err err = copy_config(&c->cfg, cfg);
	if (err != SK_OK) {
		free(c);
		return err;
	}
	*out = c;
	return SK_OK;
}

sk_err sk_rcap_configure(sk_rcap *c, const sk_rule_capture_config *cfg, sk_rcap_done *done)
{
	no_done(done);
	const char *prefix = cfg->path_prefix != NULL ? cfg->path_prefix : "/tmp/saker";
	if (c->w != NULL && (!cfg->enabled || strcmp(prefix, c->cfg.path_prefix) != 0)) {
		close_file(c, SK_RCAP_SHUTDOWN, done);
	}
	return copy_config(&c->cfg, cfg);
}

bool sk_rcap_wants(const sk_rcap *c, const sk_rule *rule)
{
	return c->cfg.enabled && (c->cfg.all_rules || rule->capture);
}

bool sk_rcap_active(const sk_rcap *c)
{
	return c != NULL && c->w != NULL;
}

sk_err sk_rcap_event(sk_rcap *c, const sk_event *evt, sk_rcap_done *done)
{
	no_done(done);
	if (c->w == NULL) {
		return SK_OK;
	}
	if (evt->ts > c->deadline_ns) {
		close_file(c, SK_RCAP_DEADLINE, done);
		return SK_OK;
	}
	if (sk_scap_writer_event(c->w, evt) != SK_OK) {
		close_file(c, SK_RCAP_WRITE_FAIL, done);
		return SK_OK;
	}
	c->events++;
	/* the size on disk costs a system call: looked at once per 64 KiB
	 * written, a fraction of zlib's 256 KiB buffer */
	uint64_t max = (uint64_t)c->cfg.max_file_size_mb * 1024 * 1024;
	uint64_t raw = sk_scap_writer_raw_bytes(c->w);
	if (max > 0 && raw - c->raw_checked >= 64 * 1024) {
		c->raw_checked = raw;
		if (sk_scap_writer_disk_bytes(c->w) >= max) {
			close_file(c, SK_RCAP_SIZE, done);
		}
	}
	return SK_OK;
}

/* This machine, as the file's machine-info block. */
static void machine_info(sk_scap_machine *mi, char *host, size_t host_len)
{
	memset(mi, 0, sizeof(*mi));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long pages = sysconf(_SC_PHYS_PAGES);
	long page = sysconf(_SC_PAGESIZE);
	mi->num_cpus = cpus > 0 ? (uint32_t)cpus : 0;
	mi->memory_bytes = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
	if (gethostname(host, host_len) != 0) {
		host[0] = '\0';
	}
	host[host_len - 1] = '\0';
	mi->hostname = host;
	struct timespec rt, bt;
	if (clock_gettime(CLOCK_REALTIME, &rt) == 0 && clock_gettime(CLOCK_BOOTTIME, &bt) == 0) {
		mi->boot_ts = ((uint64_t)rt.tv_sec - (uint64_t)bt.tv_sec) * 1000000000ull +
		              (uint64_t)rt.tv_nsec - (uint64_t)bt.tv_nsec;
	}
}

/* Opens the file for a capture starting at evt and writes what precedes
 * the events: the machine and the state. */
static sk_err open_file(sk_rcap *c, const sk_state *st, const sk_event *evt)
{
	int n = snprintf(c->path, sizeof(c->path), "%s_%020" PRIu64 "_%020" PRIu64 ".scap",
	                 c->cfg.path_prefix, evt->ts, evt->num);
	if (n < 0 || (size_t)n >= sizeof(c->path)) {
		sk_error("capture: path_prefix '%s' is too long", c->cfg.path_prefix);
		return SK_ERANGE;
	}
	sk_err err = sk_scap_writer_open_file(c->path, true, &c->w);
	if (err != SK_OK) {
		sk_error("capture: cannot create %s: %s", c->path, strerror(errno));
		return err;
	}
	char host[256];
	sk_scap_machine mi;
	machine_info(&mi, host, sizeof(host));
	c->events = 0;
	err = sk_scap_writer_machine(c->w, &mi);
	if (err == SK_OK) {
		err = sk_state_scap_write(st, c->w);
	}
	return err;
}

sk_err sk_rcap_rule_matched(sk_rcap *c, const sk_state *st, const sk_rule *rule, const sk_event *evt)
{
	if (!sk_rcap_wants(c, rule)) {
		return SK_OK;
	}
	uint64_t ms = rule->capture_duration_ms != 0 ? rule->capture_duration_ms : c->cfg.default_duration_ms;
	/* a duration past the end of time (a rules file may say anything)
	 * lasts until the engine stops */
	uint64_t deadline = ms < (UINT64_MAX - evt->ts) / NS_PER_MS ? evt->ts + ms * NS_PER_MS : UINT64_MAX;
	if (c->w != NULL) {
		if (deadline > c->deadline_ns) {
			c->deadline_ns = deadline;
		}
		return SK_OK;
	}
	if (evt->ts < c->refused_until_ns) {
		return SK_OK;
	}
	sk_err err = open_file(c, st, evt);
	if (err == SK_OK) {
		err = sk_scap_writer_event(c->w, evt);
	}
	if (err != SK_OK) {
		c->refused_until_ns = deadline;
		if (c->w != NULL) {
			close_file(c, SK_RCAP_WRITE_FAIL, NULL);
		}
		return SK_OK; /* logged: the alert itself goes on */
	}
	c->events = 1;
	c->raw_checked = sk_scap_writer_raw_bytes(c->w);
	c->deadline_ns = deadline;
	sk_info("capture: rule '%s' started %s (%" PRIu64 " ms)", rule->name, c->path, ms);
	return SK_OK;
}

void sk_rcap_tick(sk_rcap *c, uint64_t now_ns, sk_rcap_done *done)
{
	no_done(done);
	if (c->w != NULL && now_ns > c->deadline_ns) {
		close_file(c, SK_RCAP_DEADLINE, done);
	}
}

void sk_rcap_free(sk_rcap *c, sk_rcap_done *done)
{
	no_done(done);
	if (c == NULL) {
		return;
	}
	if (c->w != NULL) {
		close_file(c, SK_RCAP_SHUTDOWN, done);
	}
	free(c->cfg.path_prefix);
	free(c);
}
