#!/usr/bin/env python3
"""Fails when the crate's modules import each other in a cycle.

The modules must layer: drawn from their imports, no top-level module (`clock`, `scheduler`,
`render`, ...) may reach itself again through others, and neither may the files of one module
(`render::link`, `render::renderer`, ...). Edges come from `use` declarations and from paths
written in the code (`crate::...`, `super::...`), followed through `pub use` re-exports to the
module that defines the item; comments, strings and `#[cfg(test)]` modules do not count.

With `--layers FILE`, also checks the drawing in FILE (the fenced block after a line starting
`<!-- layers`): rows top to bottom, modules of a row separated by ` · `, a description after
two spaces. Every top-level module must be in it, and each may import only from rows below.

Usage: scripts/module_cycles.py [SRC_DIR] [--graph] [--self-test] [--layers FILE]
  --graph       print the top-level layering (each module with what it imports), leaves first
  --self-test   first check the checker on small crates with and without known cycles
"""

import re
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_code(text):
    """The code without comments, string and char literals."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and not re.match(r"[A-Za-z0-9_]", text[i - 1] if i else " "):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            i = n if end < 0 else end + 1 + len(hashes)
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 12]):
            m = re.match(r"'(\\.|[^\\'])[^']*'", text[i:])
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def strip_test_modules(code):
    """Removes `#[cfg(test)] mod name { ... }` blocks (test-only imports are not layering)."""
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+" + IDENT + r"\s*\{", code)
        if not m:
            return code
        depth, i = 1, m.end()
        while i < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        code = code[:m.start()] + code[i:]


def use_trees(code):
    """(is_pub, tree text) of each `use` declaration."""
    for m in re.finditer(r"(\bpub(\([^)]*\))?\s+)?\buse\s+([^;]+);", code):
        tree = re.sub(r"\s*(::|[{},])\s*", r"\1", re.sub(r"\s+", " ", m.group(3).strip()))
        yield bool(m.group(1)) and m.group(2) is None, tree


def expand(tree, prefix=()):
    """The paths of a use tree: lists of segments ending with (name, alias)."""
    parts, depth, cur = [], 0, ""
    brace = tree.find("{")
    if brace < 0:
        segs = tree.split("::")
        name, _, alias = segs[-1].partition(" as ")
        yield list(prefix) + segs[:-1] + [name], alias or name
        return
    head = tree[:brace].rstrip(":")
    head_segs = [s for s in head.split("::") if s]
    inner = tree[brace + 1:tree.rfind("}")]
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    for p in parts:
        if p == "self":
            yield list(prefix) + head_segs, head_segs[-1] if head_segs else ""
        else:
            yield from expand(p, tuple(prefix) + tuple(head_segs))


class Crate:
    def __init__(self, src):
        self.src = Path(src)
        self.files = {}  # module path (tuple) -> stripped code
        for f in sorted(self.src.rglob("*.rs")):
            rel = f.relative_to(self.src)
            if rel.parts[0] == "bin":
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] in ("mod", "lib"):
                parts = parts[:-1]
            code = strip_test_modules(strip_code(f.read_text()))
            self.files[tuple(parts)] = code
        # Re-exports: module -> {name: absolute path of what it names}.
        self.reexports = {}
        for mod, code in self.files.items():
            table = {}
            for is_pub, tree in use_trees(code):
                if not is_pub:
                    continue
                for path, alias in expand(tree):
                    absolute = self.absolute(mod, path)
                    if absolute is not None and alias != "*":
                        table[alias] = absolute
                    elif absolute is not None:
                        table.setdefault("*", []).append(absolute)
            self.reexports[mod] = table

    def absolute(self, mod, path):
        """`path` (segments, as written in `mod`) from the crate root, or None if external."""
        path = list(path)
        if not path:
            return None
        if path[0] == "crate":
            return path[1:]
        if path[0] == "self":
            return list(mod) + path[1:]
        if path[0] == "super":
            base = list(mod)
            while path and path[0] == "super":
                base, path = base[:-1], path[1:]
            return base + path
        # A path starting with a child module of `mod` (edition 2018 `use child::X`).
        if tuple(mod) + (path[0],) in self.files:
            return list(mod) + path
        return None

    def defining_module(self, path, seen=None):
        """The module that defines what `path` (from the root) names."""
        seen = seen or set()
        mod = ()
        i = 0
        while i < len(path) and mod + (path[i],) in self.files:
            mod = mod + (path[i],)
            i += 1
        if i < len(path):
            name = path[i]
            key = (mod, name)
            table = self.reexports.get(mod, {})
            if name in table and key not in seen:
                seen.add(key)
                return self.defining_module(table[name] + path[i + 1:], seen)
            for glob in table.get("*", []):
                target = tuple(glob)
                if target in self.files and (target, name) not in seen:
                    seen.add((target, name))
                    found = self.defining_module(list(target) + path[i:], seen)
                    if found != target or name in self.reexports.get(target, {}):
                        return found
        return mod

    def edges(self):
        """(from module, to module) for every reference between two modules."""
        found = set()
        for mod, code in self.files.items():
            paths = []
            for _, tree in use_trees(code):
                paths += [p for p, _ in expand(tree)]
            body = re.sub(r"\buse\s+[^;]+;", "", code)
            for m in re.finditer(r"\b((?:crate|super|self)(?:::(?:" + IDENT + r"))+)", body):
                paths.append(m.group(1).split("::"))
            for p in paths:
                absolute = self.absolute(mod, p)
                if absolute is None:
                    continue
                target = self.defining_module(absolute)
                if target != mod:
                    found.add((mod, target))
        return found


def cycles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    graph = {n: sorted({b for a, b in edges if a == n and b in nodes}) for n in nodes}
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


SELF_TESTS = [
    # (files, the cycles expected, as the report words them)
    ({"lib.rs": "pub mod a; pub mod b;", "a.rs": "use crate::b::B; pub struct A;",
      "b.rs": "pub struct B; fn f() -> crate::a::A { todo!() }"},
     ["between modules: a -> b -> a"]),
    # Through a re-export in a parent module, from a path written in code, in a child module.
    ({"lib.rs": "pub mod m;", "m/mod.rs": "mod x; mod y; pub use y::Y;",
      "m/x.rs": "pub struct X; fn f(_: super::Y) {}", "m/y.rs": "pub struct Y(super::x::X);"},
     ["in m: m::x -> m::y -> m::x"]),
    # Comments, strings and test modules do not count; a one-way import is no cycle.
    ({"lib.rs": "pub mod a; pub mod b;", "a.rs": "use crate::b::B; pub struct A(B);",
      "b.rs": "//! see [`crate::a::A`]\npub struct B; const S: &str = \"crate::a::A\";\n"
              "#[cfg(test)]\nmod tests { use crate::a::A; }"},
     []),
]


def self_test():
    import tempfile
    for files, expected in SELF_TESTS:
        with tempfile.TemporaryDirectory() as d:
            for rel, text in files.items():
                path = Path(d) / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            found = problems_in(Crate(d))
            if found != expected:
                print(f"module_cycles self-test: expected {expected}, found {found} in {sorted(files)}")
                return False
    return True


def problems_in(crate):
    edges = crate.edges()
    name = lambda m: "::".join(m) or "crate"
    problems = []
    parents = {m[:-1] for m in crate.files if m}
    for parent in sorted(parents):
        depth = len(parent)
        children = {m[: depth + 1] for m in crate.files if len(m) > depth and m[:depth] == parent}
        sib = set()
        for a, b in edges:
            if len(a) > depth and len(b) > depth and a[:depth] == parent and b[:depth] == parent:
                ca, cb = a[: depth + 1], b[: depth + 1]
                if ca != cb:
                    sib.add((ca, cb))
        for comp in cycles(children, sib):
            where = "between modules" if not parent else "in " + name(parent)
            problems.append(where + ": " + " -> ".join(map(name, witness(comp, sib))))
    return problems


def read_layers(path):
    """The drawing's rows, top first: a list of sets of module names."""
    text = Path(path).read_text()
    start = text.find("<!-- layers")
    if start < 0:
        return None
    block = text[start:].split("```", 2)
    rows = []
    for line in block[1].splitlines()[1:]:
        names = re.split(r"\s{2,}", line.strip())[0] if line.strip() else ""
        if names:
            rows.append({n.strip() for n in names.split("·")})
    return rows


