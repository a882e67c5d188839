"""The environment the suite runs in is exactly what uv.lock pins (`make` installs from the lock),
and the lock still answers pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _locked() -> dict[str, set[str]]:
    """Each locked package's versions: a universal lock may fork one by Python version."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    versions: dict[str, set[str]] = {}
    for package in lock["package"]:
        if "version" in package:
            versions.setdefault(canonicalize_name(package["name"]), set()).add(package["version"])
    return versions


def _installed() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    groups = project.get("dependency-groups", {})
    return [Requirement(r) for r in project["project"]["dependencies"]] + [
        Requirement(r) for group in groups.values() for r in group if isinstance(r, str)
    ]


def test_every_installed_package_has_its_locked_version() -> None:
    locked, installed = _locked(), _installed()
    wrong = {
        name: (version, locked[name])
        for name, version in installed.items()
        if name in locked and name != "policybot" and version not in locked[name]
    }
    assert not wrong, f"installed vs locked: {wrong}; run `make install` (or `make lock` after editing pyproject)"


def test_every_declared_dependency_is_locked_installed_and_in_range() -> None:
    locked, installed = _locked(), _installed()
    for requirement in _declared():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is in pyproject.toml but not in uv.lock: run `make lock`"
        assert installed.get(name) in locked[name], f"{name}: installed {installed.get(name)}, locked {locked[name]}"
        assert requirement.specifier.contains(installed[name], prereleases=True), (
            f"{name} {installed[name]} {requirement}"
        )


def test_every_runtime_dependency_has_an_upper_bound() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for text in project["project"]["dependencies"]:
        requirement = Requirement(text)
        assert any(s.operator in ("<", "<=", "==", "~=") for s in requirement.specifier), text


def test_the_makefile_and_the_image_bootstrap_the_locked_uv() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    bootstrap = re.search(r"^UV_VERSION\s*:=\s*(\S+)", makefile, re.MULTILINE)
    assert bootstrap is not None and _locked()["uv"] == {bootstrap.group(1)}
    image = re.search(r"pip install uv==(\S+)", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert image is not None and image.group(1) == bootstrap.group(1)
