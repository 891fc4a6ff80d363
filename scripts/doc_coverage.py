#!/usr/bin/env python3
"""Lists the public items of crates/numcrane whose rustdoc has no runnable example.

Issue 10 asks for a runnable example (a ```/```rust fence, not ignore/no_run/text/
compile_fail) on every public item. rustdoc's own "--show-coverage" counts examples only on
nightly, so this script reads the sources instead, which is enough for this crate's plain
layout:

* lib.rs says which modules are public (`pub mod`) and which names private modules re-export
  (`pub use m::{a, b}` or `pub use m::*`); a pub module may re-export too (linalg.rs).
* A `pub` item (fn, struct, enum, trait, type, const, static) in a public module, or one named
  by a re-export, is public; so is a `pub fn`/`pub const` in an inherent `impl T` block of a
  public type T, and a method declared in a public trait. Trait impls (`impl X for T`) take
  their docs from the trait and are skipped, as is anything `#[doc(hidden)]`.
* Items made by a macro in this crate (the ufunc tables in ufunc.rs, the distribution tables in
  random.rs) are the entries `name => ...;` / `name(...) -> T;` of a `macro! { ... }` call
  whose entries carry `///` docs.

Its doc comment is the run of `///` lines (and attributes) right above an item.

Usage: scripts/doc_coverage.py [--all] [--include-io] [--names]
  --all         also list the items that have an example
  --include-io  also check crates/numcrane/src/io/ (documented by the I/O work)
  --names       print only the function and method names, one a line (for the NumPy map)
Exit status 1 when an item lacks an example (so CI can use it), else 0.
"""

import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "numcrane", "src")