def layer_problems(crate, rows):
    top = {m[0] for m in crate.files if m}
    row_of = {}
    for i, row in enumerate(rows):
        for n in row:
            row_of[n] = i
    problems = [f"module {m} is not in the drawing" for m in sorted(top - row_of.keys())]
    problems += [f"the drawing names {m}, which is no module" for m in sorted(row_of.keys() - top)]
    for a, b in sorted({(a[0], b[0]) for a, b in crate.edges() if a and b and a[0] != b[0]}):
        if a in row_of and b in row_of and row_of[b] <= row_of[a]:
            problems.append(f"{a} imports {b}, which the drawing puts {'beside' if row_of[a] == row_of[b] else 'above'} it")
    return problems


def main():
    if "--self-test" in sys.argv and not self_test():
        return 2
    argv = sys.argv[1:]
    layers = None
    if "--layers" in argv:
        i = argv.index("--layers")
        layers = argv[i + 1]
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("--")]
    crate = Crate(args[0] if args else "src")
    edges = crate.edges()
    problems = problems_in(crate)
    if layers:
        rows = read_layers(layers)
        if rows is None:
            problems.append(f"no layer drawing (a line starting '<!-- layers') in {layers}")
        else:
            problems += layer_problems(crate, rows)
    if "--graph" in sys.argv:
        top = {m[0] for m in crate.files if m}
        top_edges = {(a[0], b[0]) for a, b in edges if a and b and a[0] != b[0]}
        layers = layer_order(top, top_edges)
        for m in layers:
            deps = sorted(b for a, b in top_edges if a == m)
            print(f"{m}: {', '.join(deps) if deps else '(nothing)'}")
    if problems:
        print("the modules do not layer (see docs/ARCHITECTURE.md):")
        for p in problems:
            print("  " + p)
        return 1
    print(f"no import cycles among {len(crate.files)} modules" + (", and they layer as drawn in " + layers if layers else ""))
    return 0


def witness(component, edges):
    """One cycle through a strongly connected component: [a, b, ..., a]."""
    comp = set(component)
    start = sorted(component)[0]
    succ = {a: sorted(b for x, b in edges if x == a and b in comp) for a in comp}
    path, seen = [start], {start}

    def walk(v):
        for w in succ[v]:
            if w == start and len(path) > 1:
                return True
            if w not in seen:
                seen.add(w)
                path.append(w)
                if walk(w):
                    return True
                path.pop()
        return False

    walk(start)
    return path + [start]


def layer_order(nodes, edges):
    """Modules in an order where each comes after what it imports (leaves first)."""
    done, order = set(), []

    def place(v, trail):
        if v in done or v in trail:
            return
        for a, b in sorted(edges):
            if a == v:
                place(b, trail | {v})
        done.add(v)
        order.append(v)

    for v in sorted(nodes):
        place(v, set())
    return order


if __name__ == "__main__":
    sys.exit(main())
