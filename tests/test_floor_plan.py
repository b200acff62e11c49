"""The import-linter contract (pyproject.toml, run by `make lint`) sees only the packages it
names: a new top-level package left out of it could import anything. Every package of the
repository is in `root_packages` and on exactly one floor (docs/decisions/0017-floor-plan.md)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def contract() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]


def packages_on_disk() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/__init__.py")}


def test_every_package_is_a_root_package():
    assert packages_on_disk() == set(contract()["root_packages"])


def test_every_root_package_is_on_exactly_one_floor():
    [floors] = [c for c in contract()["contracts"] if c["type"] == "layers"]
    named = [
        package.strip()
        for layer in floors["layers"]
        for package in layer.replace(":", "|").split("|")
    ]
    assert sorted(named) == sorted(contract()["root_packages"])
