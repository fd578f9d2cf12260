#!/usr/bin/env python3
"""The API crate's house rules, read from its `crate::` paths (`make lint`):

- the kernel imports no domain folder;
- no import cycle between the top-level modules (the kernel, the domain folders, app, server).

Files inside one folder may use each other freely.

Test modules (`#[cfg(test)] mod tests`) are left out: a test may use anything.
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(__file__), '..', '..', 'crates', 'api', 'src')
PATH = re.compile(r'\bcrate::([a-z_][a-z0-9_]*)')
TESTS = re.compile(r'^#\[cfg\(test\)\]\s*\n\s*mod tests', re.M)


def top_module(rel):
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith('.rs') else first


def modules():
    """The top-level modules: `src/<name>.rs` and `src/<name>/` (macros at the root are not)."""
    names = set()
    for entry in os.listdir(SRC):
        if entry.endswith('.rs'):
            names.add(entry[:-3])
        elif os.path.isdir(os.path.join(SRC, entry)):
            names.add(entry)
    return names - {'lib', 'main'}


def edges():
    known = modules()
    out = {}
    for dirpath, _, files in os.walk(SRC):
        for name in files:
            if not name.endswith('.rs'):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, SRC)
            src = open(path, encoding='utf-8').read()
            m = TESTS.search(src)
            if m:
                src = src[: m.start()]
            src = '\n'.join(l for l in src.split('\n') if not l.lstrip().startswith('//'))
            here = top_module(rel)
            for target in PATH.findall(src):
                if target != here and target in known:
                    out.setdefault((here, target), set()).add(rel)
    return out


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
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
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    e = edges()
    graph = {}
    for (a, b) in e:
        graph.setdefault(a, set()).add(b)
    failed = False
    for (a, b), files in sorted(e.items()):
        if a == 'kernel' and b != 'kernel':
            failed = True
            print(f'kernel imports the domain folder `{b}`: {", ".join(sorted(files))}')
    for comp in cycles(graph):
        failed = True
        print('import cycle between modules: ' + ' -> '.join(comp))
        for a in comp:
            for b in comp:
                if (a, b) in e:
                    print(f'  {a} -> {b}: {", ".join(sorted(e[(a, b)]))}')
    if failed:
        sys.exit(1)
    layers = ', '.join(f'{a} -> {", ".join(sorted(bs))}' for a, bs in sorted(graph.items()))
    print(f'api modules are free of cycles ({layers})')


if __name__ == '__main__':
    main()
