#!/usr/bin/env python3
"""Checks the engine and capture command lines of every deployment against
the real binaries' --help, so the deployments cannot drift from the programs.

Usage: check_args.py --engine SAKER_ENGINE --capture SAKER_CAPTURE
                     --dockerfile FILE --compose FILE
                     --helmlite HELMLITE --chart DIR [--values FILE ...]

The option tables (names, which take an argument, defaults, which ones make
the program exit or stop streaming) come from `saker-engine --help` and
`saker-capture --help`. Each deployment (the saker image's ENTRYPOINT + CMD
with the capture on its defaults, the compose lab, the Helm chart rendered
with the default values and each --values file) must run the engine in live
mode with a config file and the capture streaming, both parse with the real
option tables, and both use the same --events/--control URLs: ipc sockets
inside the volume the two containers share. Then deliberate breaks, each
of which must be reported. Exit 0 when everything holds, 1 otherwise.
"""
import argparse
import copy
import json
import os
import re
import shlex
import subprocess
import sys

import check_chart
import check_compose
from check_images import logical_lines

# Words in an option's help that mark a one-shot mode (not a daemon).
ONE_SHOT = re.compile(r"\bexit\b|\bstop after\b|instead of streaming")
LINKS = ("--events", "--control")


class Program:
    """One binary's option table, read from its --help."""

    def __init__(self, name, path):
        self.name = name
        proc = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=30, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"{path} --help exited with {proc.returncode}: {proc.stderr.strip()}")
        self.options = {}  # every spelling -> (canonical, takes_arg, default, one_shot)
        for line in proc.stdout.splitlines():
            m = re.match(r"^\s+(-\S.*?)\s{2,}(\S.*)$", line)
            if not m:
                continue
            forms = [f.strip().split() for f in m.group(1).split(",")]
            takes_arg = any(len(f) > 1 for f in forms)
            canonical = forms[-1][0]
            default = re.search(r"\(default (\S+?)\)", m.group(2))
            entry = (canonical, takes_arg, default.group(1) if default else None, bool(ONE_SHOT.search(m.group(2))))
            for f in forms:
                self.options[f[0]] = entry
        for link in LINKS:
            if link not in self.options or not self.options[link][2]:
                raise RuntimeError(f"{path} --help lists no {link} URL with its default")

    def parse(self, argv):
        """Returns ({canonical: value}, [problems]) for an argument vector."""
        values, problems = {}, []
        i = 0
        while i < len(argv):
            arg = argv[i]
            name, inline = (arg.split("=", 1) + [None])[:2] if arg.startswith("--") else (arg, None)
            entry = self.options.get(name)
            if entry is None:
                problems.append(f"{self.name}: unknown option {arg!r}" if arg.startswith("-")
                                else f"{self.name}: unexpected argument {arg!r}")
                i += 1
                continue
            canonical, takes_arg, _, one_shot = entry
            value = True
            if takes_arg and inline is None:
                if i + 1 >= len(argv):
                    problems.append(f"{self.name}: {arg} needs an argument")
                    break
                i += 1
                value = argv[i]
            elif takes_arg:
                value = inline
            elif inline is not None:
                problems.append(f"{self.name}: {name} takes no argument")
            if one_shot:
                problems.append(f"{self.name}: {arg} makes it exit instead of running live")
            values[canonical] = value
            i += 1
        return values, problems

    def link(self, values, which):
        return values.get(which) or self.options[which][2]


class Deployment:
    """The engine's and the capture's argv in one deployment, plus the
    mount path of the volume the two share (None: not shared)."""

    def __init__(self, where, engine_argv, capture_argv, engine_mounts, capture_mounts):
        self.where = where
        self.engine_argv, self.capture_argv = list(engine_argv), list(capture_argv)
        self.engine_mounts, self.capture_mounts = set(engine_mounts), set(capture_mounts)


