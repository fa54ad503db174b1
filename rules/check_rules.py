#!/usr/bin/env python3
"""Checks Saker's rule files against the project's own rule policy.

saker-engine -V checks the language (fields, operators, macros, lists);
this checks what -V cannot: every rule has a description, a Falco priority,
MITRE ATT&CK tags (technique id and tactic), an output with the fields an
investigator needs, and a user_known_* knob to tune it.

Usage: rules/check_rules.py [RULES_FILE...]   (from the repository root)
Prints one line per problem (file: rule: what) and exits 1 if there is any.
"""
import re
import sys

import yaml

FILES = ["rules/saker_rules.yaml", "rules/saker_rules_extra.yaml"]
PRIORITIES = {"EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFORMATIONAL", "DEBUG"}
TACTICS = {"mitre_reconnaissance", "mitre_resource_development", "mitre_initial_access", "mitre_execution",
           "mitre_persistence", "mitre_privilege_escalation", "mitre_defense_evasion", "mitre_credential_access",
           "mitre_discovery", "mitre_lateral_movement", "mitre_collection", "mitre_command_and_control",
           "mitre_exfiltration", "mitre_impact"}
TECHNIQUE = re.compile(r"T\d{4}(\.\d{3})?")
OUTPUT_FIELDS = [("%proc.cmdline", "%proc.name"), ("%user.name",), ("%container.id",)]
MIN_RULES = 80


def knobs(condition, macros, seen):
    for ident in re.findall(r"\b[a-z_][a-z0-9_]*\b", condition):
        if ident in seen:
            continue
        seen.add(ident)
        if ident.startswith("user_known_"):
            yield ident
        if ident in macros:
            yield from knobs(macros[ident], macros, seen)


def main(files):
    problems = []
    items = []
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                doc = yaml.safe_load(f)
        except (OSError, yaml.YAMLError) as e:
            problems.append("{}: cannot load: {}".format(path, e))
            continue
        if not isinstance(doc, list):
            problems.append("{}: top level is not a list".format(path))
            continue
        items += [(path, it) for it in doc if isinstance(it, dict)]
    macros = {it["macro"]: str(it.get("condition", "")) for _, it in items if "macro" in it}
    seen_rules = set()
    count = 0
    for path, it in items:
        if "rule" not in it:
            continue
        count += 1
        name = it["rule"]

        def bad(what):
            problems.append("{}: rule \"{}\": {}".format(path, name, what))

        if name in seen_rules:
            bad("defined twice")
        seen_rules.add(name)
        for key in ("desc", "condition", "output", "priority", "tags"):
            if not it.get(key):
                bad("missing " + key)
        if str(it.get("priority", "")).upper() not in PRIORITIES:
            bad("priority {!r} is not one of Falco's".format(it.get("priority")))
        tags = [str(t) for t in it.get("tags", []) or []]
        if not any(TECHNIQUE.fullmatch(t) for t in tags):
            bad("no MITRE ATT&CK technique tag (T1234 or T1234.001)")
        if not any(t in TACTICS for t in tags):
            bad("no MITRE ATT&CK tactic tag (mitre_<tactic>)")
        output = str(it.get("output", ""))
        for alternatives in OUTPUT_FIELDS:
            if not any(f in output for f in alternatives):
                bad("output lacks " + " or ".join(alternatives))
        if not any(True for _ in knobs(str(it.get("condition", "")), macros, set())):
            bad("no user_known_* list or macro to tune it")
    if count < MIN_RULES:
        problems.append("only {} rules, want at least {}".format(count, MIN_RULES))
    for p in problems:
        print(p)
    print("{} rules checked, {} problems".format(count, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or FILES))
