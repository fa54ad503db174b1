#!/usr/bin/env python3
"""Validates the rules shipped with the deployments with the real saker-engine.

Usage: check_rules.py SAKER_ENGINE VALUES_YAML... [--rules-dir DIR]...

Every rules file in each --rules-dir (the compose lab's config/rules.d) and
every customRules entry of each chart values file is written out and checked
with `saker-engine -V FILE`, which must say Ok and exit 0. A deliberately
broken copy (an unknown field) must be refused, so a validator that accepts
anything fails this test. Exit 0 when all holds, 1 otherwise.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import yaml

BROKEN_RULE = """- rule: Deploy check broken rule
  desc: uses a field that does not exist
  condition: evt.type = open and proc.no_such_field = x
  output: never (proc=%proc.name)
  priority: WARNING
"""


def validate(engine, path):
    proc = subprocess.run([engine, "-V", path], capture_output=True, text=True, timeout=60, check=False)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def rules_files(values_files, rules_dirs, tmp):
    files = []
    for d in rules_dirs:
        files += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith((".yaml", ".yml"))]
    for v in values_files:
        with open(v, encoding="utf-8") as f:
            custom = (yaml.safe_load(f) or {}).get("customRules") or {}
        for name, text in custom.items():
            path = os.path.join(tmp, f"{os.path.basename(v)}-{name}")
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
            files.append(path)
    return files


def main(argv):
    parser = argparse.ArgumentParser(description="Validate the deployments' rules with saker-engine -V")
    parser.add_argument("engine")
    parser.add_argument("values", nargs="*")
    parser.add_argument("--rules-dir", action="append", default=[])
    args = parser.parse_args(argv[1:])
    engine = args.engine
    failed = 0
    with tempfile.TemporaryDirectory(prefix="saker-rules-") as tmp:
        files = rules_files(args.values, args.rules_dir, tmp)
        if not files:
            print("check_rules: no rules files found", file=sys.stderr)
            return 1
        for path in files:
            rc, out = validate(engine, path)
            ok = rc == 0 and f"{path}: Ok" in out
            print(f"check_rules: {path}: {'ok' if ok else 'FAIL'}")
            if not ok:
                print(out, file=sys.stderr)
                failed += 1
        broken = os.path.join(tmp, "broken.yaml")
        with open(broken, "w", encoding="utf-8") as f:
            f.write(BROKEN_RULE)
        rc, out = validate(engine, broken)
        if rc == 0 or "Invalid" not in out:
            print(f"check_rules: a rule with an unknown field was accepted (rc {rc}): {out}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
