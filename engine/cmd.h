/* cmd.h: the saker-engine command line, shared by main.c and cmd_*.c.
 *
 * main.c parses every option through one table into struct sk_cli and
 * dispatches to one cmd_* function. A new mode (replay, live) adds its
 * fields here, its rows to the option table and its cmd_*.c file. */
#ifndef SK_ENGINE_CMD_H
#define SK_ENGINE_CMD_H

#include <stdbool.h>
#include <stddef.h>

#define SK_CLI_MAX_FILES 256

typedef struct sk_cli {
	const char *rules[SK_CLI_MAX_FILES]; /* -r FILE|DIR, in order */
	size_t nrules;
	const char *validate[SK_CLI_MAX_FILES]; /* -V FILE */
	size_t nvalidate;
	const char *overrides[SK_CLI_MAX_FILES]; /* -o key=value */
	size_t noverrides;
	bool help;
	bool version;
	bool list;
	const char *list_source; /* --list=SOURCE */
	bool json;
	bool markdown;     /* --markdown, with --list or --list-events */
	bool list_plugins; /* --list-plugins */
	bool verbose;
	bool dry_run;		   /* --dry-run: configuration and rules only */
	bool list_rules;	   /* -L */
	const char *describe_rule; /* -l RULE */
	bool list_events;	   /* --list-events */
	bool names_only;	   /* -N, with --list */
	bool page_size;		   /* --page-size */
	bool unbuffered;	   /* -U: buffered_outputs=false */
	const char *print_format;  /* -p FORMAT (deprecated in Falco) */
	const char *pidfile;	   /* -P FILE (cmd_live.c) */
	unsigned long duration_s;  /* -M SECONDS: stop after them (0: no limit) */
	const char *config_file; /* -c FILE (cmd_config.c) */
	const char *replay_file; /* -e FILE.scap (cmd_replay.c) */
	const char *events_url;  /* --events URL (cmd_live.c) */
	const char *control_url; /* --control URL (cmd_live.c) */
	bool support;		 /* --support (cmd_rules.c) */
	int argc;		 /* the command line as given, for --support */
	char *const *argv;
} sk_cli;

/* Where the live mode listens unless told otherwise (docs/protocol.md). */
#define SK_ENGINE_EVENTS_URL "ipc:///run/saker/events.sock"
#define SK_ENGINE_CONTROL_URL "ipc:///run/saker/control.sock"

/* Each returns the process exit status. */
int cmd_help(const sk_cli *cli);
int cmd_version(const sk_cli *cli);
/* --list: every field (name, type, description). */
int cmd_list(const sk_cli *cli);
/* -V: validate rules files like `falco -V`. */
int cmd_validate(const sk_cli *cli);
/* --list-events: every event type Saker decodes, Falco's layout. */
int cmd_list_events(const sk_cli *cli);
/* --list-plugins: Falco's listing of loaded plugins; Saker loads none. */
int cmd_list_plugins(const sk_cli *cli);
/* --page-size: the system page size. */
int cmd_page_size(const sk_cli *cli);
/* -L and -l RULE: the loaded rules' names and descriptions (JSON with
 * json_output). */
int cmd_list_rules(const sk_cli *cli);
/* --dry-run: reads the configuration and loads the rules as a start
 * would, then exits (0, or 2 with what is wrong). */
int cmd_dry_run(const sk_cli *cli);
/* --support: Falco's --support, one JSON document for a bug report:
 * versions, the system, the command line, the configuration file and
 * every rules file loaded with its content (0, or 2 as --dry-run). */
int cmd_support(const sk_cli *cli);

struct sk_engine_config;
/* Loads -c, applies -o and -r into cfg (engine/output/config.h) and sets
 * the engine's logging from its log_* keys; returns 0, or 2 after logging
 * the problem (cfg is then freed; logging unchanged). */
int cmd_config_load(const sk_cli *cli, struct sk_engine_config *cfg);
/* -e: replay a capture through state, rules and outputs like `falco -e`. */
int cmd_replay(const sk_cli *cli);
/* Default mode: the live stream from saker-capture through the rules. */
int cmd_live(const sk_cli *cli);

#endif
