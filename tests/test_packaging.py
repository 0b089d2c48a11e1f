"""pyproject.toml, environment.yml and the Makefile agree with one another."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# A pinned requirement: name, optional [extras], "==", an exact version.
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)"
    r"(\[[^\]]*\])?"
    r"==(?P<version>[A-Za-z0-9.+!-]+)$"
)


def normalise(name):
    # Package names compare case-insensitively with -, _ and . equivalent.
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pins(requirements, where):
    pins = {}
    for requirement in requirements:
        text = requirement.replace(" ", "")
        match = PIN.match(text)
        assert match, f"{where}: {requirement!r} is not pinned as name==version"
        name = normalise(match["name"])
        assert name not in pins, f"{where}: {match['name']} listed twice"
        pins[name] = match["version"]
    return pins


def pyproject():
    with open(ROOT / "pyproject.toml", "rb") as stream:
        return tomllib.load(stream)


def pyproject_requirements():
    project = pyproject()["project"]
    extras = project.get("optional-dependencies", {})
    return [*project["dependencies"], *extras.get("dev", [])]


def environment():
    with open(ROOT / "environment.yml", encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def environment_pip_requirements():
    pip_sections = [
        entry["pip"]
        for entry in environment()["dependencies"]
        if isinstance(entry, dict) and "pip" in entry
    ]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: section"
    return pip_sections[0]


def test_every_pyproject_dependency_is_pinned_exactly():
    project = pyproject()["project"]
    groups = {"dependencies": project["dependencies"]}
    for extra, requirements in project.get("optional-dependencies", {}).items():
        groups[f"optional-dependencies.{extra}"] = requirements
    groups["build-system.requires"] = pyproject()["build-system"]["requires"]
    for where, requirements in groups.items():
        parse_pins(requirements, f"pyproject.toml {where}")


def test_environment_pins_equal_pyproject_pins():
    expected = parse_pins(pyproject_requirements(), "pyproject.toml")
    listed = parse_pins(environment_pip_requirements(), "environment.yml")

    only_pyproject = sorted(set(expected) - set(listed))
    only_environment = sorted(set(listed) - set(expected))
    assert not only_pyproject, f"missing from environment.yml: {only_pyproject}"
    assert not only_environment, f"missing from pyproject.toml: {only_environment}"
    differing = {
        name: (expected[name], listed[name])
        for name in expected
        if expected[name] != listed[name]
    }
    assert not differing, f"pins differ (pyproject, environment): {differing}"


def test_environment_python_matches_requires_python():
    conda = [entry for entry in environment()["dependencies"] if isinstance(entry, str)]
    pythons = [entry for entry in conda if entry.split("=")[0] == "python"]
    assert pythons == ["python=3.11"]
    assert pyproject()["project"]["requires-python"] == ">=3.11,<3.12"
    assert environment()["name"] == "profmon"


@pytest.mark.parametrize(
    ("requirement", "accepted"),
    [
        ("pandas==3.1.1", True),
        ("PyYAML==6.0.4", True),
        ("uvicorn[standard]==0.30.1", True),
        ("pandas>=3.1", False),
        ("pandas", False),
        ("pandas==3.*", False),
        ("pandas~=3.1.1", False),
    ],
)
def test_pin_pattern_tells_exact_pins_from_ranges(requirement, accepted):
    assert bool(PIN.match(requirement)) is accepted


def makefile_targets():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", text, flags=re.MULTILINE)
    documented = re.findall(r"^([A-Za-z_-]+):.*## \S", text, flags=re.MULTILINE)
    return phony[1].split(), documented


def test_makefile_documents_every_phony_target():
    phony, documented = makefile_targets()
    assert sorted(phony) == sorted(documented)
    for target in ("venv", "sample", "validate", "build", "report", "test", "lint"):
        assert target in documented
    assert {"bench", "clean", "help"} <= set(documented)