def check(dep, engine, capture):
    errors = []
    evals, eprob = engine.parse(dep.engine_argv)
    cvals, cprob = capture.parse(dep.capture_argv)
    errors += eprob + cprob
    if "--config" not in evals:
        errors.append("saker-engine: no -c/--config (the deployment's config file is not read)")
    shared = dep.engine_mounts & dep.capture_mounts
    for link in LINKS:
        e_url, c_url = engine.link(evals, link), capture.link(cvals, link)
        if e_url != c_url:
            errors.append(f"{link}: engine listens on {e_url}, capture dials {c_url}: they do not match")
        if not e_url.startswith("ipc://"):
            errors.append(f"{link}: {e_url} is not an ipc socket (the containers share a directory, "
                          f"not a network)")
        elif os.path.dirname(e_url[len("ipc://"):]) not in shared:
            errors.append(f"{link}: {e_url} is not in the shared volume (shared: {sorted(shared)})")
    return [f"{dep.where}: {e}" for e in errors]


def dockerfile_stage(path, stage):
    """(ENTRYPOINT, CMD, VOLUMEs) of one stage of the Dockerfile."""
    with open(path, encoding="utf-8") as f:
        lines = logical_lines(f.read())
    current, found = None, {"ENTRYPOINT": [], "CMD": [], "VOLUME": []}
    for line in lines:
        instr, _, rest = line.partition(" ")
        instr = instr.upper()
        if instr == "FROM":
            words = rest.split()
            current = words[2] if len(words) == 3 else None
        elif current == stage and instr in found:
            try:
                value = json.loads(rest)
            except ValueError:
                value = shlex.split(rest)
            found[instr] = value if instr != "VOLUME" else found[instr] + value
    return found["ENTRYPOINT"], found["CMD"], found["VOLUME"]


def from_dockerfile(path):
    entry, cmd, volumes = dockerfile_stage(path, "saker")
    if not entry or os.path.basename(entry[0]) != "saker-engine":
        raise RuntimeError(f"{path}: the saker image's ENTRYPOINT {entry} is not saker-engine")
    # The capture runs from the same image with --entrypoint saker-capture and
    # no arguments (docs/deploy.md): its defaults must meet the engine's CMD.
    return Deployment(f"{path} (saker image)", entry[1:] + cmd, [], volumes, volumes), entry


def from_compose(path, image_entry, image_cmd):
    services = check_compose.resolve(path)["services"]

    def argv(svc):
        entry = svc.get("entrypoint") or image_entry
        entry = shlex.split(entry) if isinstance(entry, str) else list(entry)
        cmd = svc.get("command", image_cmd)
        cmd = shlex.split(cmd) if isinstance(cmd, str) else list(cmd or [])
        return entry, entry[1:] + cmd

    def shared_mounts(name):
        return {t for s, t, _ in check_compose.mounts(services[name]) if s and not s.startswith(("/", "."))}

    entry, engine_argv = argv(services["engine"])
    cap_entry, capture_argv = argv(services["capture"])
    errors = []
    for name, e, want in (("engine", entry, "saker-engine"), ("capture", cap_entry, "saker-capture")):
        if os.path.basename(e[0]) != want:
            errors.append(f"{path}: service {name} runs {e[0]}, not {want}")
    dep = Deployment(path, engine_argv, capture_argv, shared_mounts("engine"), shared_mounts("capture"))
    return dep, errors


def from_chart(helmlite, chart, override, image_entry):
    docs = check_chart.render(helmlite, chart, override)
    ds = next(d for d in docs if d["kind"] == "DaemonSet")
    pod = ds["spec"]["template"]["spec"]
    containers = {c["name"]: c for c in pod["containers"]}
    volumes = {v["name"]: v for v in pod.get("volumes") or []}

    def shared(c):
        return {m["mountPath"] for m in c.get("volumeMounts") or [] if "emptyDir" in volumes.get(m["name"], {})}

    def argv(c):
        return (c.get("command") or image_entry)[1:] + (c.get("args") or [])

    where = f"{chart} ({override or 'default values'})"
    engine, capture = containers["engine"], containers.get("capture")
    if capture is None:
        return None, []
    errors = []
    if os.path.basename((capture.get("command") or image_entry)[0]) != "saker-capture":
        errors.append(f"{where}: container capture does not run saker-capture")
    return Deployment(where, argv(engine), argv(capture), shared(engine), shared(capture)), errors


