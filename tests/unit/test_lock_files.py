"""Issue 18: installs are repeatable: every dependency setup.cfg names is pinned
to one exact version in the lock files (requirements/*.txt, `make lock`), and the
pinned version is one setup.cfg allows."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def declared(section: str, key: str) -> list[Requirement]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    lines = config[section][key].splitlines()
    return [
        Requirement(line) for line in map(str.strip, lines) if line and line[0] != "#"
    ]


def runtime() -> list[Requirement]:
    return declared("options", "install_requires")


def everything() -> list[Requirement]:
    extras = [declared("options.extras_require", name) for name in ("test", "dev")]
    return runtime() + [req for group in extras for req in group]


def pins(lock: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, equals, version = line.partition("==")
            assert equals, f"{lock}: {line!r} is not pinned with =="
            found[canonicalize_name(name)] = version.split(";")[0].strip()
    return found


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [("prod.txt", runtime), ("dev.txt", everything)],
    ids=["prod", "dev"],
)
def test_every_dependency_is_pinned_to_an_allowed_version(lock, requirements):
    locked = pins(lock)
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements/{lock}"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={locked[name]}, outside "
            f"setup.cfg's {requirement}: run `make lock`"
        )


def test_production_and_development_pin_the_same_versions():
    prod, dev = pins("prod.txt"), pins("dev.txt")

    assert {name: dev.get(name) for name in prod} == prod
