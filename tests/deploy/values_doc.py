#!/usr/bin/env python3
"""Builds the values table of the chart README from values.yaml's `# --` comments.

Usage: values_doc.py VALUES_YAML                print the Markdown table
       values_doc.py VALUES_YAML DOC_MD...      exit 1 unless every DOC_MD holds
                                                exactly that table between the
                                                <!-- values:begin/end --> marks
       values_doc.py VALUES_YAML --write DOC_MD...  rewrite the tables in place

A `# -- text` comment (and the `#` lines right after it) documents the key on
the next line. A documented key is one row, whatever its value; an
undocumented map is walked into.
"""
import json
import re
import sys

import yaml

KEY_RE = re.compile(r"^(\s*)([A-Za-z0-9_.\-/]+):")
LONG_DEFAULT = 100
BEGIN, END = "<!-- values:begin -->", "<!-- values:end -->"


def documented_keys(lines):
    """Maps a dotted key path to its description."""
    docs, stack, pending = {}, [], None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("# --"):
            pending = stripped[4:].strip()
            continue
        if pending is not None and stripped.startswith("#"):
            pending += " " + stripped.lstrip("#").strip()
            continue
        m = KEY_RE.match(line)
        if not m or stripped.startswith("-"):
            pending = None if not stripped else pending
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group(2)))
        if pending is not None:
            docs[".".join(k for _, k in stack)] = pending
        pending = None
    return docs


def lookup(values, path):
    node = values
    for key in path.split("."):
        node = node[key]
    return node


def table(values_file):
    with open(values_file, encoding="utf-8") as f:
        text = f.read()
    values = yaml.safe_load(text)
    rows = ["| Key | Default | Description |", "|---|---|---|"]
    for path, desc in documented_keys(text.splitlines()).items():
        default = json.dumps(lookup(values, path), separators=(",", ":"))
        if len(default) > LONG_DEFAULT:
            default = "see values.yaml"
        rows.append(f"| `{path}` | `{default}` | {desc.replace('|', '/').replace('<', '&lt;').replace('>', '&gt;')} |")
    return "\n".join(rows) + "\n"


def check(readme_file, generated, values_file):
    with open(readme_file, encoding="utf-8") as f:
        readme = f.read()
    if BEGIN not in readme or END not in readme:
        print(f"values_doc: {readme_file} lacks the {BEGIN} / {END} marks", file=sys.stderr)
        return False
    current = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    if current != generated:
        print(f"values_doc: the table in {readme_file} is stale; regenerate it with\n"
              f"  python3 tests/deploy/values_doc.py {values_file} --write {readme_file}", file=sys.stderr)
        return False
    print(f"values_doc: {readme_file}: {generated.count(chr(10)) - 2} documented values, table up to date")
    return True


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    generated = table(argv[1])
    if len(argv) == 2:
        sys.stdout.write(generated)
        return 0
    if argv[2] == "--write":
        for doc in argv[3:]:
            with open(doc, encoding="utf-8") as f:
                text = f.read()
            head, rest = text.split(BEGIN, 1)
            with open(doc, "w", encoding="utf-8") as f:
                f.write(head + BEGIN + "\n" + generated + END + rest.split(END, 1)[1])
        return 0
    results = [check(readme, generated, argv[1]) for readme in argv[2:]]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