def replace_value(argv, option, value):
    out = list(argv)
    out[out.index(option) + 1] = value
    return out


def self_test(dep, engine, capture):
    """Each break of a passing deployment must be reported."""
    breaks = [
        ("engine replays a file", lambda d: d.engine_argv.extend(["-e", "x.scap"]), "instead of running live"),
        ("engine validates", lambda d: d.engine_argv.extend(["-V", "r.yaml"]), "instead of running live"),
        ("capture records", lambda d: d.capture_argv.extend(["-w", "x.scap"]), "instead of running live"),
        ("unknown capture flag", lambda d: d.capture_argv.append("--no-such-flag"), "unknown option"),
        ("dangling --events", lambda d: d.engine_argv.append("--events"), "needs an argument"),
        ("no config", lambda d: setattr(d, "engine_argv", [a for a in d.engine_argv if a not in
                                                         ("-c", "--config", "/etc/saker/saker.yaml")]),
         "no -c/--config"),
        ("URLs differ", lambda d: d.capture_argv.extend(["--events", "ipc:///run/saker/other.sock"]),
         "do not match"),
        ("socket outside the volume", lambda d: (d.engine_argv.extend(["--control", "ipc:///tmp/c.sock"]),
                                                 d.capture_argv.extend(["--control", "ipc:///tmp/c.sock"])),
         "not in the shared volume"),
        ("tcp link", lambda d: (d.engine_argv.extend(["--events", "tcp://0.0.0.0:9000"]),
                                d.capture_argv.extend(["--events", "tcp://0.0.0.0:9000"])), "not an ipc socket"),
        ("volume not shared", lambda d: setattr(d, "capture_mounts", set()), "not in the shared volume"),
    ]
    problems = []
    for what, mutate, needle in breaks:
        broken = copy.deepcopy(dep)
        mutate(broken)
        errors = check(broken, engine, capture)
        if not any(needle in e for e in errors):
            problems.append(f"self-test: {what} was not reported (expected {needle!r}; got {errors})")
    return problems, len(breaks)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("engine", "capture", "dockerfile", "compose", "helmlite", "chart"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--values", action="append", default=[])
    args = p.parse_args(argv[1:])
    try:
        engine = Program("saker-engine", args.engine)
        capture = Program("saker-capture", args.capture)
        image, entry = from_dockerfile(args.dockerfile)
        _, cmd, _ = dockerfile_stage(args.dockerfile, "saker")
        deployments, errors = [image], []
        compose, errs = from_compose(args.compose, entry, cmd)
        deployments.append(compose)
        errors += errs
        for override in [None] + args.values:
            dep, errs = from_chart(args.helmlite, args.chart, override, entry)
            errors += errs
            if dep is not None:
                deployments.append(dep)
    except (RuntimeError, OSError, KeyError, StopIteration, subprocess.SubprocessError) as e:
        print(f"check_args: {e}", file=sys.stderr)
        return 1
    for dep in deployments:
        errors += check(dep, engine, capture)
    problems, nbreaks = self_test(image, engine, capture)
    errors += problems
    sys.stderr.write("".join(f"check_args: {e}\n" for e in errors))
    summary = (f"{len(deployments)} deployments, {len(engine.options)} engine and {len(capture.options)} "
               f"capture option spellings, {nbreaks} deliberate breaks, {len(errors)} problems")
    print(f"check_args: {summary}")
    return int(bool(errors))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
