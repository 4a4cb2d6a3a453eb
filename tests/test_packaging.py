"""setup.cfg lists every package folder (find: cannot see the mapped kernels/ folder)."""
import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_listed_in_setup_cfg():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "autograd_lite").rglob("__init__.py")}
    on_disk |= {"autograd_lite.kernels." + ".".join(p.parent.relative_to(ROOT / "kernels").parts)
                if p.parent != ROOT / "kernels" else "autograd_lite.kernels"
                for p in (ROOT / "kernels").rglob("__init__.py")}
    assert on_disk - listed == set(), f"packages missing from setup.cfg: {sorted(on_disk - listed)}"


def test_kernels_never_import_the_framework():
    pattern = re.compile(r"^\s*(from|import)\s+(autograd_lite\b|\.\.)", re.MULTILINE)
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "kernels").rglob("*.py")
                 if pattern.search(p.read_text())]
    assert not offenders, f"kernels/ must not import autograd_lite: {offenders}"


def test_ci_ends_with_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"<!-- test-command -->\s*```(?:bash|sh)?\n(.+?)\n```", readme, re.S).group(1)
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    # the lines before it lint and build the docs; the tests run once, by the README's command
    assert ci_lines[-1] == command.strip()
    assert not any("pytest" in line for line in ci_lines[:-1]), ci_lines
