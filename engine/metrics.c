/* metrics.c: Prometheus text for saker-engine (see metrics.h). */
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define HELP_URL "https://falco.org/docs/metrics/"

/* A label value with \, " and newline escaped, as the format asks. */
static void put_label_value(sk_strbuf *out, const char *v)
{
	sk_strbuf_puts(out, "\"");
	for (const char *p = v != NULL ? v : ""; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"') {
			char esc[2] = {'\\', *p};
			sk_strbuf_append(out, esc, 2);
		} else if (*p == '\n') {
			sk_strbuf_puts(out, "\\n");
		} else {
			sk_strbuf_append(out, p, 1);
		}
	}
	sk_strbuf_puts(out, "\"");
}

static void put_header(sk_strbuf *out, const char *name, const char *type, const char *help)
{
	sk_strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_u64(sk_strbuf *out, const char *name, const char *type, const char *help, uint64_t v)
{
	put_header(out, name, type, help);
	sk_strbuf_printf(out, "%s %llu\n", name, (unsigned long long)v);
}

/* An _info gauge: one label, value 1. */
static void put_info(sk_strbuf *out, const char *name, const char *label, const char *value)
{
	put_header(out, name, "gauge", HELP_URL);
	sk_strbuf_printf(out, "%s{%s=", name, label);
	put_label_value(out, value);
	sk_strbuf_puts(out, "} 1\n");
}

/* A rule's counter is given once it matched, or always with
 * include_empty_values, as Falco does. */
static bool shown(const sk_metrics_snapshot *s, const sk_metrics_rule *r)
{
	return r->name != NULL && (r->matches > 0 || (s->parts & SK_METRICS_EMPTY));
}

sk_err sk_metrics_render(const sk_metrics_snapshot *s, sk_strbuf *out)
{
	put_info(out, "falcosecurity_scap_engine_name_info", "engine_name", s->engine_kind);
	put_info(out, "falcosecurity_falco_version_info", "version", s->version);
	put_info(out, "falcosecurity_falco_kernel_release_info", "kernel_release", s->kernel_release);
	put_info(out, "falcosecurity_evt_hostname_info", "hostname", s->hostname);
	put_info(out, "falcosecurity_falco_evt_source_info", "evt_source", "syscall");
	put_u64(out, "falcosecurity_falco_start_timestamp_nanoseconds", "gauge", HELP_URL, s->start_ns);
	put_u64(out, "falcosecurity_falco_host_boot_timestamp_nanoseconds", "gauge", HELP_URL, s->boot_ns);
	put_u64(out, "falcosecurity_falco_host_num_cpus_total", "gauge", HELP_URL, s->ncpus);
	put_u64(out, "falcosecurity_falco_outputs_queue_num_drops_total", "counter", HELP_URL, s->queue_drops);
	put_u64(out, "falcosecurity_falco_duration_seconds_total", "counter", HELP_URL, s->duration_s);
	if (s->parts & SK_METRICS_RESOURCES) {
		put_header(out, "falcosecurity_falco_cpu_usage_ratio", "gauge", HELP_URL);
		sk_strbuf_printf(out, "falcosecurity_falco_cpu_usage_ratio %.6f\n", s->cpu_usage_ratio);
		put_u64(out, "falcosecurity_falco_memory_rss_bytes", "gauge", HELP_URL, s->rss_bytes);
		put_u64(out, "falcosecurity_falco_memory_vsz_bytes", "gauge", HELP_URL, s->vsz_bytes);
	}
	if (s->have_capture && (s->parts & SK_METRICS_KERNEL)) {
		put_u64(out, "falcosecurity_scap_n_evts_total", "counter", HELP_URL, s->capture_events);
		put_u64(out, "falcosecurity_scap_n_drops_buffer_total", "counter", HELP_URL, s->capture_drops_buffer);
		put_u64(out, "falcosecurity_scap_n_drops_total", "counter", HELP_URL,
			s->capture_drops_buffer + s->capture_drops_other);
	}
	bool header = false;
	for (size_t i = 0; i < s->nrules && (s->parts & SK_METRICS_RULES); i++) {
		const sk_metrics_rule *r = &s->rules[i];
		if (!shown(s, r)) {
			continue;
		}
		if (!header) {
			put_header(out, "falcosecurity_falco_rules_matches_total", "counter", HELP_URL);
			header = true;
		}
		sk_strbuf_printf(out, "falcosecurity_falco_rules_matches_total{priority=\"%d\",rule_name=", r->priority);
		put_label_value(out, r->name);
		sk_strbuf_puts(out, ",source=");
		put_label_value(out, r->source);
		sk_strbuf_puts(out, ",tags=");
		put_label_value(out, r->tags);
		sk_strbuf_printf(out, "} %llu\n", (unsigned long long)r->matches);
	}
	put_u64(out, "saker_engine_events_total", "counter", "Events saker-engine evaluated against the rules.",
		s->events);
	put_u64(out, "saker_engine_alerts_total", "counter", "Alerts saker-engine raised, internal ones included.",
		s->alerts);
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

static void json_key(sk_strbuf *out, bool *first, const char *key)
{
	sk_strbuf_puts(out, *first ? "" : ",");
	*first = false;
	sk_strbuf_json_string(out, key, strlen(key));
	sk_strbuf_puts(out, ":");
}

static void json_u64(sk_strbuf *out, bool *first, const char *key, uint64_t v)
{
	json_key(out, first, key);
	sk_strbuf_printf(out, "%llu", (unsigned long long)v);
}

static void json_double(sk_strbuf *out, bool *first, const char *key, double v)
{
	json_key(out, first, key);
	sk_strbuf_printf(out, "%.1f", v);
}

static void json_str(sk_strbuf *out, bool *first, const char *key, const char *v)
{
	json_key(out, first, key);
	const char *text = v != NULL ? v : "";
	sk_strbuf_json_string(out, text, strlen(text));
}

/* Events a second between two counter readings. */
static double rate(uint64_t now, uint64_t prev, uint64_t ns)
{
	return ns > 0 && now >= prev ? (double)(now - prev) * 1e9 / (double)ns : 0.0;
}

sk_err sk_metrics_fields_json(const sk_metrics_snapshot *s, sk_strbuf *out)
{
	bool first = true;
	sk_strbuf_puts(out, "{");
	json_str(out, &first, "evt.hostname", s->hostname);
	json_str(out, &first, "evt.source", "syscall");
	json_u64(out, &first, "evt.time", s->now_ns);
	if (s->parts & SK_METRICS_RESOURCES) {
		json_double(out, &first, "falco.cpu_usage_perc", s->cpu_usage_ratio * 100.0);
	}
	json_u64(out, &first, "falco.duration_sec", s->duration_s);
	json_double(out, &first, "falco.evts_rate_sec", rate(s->events, s->prev_events, s->since_prev_ns));
	json_u64(out, &first, "falco.host_boot_ts", s->boot_ns);
	json_u64(out, &first, "falco.host_num_cpus", s->ncpus);
	json_str(out, &first, "falco.kernel_release", s->kernel_release);
	if (s->parts & SK_METRICS_RESOURCES) {
		json_double(out, &first, "falco.memory_rss_mb", (double)s->rss_bytes / 1048576.0);
		json_double(out, &first, "falco.memory_vsz_mb", (double)s->vsz_bytes / 1048576.0);
	}
	json_u64(out, &first, "falco.num_evts", s->events);
	json_u64(out, &first, "falco.num_evts_prev", s->prev_events);
	json_u64(out, &first, "falco.outputs_queue_num_drops", s->queue_drops);
	uint64_t matches = 0;
	char key[320];
	for (size_t i = 0; i < s->nrules && (s->parts & SK_METRICS_RULES); i++) {
		const sk_metrics_rule *r = &s->rules[i];
		if (!shown(s, r)) {
			continue;
		}
		matches += r->matches;
		/* Falco's key: the rule's name with blanks turned to underscores */
		int n = snprintf(key, sizeof(key), "falco.rules.%s", r->name);
		for (int k = 12; k < n && (size_t)k < sizeof(key) - 1; k++) {
			key[k] = key[k] == ' ' ? '_' : key[k];
		}
		json_u64(out, &first, key, r->matches);
	}
	if (s->parts & SK_METRICS_RULES) {
		json_u64(out, &first, "falco.rules.matches_total", matches);
	}
	json_u64(out, &first, "falco.start_ts", s->start_ns);
	json_str(out, &first, "falco.version", s->version);
	json_str(out, &first, "scap.engine_name", s->engine_kind);
	if (s->have_capture && (s->parts & SK_METRICS_KERNEL)) {
		uint64_t drops = s->capture_drops_buffer + s->capture_drops_other;
		uint64_t new_evts = s->capture_events >= s->prev_capture_events ? s->capture_events - s->prev_capture_events : 0;
		uint64_t new_drops = drops >= s->prev_capture_drops ? drops - s->prev_capture_drops : 0;
		json_double(out, &first, "scap.evts_drop_rate_sec", rate(drops, s->prev_capture_drops, s->since_prev_ns));
		json_double(out, &first, "scap.evts_rate_sec",
			    rate(s->capture_events, s->prev_capture_events, s->since_prev_ns));
		json_u64(out, &first, "scap.n_drops", drops);
		json_u64(out, &first, "scap.n_drops_buffer_total", s->capture_drops_buffer);
		json_double(out, &first, "scap.n_drops_perc",
			    new_evts + new_drops > 0 ? 100.0 * (double)new_drops / (double)(new_evts + new_drops) : 0.0);
		json_u64(out, &first, "scap.n_drops_prev", s->prev_capture_drops);
		json_u64(out, &first, "scap.n_evts", s->capture_events);
		json_u64(out, &first, "scap.n_evts_prev", s->prev_capture_events);
	}
	sk_strbuf_puts(out, "}");
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sk_metrics_read_process(sk_metrics_snapshot *s, char *release, size_t cap)
{
	uint64_t now = clock_ns(CLOCK_REALTIME);
	s->boot_ns = now - clock_ns(CLOCK_BOOTTIME);
	s->duration_s = now > s->start_ns ? (now - s->start_ns) / 1000000000ull : 0;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	s->ncpus = ncpus > 0 ? (uint32_t)ncpus : 0;

	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0 && now > s->start_ns) {
		double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
			     (double)ru.ru_stime.tv_usec / 1e6;
		s->cpu_usage_ratio = cpu / ((double)(now - s->start_ns) / 1e9);
	}
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long long vsz_pages = 0, rss_pages = 0;
	if (f != NULL) {
		if (fscanf(f, "%llu %llu", &vsz_pages, &rss_pages) == 2) {
			long page = sysconf(_SC_PAGESIZE);
			s->vsz_bytes = vsz_pages * (uint64_t)(page > 0 ? page : 4096);
			s->rss_bytes = rss_pages * (uint64_t)(page > 0 ? page : 4096);
		}
		fclose(f);
	}
	struct utsname u;
	if (cap > 0) {
		release[0] = '\0';
		if (uname(&u) == 0) {
			snprintf(release, cap, "%s", u.release);
		}
		s->kernel_release = release;
	}
}
