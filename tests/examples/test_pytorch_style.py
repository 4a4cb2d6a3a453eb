"""examples/pytorch_style/: PyTorch tutorial-style scripts that name autograd_lite only in their
import line. Each runs here as written; where torch is installed the same source, with the
import line pointing at torch, must reach the same result (same data, same starting weights)."""
import importlib.util
import pathlib

import pytest

FOLDER = pathlib.Path(__file__).resolve().parents[2] / "examples" / "pytorch_style"
TO_TORCH = [("import autograd_lite as torch\n", "import torch\n"),
            ("import autograd_lite.nn as nn\n", "import torch.nn as nn\n"),
            ("from autograd_lite.utils.data ", "from torch.utils.data ")]


def load(name, tmp_path, for_torch=False):
    """The script as a module: as written, or with its import lines pointing at torch."""
    source = (FOLDER / f"{name}.py").read_text()
    if for_torch:
        for ours, theirs in TO_TORCH:
            source = source.replace(ours, theirs)
        code = source.split('"""', 2)[2]  # past the module docstring
        assert "autograd_lite" not in code, "the script names autograd_lite past its imports"
    path = tmp_path / f"{name}_{'torch' if for_torch else 'al'}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = {  # script: (entry point, keyword arguments for a short run, loss it must get below)
    "polynomial_fit": ("fit", {"steps": 600}, 150.0),
    "mlp_data_updates": ("train", {"steps": 300}, 100.0),
    "custom_function": ("train", {"epochs": 12}, 150.0),
}


def _loss(result):
    return result[0] if isinstance(result, tuple) else result


@pytest.mark.parametrize("name", sorted(CASES))
def test_script_runs_and_learns(name, tmp_path):
    entry, kwargs, bound = CASES[name]
    module = load(name, tmp_path)
    first = _loss(getattr(module, entry)(**{**kwargs, next(iter(kwargs)): 1}, verbose=False))
    last = _loss(getattr(module, entry)(**kwargs, verbose=False))
    assert last < bound and last < first


@pytest.mark.parametrize("name", sorted(CASES))
def test_script_reaches_pytorchs_result(name, tmp_path):
    pytest.importorskip("torch", reason="torch not installed: the PyTorch run is skipped")
    entry, kwargs, _ = CASES[name]
    ours = getattr(load(name, tmp_path), entry)(**kwargs, verbose=False)
    theirs = getattr(load(name, tmp_path, for_torch=True), entry)(**kwargs, verbose=False)
    assert _loss(ours) == pytest.approx(_loss(theirs), rel=1e-3)
    if isinstance(ours, tuple):
        assert ours[1] == pytest.approx(theirs[1], rel=1e-3, abs=1e-5)
