#!/usr/bin/env python3
"""Checks deploy/docker/Dockerfile against the real build, without Docker.

Usage: check_images.py DOCKERFILE BUILD_DIR

1. Structure: Debian bookworm bases, the three runtime targets, COPY --from
   naming an earlier stage, context files that exist and are not excluded by
   the Dockerfile's .dockerignore, no compiler or -dev package in a runtime
   stage, each ENTRYPOINT copied into its stage, the sidekick non-root and
   exposing 2801/2802.
2. Install tree: `cmake --install BUILD_DIR` into a temp prefix /usr (the
   image's layout) and every `COPY --from=build /out/...` source must be
   there. An artifact that is not built at all is reported as in progress; one
   that is built but not installed is a warning (an error with
   SAKER_DEPLOY_STRICT=1), since the image build would fail on it.
3. Build stage: every pkg-config module and header the CMake files require
   is provided by a package the build stage installs (or one of their
   dependencies), so a new dependency of any module shows up here.
4. Runtime libraries: every ELF file a runtime stage copies needs only shared
   libraries from Debian packages that stage installs (or that the slim base
   image already has), found with readelf + ldconfig + dpkg -S; every package
   named must be known to apt.

Exit 0 when everything holds, 1 otherwise.
"""
import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

RUNTIME_TARGETS = {"saker", "sidekick", "event-generator"}
BASES = {"debian:bookworm", "debian:bookworm-slim"}
# Packages debian:bookworm-slim already carries (essential/required set and
# apt's dependencies) that Saker's programs may link against.
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1", "liblzma5", "libbz2-1.0",
                 "libselinux1", "libpcre2-8-0", "libacl1", "libattr1", "libcrypt1", "libtinfo6", "libgnutls30",
                 "libgmp10", "libffi8", "libp11-kit0", "libidn2-0", "libunistring2", "libtasn1-6", "libnettle8",
                 "libhogweed6", "libgcrypt20", "libgpg-error0", "liblz4-1", "libsystemd0", "libudev1",
                 "libseccomp2", "libxxhash0"}
SELF_TEST_PACKAGE = "libnosuchpackage9"  # must stay unknown to apt
BUILD_ONLY = re.compile(r"(-dev$|^build-essential$|^clang|^gcc|^cmake$|^llvm|^lld$|^bpftool$|^pkg-config$)")


class Stage:
    def __init__(self, base, name):
        self.base, self.name = base, name
        self.packages, self.copies, self.context_copies = [], [], []
        self.user = None
        self.expose, self.entrypoint = [], []


def logical_lines(text):
    """Dockerfile lines with continuations joined and comments dropped."""
    out, cur = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not cur and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        out.append(cur + line)
        cur = ""
    if cur:
        out.append(cur)
    return out


def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = logical_lines(f.read())
    args, stages = {}, []
    for line in lines:
        instr, _, rest = line.partition(" ")
        instr = instr.upper()
        if instr == "ARG" and not stages:
            key, _, value = rest.partition("=")
            args[key.strip()] = value.strip()
            continue
        if instr == "FROM":
            words = rest.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), ""), words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base, name))
            continue
        stage = stages[-1]
        if instr == "RUN" and "apt-get install" in rest:
            words = shlex.split(rest.split("apt-get install", 1)[1].split("&&", 1)[0])
            stage.packages += [w for w in words if not w.startswith("-")]
        elif instr == "COPY":
            words = shlex.split(rest)
            src_from = [w.split("=", 1)[1] for w in words if w.startswith("--from=")]
            paths = [w for w in words if not w.startswith("--")]
            if src_from:
                stage.copies.append((src_from[0], paths[:-1], paths[-1]))
            else:
                stage.context_copies += paths[:-1]
        elif instr == "USER":
            stage.user = rest.strip()
        elif instr == "EXPOSE":
            stage.expose += [int(p.split("/")[0]) for p in rest.split()]
        elif instr == "ENTRYPOINT":
            stage.entrypoint = eval_json_list(rest)
    return stages


def eval_json_list(text):
    try:
        value = json.loads(text)
        return value if isinstance(value, list) else [text]
    except ValueError:
        return shlex.split(text)


