#!/usr/bin/python3
"""Writes a rules file that narrows every rule of the given rules files to
one process subtree: each rule's final condition C becomes
"(C) and (proc.name=ROOT or proc.aname=ROOT)" through override: replace.
The false-positive test loads it after the default rules, so activity of
other programs on the host (parallel tests) cannot reach its count.

usage: scope_rules.py ROOT OUT RULES.yaml..."""
import sys

import yaml


def main():
    root, out, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    conditions = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            items = yaml.safe_load(f) or []
        for item in items:
            if not isinstance(item, dict) or "rule" not in item or "condition" not in item:
                continue
            name, cond = item["rule"], str(item["condition"]).strip()
            appends = item.get("append") is True or (item.get("override") or {}).get("condition") == "append"
            conditions[name] = conditions.get(name, "") + " " + cond if appends else cond
    scope = f"(proc.name={root} or proc.aname={root})"
    rules = [{"rule": name, "condition": f"({cond}) and {scope}", "override": {"condition": "replace"}}
             for name, cond in conditions.items()]
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump(rules, f, sort_keys=False, width=1 << 20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
