/* saker-engine: state + rules. Parses the command line through one option
 * table, then runs exactly one cmd_* function. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "sk_log.h"

typedef struct cli_opt {
	char short_name;       /* 0 when none */
	const char *long_name; /* NULL when none */
	const char *arg;       /* argument name for help, NULL: flag; "[=X]": optional, only as --opt=X */
	const char *help;
	void (*apply)(sk_cli *cli, const char *arg);
} cli_opt;

static bool push_file(const char **v, size_t *n, const char *arg)
{
	if (*n >= SK_CLI_MAX_FILES) {
		sk_error("too many files (at most %d per option)", SK_CLI_MAX_FILES);
		return false;
	}
	v[(*n)++] = arg;
	return true;
}

/* Set by an apply function that rejected its argument. */
static bool parse_failed;

static void opt_rules(sk_cli *c, const char *a)
{
	parse_failed |= !push_file(c->rules, &c->nrules, a);
}

static void opt_validate(sk_cli *c, const char *a)
{
	parse_failed |= !push_file(c->validate, &c->nvalidate, a);
}

static void opt_override(sk_cli *c, const char *a)
{
	if (strchr(a, '=') == NULL) {
		sk_error("-o expects key=value, got '%s'", a);
		parse_failed = true;
		return;
	}
	parse_failed |= !push_file(c->overrides, &c->noverrides, a);
}

static void opt_config(sk_cli *c, const char *a)
{
	c->config_file = a;
}

static void opt_replay(sk_cli *c, const char *a)
{
	c->replay_file = a;
}

static void opt_events(sk_cli *c, const char *a)
{
	c->events_url = a;
}

static void opt_control(sk_cli *c, const char *a)
{
	c->control_url = a;
}

static void opt_help(sk_cli *c, const char *a)
{
	c->help = true;
}

static void opt_version(sk_cli *c, const char *a)
{
	c->version = true;
}

static void opt_list(sk_cli *c, const char *a)
{
	c->list = true;
	c->list_source = a;
}

static void opt_print(sk_cli *c, const char *a)
{
	c->print_format = a;
}

static void opt_all_events(sk_cli *c, const char *a)
{
	/* Falco's -A: Saker already captures every syscall the rules name */
}

static void opt_list_plugins(sk_cli *c, const char *a)
{
	c->list_plugins = true;
}

static void opt_markdown(sk_cli *c, const char *a)
{
	c->markdown = true;
}

static void opt_json(sk_cli *c, const char *a)
{
	c->json = true;
}

static void opt_verbose(sk_cli *c, const char *a)
{
	c->verbose = true;
}

static void opt_dry_run(sk_cli *c, const char *a)
{
	c->dry_run = true;
}

static void opt_list_rules(sk_cli *c, const char *a)
{
	c->list_rules = true;
}

static void opt_describe_rule(sk_cli *c, const char *a)
{
	c->describe_rule = a;
}

static void opt_list_events(sk_cli *c, const char *a)
{
	c->list_events = true;
}

static void opt_names_only(sk_cli *c, const char *a)
{
	c->names_only = true;
}

static void opt_page_size(sk_cli *c, const char *a)
{
	c->page_size = true;
}

static void opt_support(sk_cli *c, const char *a)
{
	c->support = true;
}

static void opt_unbuffered(sk_cli *c, const char *a)
{
	c->unbuffered = true;
}

static void opt_pidfile(sk_cli *c, const char *a)
{
	c->pidfile = a;
}

static void opt_duration(sk_cli *c, const char *a)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(a, &end, 10);
	if (a[0] == '\0' || a[0] == '-' || *end != '\0' || errno != 0 || v > 31536000ul) {
		sk_error("-M expects a number of seconds (0 for no limit), got '%s'", a);
		parse_failed = true;
		return;
	}
	c->duration_s = v;
}