def ignored(path, patterns):
    return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/") for p in patterns)


class Checker:
    def __init__(self, dockerfile, build_dir):
        self.dockerfile, self.build_dir = dockerfile, build_dir
        self.root = os.path.abspath(os.path.join(os.path.dirname(dockerfile), "..", ".."))
        self.stages = parse(dockerfile)
        self.errors, self.notes = [], []
        self.strict = os.environ.get("SAKER_DEPLOY_STRICT") == "1"

    def fail(self, what):
        self.errors.append(what)

    def check_structure(self):
        names = [s.name for s in self.stages]
        for target in sorted(RUNTIME_TARGETS - set(names)):
            self.fail(f"no stage named {target}")
        if len(set(names)) != len(names):
            self.fail(f"duplicate stage names: {names}")
        ignore_file = self.dockerfile + ".dockerignore"
        patterns = []
        if os.path.exists(ignore_file):
            with open(ignore_file, encoding="utf-8") as f:
                patterns = [p.strip() for p in f if p.strip() and not p.startswith("#")]
        else:
            self.fail(f"{ignore_file} missing: local build trees would enter the build context")
        for i, st in enumerate(self.stages):
            label = st.name or f"stage {i}"
            if st.base not in BASES:
                self.fail(f"{label}: base image {st.base} is not Debian bookworm")
            earlier = set(names[:i])
            for src_stage, _, _ in st.copies:
                if src_stage not in earlier:
                    self.fail(f"{label}: COPY --from={src_stage} names no earlier stage")
            for src in st.context_copies:
                if src == ".":
                    continue
                if not os.path.exists(os.path.join(self.root, src)):
                    self.fail(f"{label}: COPY {src}: no such file in the repository")
                elif ignored(src, patterns):
                    self.fail(f"{label}: COPY {src}: excluded by {ignore_file}")
            if st.name in RUNTIME_TARGETS:
                self.check_runtime_stage(st)

    def check_runtime_stage(self, st):
        for pkg in st.packages:
            if BUILD_ONLY.search(pkg):
                self.fail(f"{st.name}: build-only package {pkg} in a runtime image")
        copied = {os.path.join(dst, os.path.basename(s)) if dst.endswith("/") else dst
                  for _, srcs, dst in st.copies for s in srcs}
        if st.entrypoint and st.entrypoint[0] not in copied:
            self.fail(f"{st.name}: ENTRYPOINT {st.entrypoint[0]} is not copied into the stage")
        if st.name == "sidekick":
            if not st.user or st.user.split(":")[0] in ("0", "root"):
                self.fail(f"sidekick: runs as {st.user or 'root'}")
            for port in (2801, 2802):
                if port not in st.expose:
                    self.fail(f"sidekick: does not EXPOSE {port}")

    def install_tree(self, tmp):
        proc = subprocess.run(["cmake", "--install", self.build_dir, "--prefix", f"{tmp}/usr"],
                              capture_output=True, text=True, timeout=300, check=False)
        if proc.returncode != 0:
            self.fail(f"cmake --install {self.build_dir} failed: {proc.stderr.strip()[-500:]}")
            return False
        return True

    def built_anywhere(self, name):
        for _, _, files in os.walk(self.build_dir):
            if name in files:
                return True
        return False

    def check_install(self, tmp):
        """Returns {stage name: [ELF files it copies]} for the library check."""
        elves = {}
        for st in self.stages:
            if st.name not in RUNTIME_TARGETS:
                continue
            for _, srcs, _ in st.copies:
                for src in srcs:
                    if not src.startswith("/out/"):
                        self.fail(f"{st.name}: COPY --from=build {src} is outside the /out staging tree")
                        continue
                    local = os.path.join(tmp, src[len("/out/"):])
                    if os.path.exists(local):
                        elves.setdefault(st.name, []).extend(elf_files(local))
                    elif not self.built_anywhere(os.path.basename(src.rstrip("/"))):
                        self.notes.append(f"{st.name}: {src} is not installed by anything yet (in progress)")
                    else:
                        msg = f"{st.name}: {src} is built but `cmake --install` does not install it"
                        if self.strict:
                            self.fail(msg)
                        else:
                            self.notes.append("WARNING " + msg)
        return elves

    def check_libraries(self, elves):
        stages = [st for st in self.stages if st.name in RUNTIME_TARGETS]
        known = apt_candidates([p for st in stages for p in st.packages] + [SELF_TEST_PACKAGE])
        sonames = ldconfig_map()
        needs = {path: needed(path) for st in stages for path in elves.get(st.name, [])}
        owners = packages_of([sonames[so] for libs in needs.values() for so in libs if so in sonames])
        for st in stages:
            for pkg in st.packages:
                if known is not None and not known[pkg]:
                    self.fail(f"{st.name}: apt does not know package {pkg}")
            have = set(st.packages) | BASE_PACKAGES
            for path in elves.get(st.name, []):
                for soname in needs[path]:
                    pkg = owners.get(sonames.get(soname))
                    if pkg is None:
                        self.fail(f"{st.name}: {os.path.basename(path)} needs {soname}, found in no Debian package")
                    elif pkg not in have:
                        self.fail(f"{st.name}: {os.path.basename(path)} needs {soname} from {pkg}, "
                                  f"which the stage does not install")

    def check_build_deps(self):
        """Every pkg-config module and header the CMake files require comes from
        a package the build stage installs (directly or as a dependency)."""
        build = self.stage("build")
        closure = dependency_closure(build.packages)
        wanted = {}
        for path in cmake_files(self.root):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for mods in re.findall(r"pkg_check_modules\(\s*\w+([^)]*)\)", text):
                for mod in mods.split():
                    if not mod.isupper():
                        wanted[pkgconfig_path(mod)] = f"{os.path.relpath(path, self.root)}: {mod}"
            for header in re.findall(r"find_path\(\s*\w+\s+([\w./+-]+)", text):
                wanted[os.path.join("/usr/include", header)] = f"{os.path.relpath(path, self.root)}: {header}"
        owners = packages_of([p for p in wanted if p])
        for path, where in sorted(wanted.items(), key=lambda kv: kv[1]):
            pkg = owners.get(path) if path else None
            if pkg is None:
                self.fail(f"build: {where} is provided by no installed Debian package here")
            elif pkg not in closure:
                self.fail(f"build: {where} comes from {pkg}, which the build stage does not install")
        self.notes.append(f"{len(wanted)} build dependencies of the CMake files found in the build stage")

    def run(self):
        self.check_structure()
        self.check_build_deps()
        with tempfile.TemporaryDirectory(prefix="saker-image-") as tmp:
            if self.install_tree(tmp):
                elves = self.check_install(tmp)
                self.check_libraries(elves)
                checked = sum(len(v) for v in elves.values())
                self.notes.append(f"{checked} installed ELF files checked against the runtime package lists")
                self.errors += self.self_test(elves)
        return self.errors

    def stage(self, name):
        return next(st for st in self.stages if st.name == name)

    def self_test(self, elves):
        """Breaks the parsed Dockerfile on purpose; each break must be reported."""
        problems = []

        def expect(needles, mutate, libraries=False, build=False):
            broken = Checker(self.dockerfile, self.build_dir)
            mutate(broken)
            broken.check_structure()
            if libraries:
                broken.check_libraries(elves)
            if build:
                broken.check_build_deps()
            for needle in [needles] if isinstance(needles, str) else needles:
                if not any(needle in e for e in broken.errors):
                    problems.append(f"self-test: expected a problem containing {needle!r}, got {broken.errors}")

        expect("runs as root", lambda c: setattr(c.stage("sidekick"), "user", None))
        expect("build-only package clang", lambda c: c.stage("saker").packages.append("clang"))
        expect("names no earlier stage", lambda c: c.stage("saker").copies.append(("later", ["/out/x"], "/x")))
        expect("no such file in the repository", lambda c: c.stage("saker").context_copies.append("deploy/nope"))
        expect("yaml-0.1 comes from libyaml-dev, which the build stage does not install",
               lambda c: c.stage("build").packages.remove("libyaml-dev"), build=True)
        if elves.get("sidekick"):
            def drop_nng(c):
                c.stage("sidekick").packages.remove("libnng1")
                c.stage("sidekick").packages.append(SELF_TEST_PACKAGE)
            needles = ["from libnng1, which the stage does not install"]
            if apt_candidates(["libnng1"]) is not None:
                needles.append(f"apt does not know package {SELF_TEST_PACKAGE}")
            expect(needles, drop_nng, libraries=True)
        return problems


