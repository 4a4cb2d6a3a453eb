"""autograd_lite.tune imports only numpy and the standard library at module level, and
nothing from the rest of autograd_lite (optional extras are imported inside functions)."""
import ast
import pathlib
import sys

import autograd_lite.tune

PKG = pathlib.Path(autograd_lite.tune.__file__).parent
LAZY_ONLY = {"dask", "distributed", "matplotlib", "tqdm", "threadpoolctl", "tomli", "numba"}


def module_level_imports(tree):
    """Imports executed when the module is imported (not inside a function)."""
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            fn = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((a.name, 0, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                found.append((child.module or "", child.level, in_function))
            visit(child, in_function or fn)

    visit(tree, False)
    return found


def test_tune_depends_only_on_numpy_and_stdlib_at_import_time():
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    files = sorted(PKG.glob("*.py"))
    assert {f.name for f in files} >= {"spaces.py", "search.py", "executors.py", "storage.py",
                                       "early_stopping.py", "report.py", "cli.py"}
    for f in files:
        for name, level, lazy in module_level_imports(ast.parse(f.read_text())):
            top = name.split(".")[0]
            if level:  # relative: must stay inside autograd_lite.tune
                assert level == 1, f"{f.name} imports from outside tune: {'.' * level}{name}"
                continue
            assert top != "autograd_lite", f"{f.name} imports {name}"
            if lazy:
                continue
            assert top in stdlib or top == "numpy", f"{f.name} imports {name} at module level"
            assert top not in LAZY_ONLY
