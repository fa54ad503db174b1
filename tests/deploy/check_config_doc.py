#!/usr/bin/env python3
"""Keeps docs/configuration.md complete: every key the engine and the
sidekick read, and every flag of the three programs, must be documented.

Usage: check_config_doc.py DOC SAKER_ENGINE SAKER_CAPTURE SAKER_SIDEKICK

Keys come from the code: the engine's key table (engine/output/config.c),
the sidekick's settings tables and lookups (sidekick/*.c: section + path, or
the per-output keys every output section takes). Flags come from each
program's --help. A key must appear in the document in backquotes
(`section.path`), a flag as --name. Then two deliberate omissions (a key and
a flag removed from the text) must be reported. Exit 0 when complete, 1
otherwise.
"""
import glob
import re
import subprocess
import sys

# `{"key", KEY_KIND, ...}` rows of the engine's table.
ENGINE_ROW = re.compile(r'\{"([a-z0-9_.]+)", KEY_')
# {NULL|"section", "path", <default> ...} rows of the sidekick's settings tables.
SIDEKICK_ROW = re.compile(r'\{(?:NULL|"([a-z]+)"), "([a-z0-9_.]+)", [^"]')
# skc_string/int/bool/map/list/find(cfg, NULL|"section", "path", ...).
SIDEKICK_CALL = re.compile(r'skc_(?:string|int|bool|map|list|find)\([\w>.-]+, (?:NULL|"([a-z]+)"), "([a-z0-9_.]+)"')
# Per-output keys: lookups with the output's own section variable, and the
# routing filters (sko_filter_load reads routing.<what>.include/.exclude).
OUTPUT_CALL = re.compile(r'(?<!sko_filter_load)\(cfg, section, "([a-z0-9_.]+)"')
OUTPUT_FILTER = re.compile(r'sko_filter_load\(cfg, section, "([a-z]+)"')


def engine_keys():
    with open("engine/output/config.c", encoding="utf-8") as f:
        return set(ENGINE_ROW.findall(f.read()))


def sidekick_keys():
    keys, per_output = set(), set()
    for path in glob.glob("sidekick/*.c"):
        if path.endswith("_test.c") or path.endswith("/config.c"):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for section, key in SIDEKICK_ROW.findall(text) + SIDEKICK_CALL.findall(text):
            keys.add(f"{section}.{key}" if section else key)
        per_output |= set(OUTPUT_CALL.findall(text))
        per_output |= {f"routing.{what}.include" for what in OUTPUT_FILTER.findall(text)}
    return keys, per_output


def long_flags(program):
    proc = subprocess.run([program, "--help"], capture_output=True, text=True, timeout=30, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{program} --help exited with {proc.returncode}")
    return set(re.findall(r"^\s+(?:-\w, )?(--[a-z-]+)", proc.stdout, re.M))


def missing(doc, keys, flags):
    # Fenced blocks first: their ``` would pair with inline backquotes.
    prose = re.sub(r"^```.*?^```", "", doc, flags=re.M | re.S)
    quoted = set(re.findall(r"`([^`]+)`", prose))
    # The sidekick reads keys case-insensitively; the doc spells them as
    # Falcosidekick does (`outputFieldFormat`).
    words = {w.strip().lower() for q in quoted for w in re.split(r"[\s,=]+", q)}
    out = [f"key {k!r} is not documented" for k in sorted(keys) if k.lower() not in words]
    out += [f"flag {f} is not documented" for f in sorted(flags) if not re.search(re.escape(f) + r"\b", doc)]
    return out


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    doc_path = argv[1]
    with open(doc_path, encoding="utf-8") as f:
        doc = f.read()
    try:
        flags = set().union(*(long_flags(p) for p in argv[2:5]))
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        print(f"check_config_doc: {e}", file=sys.stderr)
        return 1
    sk_keys, per_output = sidekick_keys()
    keys = engine_keys() | sk_keys | per_output
    errors = [f"{doc_path}: {e}" for e in missing(doc, keys, flags)]
    for needle, token in (("`nng_output.url`", "nng_output.url"), ("--control", "--control")):
        broken = missing(doc.replace(needle, "``"), keys, flags)
        if not any(token in e for e in broken):
            errors.append(f"self-test: removing {needle} from the text was not reported")
    if len(keys) < 40 or len(flags) < 15:
        errors.append(f"only {len(keys)} keys and {len(flags)} flags found in the code: the patterns are stale")
    sys.stderr.write("".join(f"check_config_doc: {e}\n" for e in errors))
    print(f"check_config_doc: {len(keys)} keys, {len(flags)} flags, {len(errors)} problems")
    return int(bool(errors))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