def elf_files(path):
    paths = [path] if os.path.isfile(path) else [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs]
    out = []
    for p in paths:
        with open(p, "rb") as f:
            if f.read(4) == b"\x7fELF":
                out.append(p)
    return out


def needed(path):
    proc = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, timeout=30, check=True)
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", proc.stdout)


def ldconfig_map():
    """soname -> path, preferring the native (64-bit, "libc6,<arch>") entries."""
    proc = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, timeout=30, check=True)
    native, other = {}, {}
    for line in proc.stdout.splitlines()[1:]:
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m:
            (native if "," in m.group(2) else other).setdefault(m.group(1), m.group(3))
    return {**other, **native}


_OWNERS = {}
_APT = {}


def packages_of(paths):
    """path -> Debian package owning it (or its resolved target); dpkg -S is
    slow, so one call for every path not asked before."""
    todo = sorted({c for path in paths for c in (path, os.path.realpath(path))} - set(_OWNERS))
    if todo:
        proc = subprocess.run(["dpkg", "-S", *todo], capture_output=True, text=True, timeout=120, check=False)
        _OWNERS.update({c: None for c in todo})
        for line in proc.stdout.splitlines():
            pkgs, _, path = line.partition(": ")
            _OWNERS[path.strip()] = pkgs.split(",")[0].split(":")[0].strip()
    return {p: _OWNERS.get(p) or _OWNERS.get(os.path.realpath(p)) for p in paths}


