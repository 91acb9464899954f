"""planner's modules import each other without cycles (read with `ast`, nothing is run).

A cycle makes the import order matter and pushes imports into functions, so an import inside
a function counts too: it hides a cycle, it does not remove it.
"""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "planner"
LEFT_OUT = ()
# Cycles accepted for now (none: keep it that way).
KNOWN = []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> dict:
    """{module: {modules of planner it imports, anywhere in the module}}."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path.name == "__init__.py", node)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in modules else base)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict) -> list:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _kept(name: str) -> bool:
    return not any(name == left or name.startswith(left + ".") for left in LEFT_OUT)


def test_no_import_cycles_among_planners_modules():
    graph = {name: {t for t in targets if _kept(t)} for name, targets in import_graph().items() if _kept(name)}
    assert [cycle for cycle in cycles(graph) if cycle not in KNOWN] == []


def test_the_checker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


# Imports inside functions are allowed only where a reason is named: create_app's (start-up cost,
# commented there), formatting's Flask imports (the module also serves scripts without Flask:
# guarded by `except ImportError`).
FUNCTION_IMPORTS_ALLOWED = {("planner", "create_app"), ("planner.formatting", "locale_code"),
                            ("planner.formatting", "_"), ("planner.formatting", "init_app")}
FUNCTION_IMPORTS_LEFT_OUT = ()


def test_imports_are_at_module_level_unless_a_reason_is_named():
    found = []
    for name, path in _modules().items():
        if any(name == left or name.startswith(left + ".") for left in FUNCTION_IMPORTS_LEFT_OUT):
            continue
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if (name, function.name) in FUNCTION_IMPORTS_ALLOWED:
                continue
            found += [f"{name}.{function.name}:{node.lineno}" for node in ast.walk(function)
                      if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert found == []
