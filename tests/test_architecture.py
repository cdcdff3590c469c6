"""The layout keeps the design true: dependencies run one way, and the architecture page
names every file.

* Inside ``autograd/`` modules import each other only downwards, in the order
  engine <- function <- ops <- methods <- tensor <- everything else, so there is no import cycle.
* No module uses another module's ``_private`` names (``from x import _y`` or ``x._y``).
* ``docs/architecture.md`` lists every Python file of ``autograd/`` and ``nn/``, and no file
  that does not exist, so the file map cannot go stale.
"""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("autograd", "nn")

# The layers of autograd/, bottom first: a module may import only from its own layer's
# lower modules or from layers below it. Anything not listed sits on top ("everything else").
LAYERS = [
    {"autograd.engine"},
    {"autograd.function"},
    "autograd.ops",  # the package and every module under it
    "autograd.methods",  # Tensor's method families (mixins), which tensor.py inherits
    {"autograd.tensor"},
]


def _modules(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _layer(module):
    for index, layer in enumerate(LAYERS):
        if isinstance(layer, str):
            if module == layer or module.startswith(layer + "."):
                return index
        elif module in layer:
            return index
    return len(LAYERS)


def _imports(module, path):
    """The package modules that ``module`` imports, with the names it takes from each."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                # `from . import engine` imports a module; `from .engine import state` a name
                if any(candidate == name for name, _ in ALL_MODULES):
                    found.append((candidate, None))
                else:
                    found.append((target, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.append((alias.name, None))
    return [(target, name) for target, name in found if target.split(".")[0] in PACKAGES]


ALL_MODULES = [item for package in PACKAGES for item in _modules(package)]


@pytest.mark.parametrize("module, path", [(m, p) for m, p in ALL_MODULES if m.startswith("autograd")],
                         ids=lambda value: str(value))  # fmt: skip
def test_autograd_imports_run_downwards(module, path):
    own = _layer(module)
    for target, _ in _imports(module, path):
        if target == module or not target.startswith("autograd"):
            continue
        if target == "autograd" and own == len(LAYERS):
            continue  # the top layer may use the public package (viz, functional, ...)
        assert _layer(target) <= own, (
            f"{module} (layer {own}) imports {target} (layer {_layer(target)}): dependencies must run "
            "engine <- function <- ops <- methods <- tensor <- everything else"
        )
        if own < len(LAYERS) and _layer(target) == own and isinstance(LAYERS[own], set):
            raise AssertionError(f"{module} imports {target} from its own layer")


def test_no_import_cycle_in_autograd():
    graph = {}
    for module, path in ALL_MODULES:
        if module.startswith("autograd"):
            graph[module] = {target for target, _ in _imports(module, path) if target in dict(ALL_MODULES)}
    # the package __init__ re-exports; a cycle through it is the usual "import the package" edge
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for target in graph.get(node, ()):
            if target in ("autograd", "autograd.ops") and node.startswith(target):
                continue  # a module of a package never needs its package's __init__ (checked below)
            if state.get(target) == "open":
                raise AssertionError("import cycle: " + " -> ".join(trail + [node, target]))
            if target not in state:
                visit(target, trail + [node])
        state[node] = "done"

    for module in graph:
        if module not in state:
            visit(module, [])


@pytest.mark.parametrize("module, path", ALL_MODULES, ids=lambda value: str(value))
def test_no_module_uses_another_modules_private_names(module, path):
    tree = ast.parse(path.read_text())
    imported_modules = {}
    for target, name in _imports(module, path):
        if name is not None and name.startswith("_") and not name.startswith("__") and target != module:
            raise AssertionError(f"{module} imports the private name {name} from {target}")
    # names bound by importing from the packages: a module (``from . import engine``), a class
    # or function (``from .tensor import Tensor``); their _private attributes are off limits
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] in PACKAGES):
            for alias in node.names:
                imported_modules[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    imported_modules[(alias.asname or alias.name).split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported_modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            raise AssertionError(f"{module} line {node.lineno} uses the private name {node.value.id}.{node.attr}")


def test_architecture_page_lists_every_file():
    page = (ROOT / "docs" / "architecture.md").read_text()
    listed = set(re.findall(r"`((?:autograd|nn)/[\w/]+\.py)`", page))
    actual = {str(path.relative_to(ROOT)) for _, path in ALL_MODULES}
    assert not actual - listed, f"docs/architecture.md does not list {sorted(actual - listed)}"
    assert not listed - actual, f"docs/architecture.md lists files that do not exist: {sorted(listed - actual)}"


def test_tensor_methods_come_from_mixins_without_state():
    # tensor.py inherits its method families from autograd/methods/: they add no instance
    # state (a Tensor keeps its fixed slots, no __dict__) and no two define the same name, so
    # the order of the bases changes nothing
    from autograd import Tensor

    assert not hasattr(Tensor(1.0), "__dict__")
    families = Tensor.__mro__[1:-1]
    assert families and all(base.__module__.startswith("autograd.methods.") for base in families)
    assert all(base.__slots__ == () for base in families)
    names = [name for base in Tensor.__mro__[:-1] for name in vars(base) if not name.startswith("__")]
    assert len(names) == len(set(names)), sorted({name for name in names if names.count(name) > 1})