def apt_candidates(packages):
    """package -> whether apt has a candidate version; None without apt lists.
    One apt-cache call for every name not asked before."""
    todo = sorted((set(packages) | {"libc6"}) - set(_APT))
    if todo:
        proc = subprocess.run(["apt-cache", "policy", *todo], capture_output=True, text=True, timeout=120,
                              check=False)
        _APT.update({p: False for p in todo})
        for block in re.split(r"\n(?=\S)", proc.stdout):
            m = re.match(r"(\S+?)(:\S+)?:\n(?:.*\n)*?\s+Candidate: (\S+)", block + "\n")
            if m:
                _APT[m.group(1)] = m.group(3) != "(none)"
    if not _APT["libc6"]:
        return None
    return {p: _APT[p] for p in packages}


def cmake_files(root):
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(("build", ".")) and x != "node_modules"]
        for f in files:
            if f == "CMakeLists.txt" or f.endswith(".cmake"):
                yield os.path.join(d, f)


def pkgconfig_path(module):
    proc = subprocess.run(["pkg-config", "--path", module], capture_output=True, text=True, timeout=30, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def dependency_closure(packages):
    """The packages plus everything they depend on, from dpkg's installed set."""
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Depends}\t${Pre-Depends}\n"], capture_output=True,
                          text=True, timeout=60, check=True)
    graph = {}
    for line in proc.stdout.splitlines():
        name, _, deps = line.partition("\t")
        graph[name] = {re.split(r"[\s:(]", alt.strip())[0] for dep in deps.replace("\t", ",").split(",")
                       for alt in dep.split("|") if alt.strip()}
    seen, todo = set(), list(packages)
    while todo:
        pkg = todo.pop()
        if pkg not in seen:
            seen.add(pkg)
            todo += graph.get(pkg, ())
    return seen


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    checker = Checker(argv[1], argv[2])
    errors = checker.run()
    for note in checker.notes:
        print(f"check_images: {note}")
    for e in errors:
        print(f"check_images: {e}", file=sys.stderr)
    print(f"check_images: {len(checker.stages)} stages, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