ITEM = re.compile(
    r"^(\s*)pub\s+(?:(?:const|async|unsafe|extern\s+\"C\")\s+)*"
    r"(fn|struct|enum|trait|type|const|static|mod)\s+([A-Za-z_][A-Za-z0-9_]*)"
)
TRAIT_FN = re.compile(r"^\s*fn\s+([A-Za-z_][A-Za-z0-9_]*)")
IMPL = re.compile(r"^\s*impl\b(?:\s*<[^{]*?>)?\s+([^{]*?)\s*\{\s*$")
MACRO_CALL = re.compile(r"^\s*([a-z_][a-z0-9_]*)!\s*\{\s*$")
MACRO_ENTRY = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(?:=>|\()")
FENCE = re.compile(r"^\s*```(.*)$")


def runnable_example(doc_lines):
    """True when the doc text has a code fence rustdoc runs."""
    for line in doc_lines:
        m = FENCE.match(line)
        if not m:
            continue
        info = {t.strip() for t in m.group(1).split(",") if t.strip()}
        if info & {"ignore", "no_run", "text", "compile_fail", "console", "sh", "python"}:
            continue
        if not info or info <= {"rust", "should_panic", "edition2021"}:
            return True
    return False


def doc_above(lines, i):
    """The `///` lines directly above line i (skipping attributes); None if doc(hidden)."""
    docs = []
    j = i - 1
    while j >= 0:
        s = lines[j].strip()
        if s.startswith("///"):
            docs.append(s[3:])
        elif s.startswith("#[") or s.startswith("#!["):
            if "doc(hidden)" in s:
                return None
        elif s.endswith(")]") or s.endswith("]") and not s.startswith("//"):
            # The tail of a multi-line attribute.
            pass
        elif s.startswith("//") and not s.startswith("///"):
            pass
        else:
            break
        j -= 1
    docs.reverse()
    return docs


def parse_lib():
    """Public modules, and the names each private module re-exports (or '*')."""
    text = open(os.path.join(ROOT, "lib.rs")).read()
    pub_mods = set(re.findall(r"^pub mod (\w+);", text, re.M))
    exports = {}
    for m in re.finditer(r"^pub use (\w+)::(\{[^}]*\}|[\w*]+);", text, re.M | re.S):
        names = m.group(2).strip("{}").replace("\n", " ")
        for n in names.split(","):
            n = n.strip()
            if n:
                exports.setdefault(m.group(1), set()).add(n)
    # Re-exports from crate-private modules inside public ones (linalg.rs re-exports
    # linalg_decomp).
    for mod in pub_mods:
        path = os.path.join(ROOT, mod + ".rs")
        if not os.path.exists(path):
            continue
        t = open(path).read()
        for m in re.finditer(r"^pub use crate::(\w+)::(\{[^}]*\}|[\w*]+);", t, re.M | re.S):
            for n in m.group(2).strip("{}").replace("\n", " ").split(","):
                if n.strip():
                    exports.setdefault(m.group(1), set()).add(n.strip())
    return pub_mods, exports


def module_of(path):
    rel = os.path.relpath(path, ROOT)
    return rel.split(os.sep)[0].removesuffix(".rs")


def scan(path, public_module, exported, public_types):
    """Yields (kind, name, line, has_example) for the public items of one file."""
    lines = open(path).read().split("\n")
    # Stack of block contexts: ("impl", type, public) / ("trait", name, public) /
    # ("macro", name) / ("other",); with the brace depth at which each opened.
    stack = []
    depth = 0
    in_macro_rules = 0
    for i, line in enumerate(lines):
        code = line.split("//")[0] if not line.strip().startswith("///") else ""
        stripped = line.strip()
        ctx = stack[-1][1] if stack else None
        if stripped.startswith("macro_rules!"):
            in_macro_rules = depth + 1
        m = ITEM.match(line)
        if m and not in_macro_rules and "pub(" not in line.split("fn")[0]:
            kind, name = m.group(2), m.group(3)
            public = False
            owner = None
            if ctx is None:
                public = public_module or name in exported or "*" in exported
            elif ctx[0] == "impl":
                owner = ctx[1]
                public = ctx[2] and kind in ("fn", "const", "type")
            if public and kind != "mod":
                doc = doc_above(lines, i)
                if doc is not None:
                    full = f"{owner}::{name}" if owner else name
                    yield kind, full, i + 1, runnable_example(doc)
        elif ctx and ctx[0] == "trait" and ctx[2] and TRAIT_FN.match(line):
            name = TRAIT_FN.match(line).group(1)
            doc = doc_above(lines, i)
            if doc is not None:
                yield "fn", f"{ctx[1]}::{name}", i + 1, runnable_example(doc)
        elif ctx and ctx[0] == "macro" and MACRO_ENTRY.match(line):
            doc = doc_above(lines, i)
            if doc:
                name = MACRO_ENTRY.match(line).group(1)
                owner = ctx[1]
                full = f"{owner}::{name}" if owner else name
                yield "fn", full, i + 1, runnable_example(doc)
        # Open/close contexts.
        opens = code.count("{")
        closes = code.count("}")
        if opens > closes:
            im = IMPL.match(code)
            tm = re.match(r"^\s*pub\s+trait\s+(\w+)", code)
            mm = MACRO_CALL.match(code)
            if im and not in_macro_rules:
                target = im.group(1)
                if " for " in f" {target} ":
                    stack.append((depth, ("other",)))
                else:
                    tname = re.sub(r"<.*", "", target).split("::")[-1].strip()
                    stack.append((depth, ("impl", tname, tname in public_types)))
            elif tm and not in_macro_rules:
                name = tm.group(1)
                pub = public_module or name in exported or "*" in exported
                stack.append((depth, ("trait", name, pub)))
            elif mm and not in_macro_rules and mm.group(1) not in ("thread_local",):
                # A macro call's entries become methods when the call sits in an impl.
                owner = ctx[1] if ctx and ctx[0] == "impl" else None
                stack.append((depth, ("macro", owner)))
            else:
                stack.append((depth, ("other",)))
            depth += opens - closes
        elif closes > opens:
            depth -= closes - opens
            while stack and stack[-1][0] >= depth:
                stack.pop()
            if in_macro_rules and depth < in_macro_rules:
                in_macro_rules = 0


def public_type_names(files, pub_mods, exports):
    names = set()
    for path in files:
        mod = module_of(path)
        public_module = mod in pub_mods
        exported = exports.get(mod, set())
        for line in open(path):
            m = re.match(r"^pub\s+(struct|enum|type)\s+(\w+)", line)
            if m and (public_module or m.group(2) in exported or "*" in exported):
                names.add(m.group(2))
    return names


def foreign_items(top):
    """The public items of the numcrane-random types that numcrane re-exports."""
    names = set()
    for m in re.finditer(r"^pub use numcrane_random::(\{[^}]*\}|\w+);",
                         open(os.path.join(ROOT, "random.rs")).read(), re.M):
        names |= {n.strip() for n in m.group(1).strip("{}").split(",") if n.strip()}
    src = os.path.join(top, "crates", "numcrane-random", "src")
    for n in sorted(os.listdir(src)):
        path = os.path.join(src, n)
        if n.endswith(".rs"):
            for it in scan(path, False, names, names):
                yield path, it


def main():
    args = set(sys.argv[1:])
    pub_mods, exports = parse_lib()
    files = []
    for dirpath, _, names in os.walk(ROOT):
        for n in sorted(names):
            if n.endswith(".rs"):
                p = os.path.join(dirpath, n)
                if "--include-io" not in args and module_of(p) == "io":
                    continue
                files.append(p)
    files.sort()
    types = public_type_names(files, pub_mods, exports)
    items = []
    top = os.path.join(ROOT, "..", "..", "..")
    for path in files:
        mod = module_of(path)
        public_module = mod in pub_mods
        for it in scan(path, public_module, exports.get(mod, set()), types):
            items.append((os.path.relpath(path, top),) + it)
    # Types numcrane re-exports from numcrane-random (`pub use numcrane_random::{..}` in
    # random.rs): their docs live in that crate.
    for path, it in foreign_items(top):
        items.append((os.path.relpath(path, top),) + it)
    if "--names" in args:
        for name in sorted({i[2].split("::")[-1] for i in items if i[1] == "fn"}):
            print(name)
        return 0
    missing = [i for i in items if not i[4]]
    for path, kind, name, line, ok in items:
        if "--all" in args or not ok:
            mark = "ok     " if ok else "MISSING"
            print(f"{mark} {path}:{line}: {kind} {name}")
    print(f"{len(items)} public items, {len(items) - len(missing)} with a runnable example, "
          f"{len(missing)} without")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