static const cli_opt options[] = {
	{'r', "rules", "FILE|DIR", "load a rules file, or every *.yaml of a directory in name order (repeatable)",
	 opt_rules},
	{'V', "validate", "FILE", "validate a rules file like falco -V and exit (repeatable)", opt_validate},
	{'o', "option", "KEY=VALUE", "override a configuration key (repeatable); KEY[]=VALUE appends a list item",
	 opt_override},
	{'c', "config", "FILE", "read a falco.yaml-style configuration file", opt_config},
	{'e', "replay", "FILE",
	 "replay a .scap capture through the rules like falco -e, then exit (or, with falco.yaml's keys, "
	 "-o engine.kind=replay -o engine.replay.capture_file=FILE)",
	 opt_replay},
	{0, "events", "URL", "live mode: nng URL to receive saker-capture's events on (default " SK_ENGINE_EVENTS_URL ")",
	 opt_events},
	{0, "control", "URL", "live mode: nng URL for the capture's control requests (default " SK_ENGINE_CONTROL_URL ")",
	 opt_control},
	{0, "dry-run", NULL, "read the configuration and load the rules as a start would, then exit", opt_dry_run},
	{'L', NULL, NULL, "print every loaded rule's name and description and exit (JSON with json_output)",
	 opt_list_rules},
	{'l', NULL, "RULE", "print one rule's name and description and exit (JSON with json_output)",
	 opt_describe_rule},
	{'M', NULL, "SECONDS", "stop after SECONDS (live mode and -e; 0: no limit)", opt_duration},
	{'A', NULL, NULL, "accepted as Falco's: every syscall the rules name is captured anyway", opt_all_events},
	{'P', "pidfile", "FILE", "live mode: write the process id to FILE (removed at exit)", opt_pidfile},
	{'U', "unbuffered", NULL, "flush the outputs after every alert (buffered_outputs: false)", opt_unbuffered},
	{'p', "print", "FORMAT",
	 "deprecated, as in Falco: add FORMAT to every rule's output; -pc and -pk add nothing (suggested_output does)",
	 opt_print},
	{0, "list", "[=SOURCE]", "list every supported field (name, type, description) and exit; SOURCE: syscall",
	 opt_list},
	{0, "json", NULL, "with --list: print JSON", opt_json},
	{0, "markdown", NULL, "with --list or --list-events: print Markdown tables", opt_markdown},
	{'N', NULL, NULL, "with --list: print the field names only", opt_names_only},
	{0, "list-events", NULL, "list every event type the engine decodes and exit", opt_list_events},
	{0, "list-plugins", NULL, "print the loaded Falco plugins (none: container and Kubernetes fields are built in)",
	 opt_list_plugins},
	{0, "page-size", NULL, "print the system page size and exit", opt_page_size},
	{0, "support", NULL,
	 "print versions, system, command line, configuration and rules files (with their content) as JSON and exit",
	 opt_support},
	{'v', "verbose", NULL, "more diagnostics (unused macros and lists with -V)", opt_verbose},
	{0, "version", NULL, "print the version and exit", opt_version},
	{'h', "help", NULL, "print this help and exit", opt_help},
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

int cmd_help(const sk_cli *cli)
{
	printf("usage: saker-engine [options]\n\nSaker's engine: process state and Falco-language rules.\n"
	       "Without -V, -e or --list it runs live: events from saker-capture over nng go through\n"
	       "the rules to the configured outputs; SIGHUP reloads the rules, and so does a change\n"
	       "to the configuration or rules files (watch_config_files, on by default); SIGUSR1\n"
	       "reopens the file and program outputs (after a log rotation).\n\n");
	for (size_t i = 0; i < NOPTIONS; i++) {
		const cli_opt *o = &options[i];
		char spec[64];
		snprintf(spec, sizeof(spec), "%c%c%s%s%s%s%s", o->short_name ? '-' : ' ',
			 o->short_name ? o->short_name : ' ', o->short_name && o->long_name ? ", " : "  ",
			 o->long_name ? "--" : "", o->long_name ? o->long_name : "", o->arg ? " " : "",
			 o->arg ? o->arg : "");
		printf("  %-28s %s\n", spec, o->help);
	}
	return 0;
}

/* Finds the option for argv[i]: "-r", "--rules", "--rules=FILE". */
static const cli_opt *find_option(const char *a, const char **inline_arg)
{
	*inline_arg = NULL;
	for (size_t i = 0; i < NOPTIONS; i++) {
		const cli_opt *o = &options[i];
		if (a[0] == '-' && a[1] != '-' && a[1] == o->short_name && o->short_name != 0) {
			*inline_arg = a[2] != '\0' ? a + 2 : NULL;
			return (a[2] == '\0' || o->arg != NULL) ? o : NULL;
		}
		if (a[0] == '-' && a[1] == '-' && a[2] != '\0' && o->long_name != NULL) {
			size_t n = strlen(o->long_name);
			if (strncmp(a + 2, o->long_name, n) == 0 && (a[2 + n] == '\0' || a[2 + n] == '=')) {
				*inline_arg = a[2 + n] == '=' ? a + 3 + n : NULL;
				return o;
			}
		}
	}
	return NULL;
}

static int parse_args(int argc, char **argv, sk_cli *cli)
{
	for (int i = 1; i < argc; i++) {
		const char *inline_arg = NULL;
		const cli_opt *o = find_option(argv[i], &inline_arg);
		if (o == NULL) {
			sk_error("unknown option '%s' (see --help)", argv[i]);
			return 2;
		}
		if (o->arg == NULL && inline_arg != NULL) {
			sk_error("option '%s' takes no argument", argv[i]);
			return 2;
		}
		const char *arg = inline_arg;
		bool optional = o->arg != NULL && o->arg[0] == '[';
		if (o->arg != NULL && arg == NULL && !optional) {
			if (i + 1 >= argc) {
				sk_error("option '%s' needs %s", argv[i], o->arg);
				return 2;
			}
			arg = argv[++i];
		}
		o->apply(cli, arg);
	}
	return parse_failed ? 2 : 0;
}

int main(int argc, char **argv)
{
	static sk_cli cli;
	sk_log_init("saker-engine", SK_LOG_INFO);
	int rc = parse_args(argc, argv, &cli);
	if (rc != 0) {
		return rc;
	}
	cli.argc = argc;
	cli.argv = argv;
	if (cli.help) {
		return cmd_help(&cli);
	}
	if (cli.version) {
		return cmd_version(&cli);
	}
	if (cli.list) {
		return cmd_list(&cli);
	}
	if (cli.list_events) {
		return cmd_list_events(&cli);
	}
	if (cli.list_plugins) {
		return cmd_list_plugins(&cli);
	}
	if (cli.page_size) {
		return cmd_page_size(&cli);
	}
	if (cli.nvalidate > 0) {
		return cmd_validate(&cli);
	}
	if (cli.list_rules || cli.describe_rule != NULL) {
		return cmd_list_rules(&cli);
	}
	if (cli.dry_run) {
		return cmd_dry_run(&cli);
	}
	if (cli.support) {
		return cmd_support(&cli);
	}
	if (cli.replay_file != NULL) {
		return cmd_replay(&cli);
	}
	return cmd_live(&cli);
}
