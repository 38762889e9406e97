"""The compose files of kompose's and compose-go's test suites (../shared/corpora, if present).

What upstream expects to load must load; what it expects to fail must fail with an InputError
(a located message), never any other exception. Which is which:

- kompose: every input of the live e2e script (`INDEX.tsv`, all of them expected to succeed)
  loads, with the row's `env` column as the environment. The other compose files in the tree
  load too, except those in KOMPOSE_FAILURES (with the reason).
- compose-go: every `*.yaml`/`*.yml` loads, except those in COMPOSE_GO_FAILURES, whose names
  or upstream tests say they are error cases.
"""

from __future__ import annotations

import csv
import shlex
from pathlib import Path

import pytest

from kconv.compose.loader import load_project
from kconv.errors import InputError

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
KOMPOSE = CORPORA / "kompose"
COMPOSE_GO = CORPORA / "compose-go"

pytestmark = pytest.mark.skipif(
    not CORPORA.is_dir(), reason="../shared/corpora is not present (test corpora not installed)"
)

# path relative to the corpus -> why loading it must fail
COMPOSE_GO_FAILURES = {
    "loader/testdata/compose-depends-on-cycle.yaml": "depends_on cycle (upstream: error)",
    "loader/testdata/compose-depends-on-self.yaml": "a service depends on itself",
    "loader/testdata/compose-depends-on-profile-no-cycle.yaml": (
        "same cycle as compose-depends-on-cycle.yaml; upstream only loads it with a "
        "service selection that kconv config does not have"
    ),
    "loader/testdata/compose-include-cycle.yaml": "includes itself (upstream: include cycle)",
    "loader/testdata/include/dir/compose.yaml": (
        "its env_file only exists relative to the project_directory that "
        "include/project-directory.yaml gives it"
    ),
    "loader/testdata/empty.yaml": "an empty file: docker compose says 'empty compose file'",
    "loader/testdata/remote/cycle/compose.yaml": "remote (git/oci) extends: not supported offline",
    "loader/testdata/remote/cycle/compose-cycle.yaml": "remote extends: not supported offline",
    "loader/testdata/remote/nested/compose.yaml": "remote extends: not supported offline",
    "schema/using-variables.yaml": (
        "a schema fixture (upstream only validates it, with ${VARIABLE} everywhere); as a "
        "project it uses networks it does not declare"
    ),
}
# loaded with interpolation off (upstream checks the schema accepts ${VARIABLE} everywhere);
# it gets as far as the reference checks, past the schema and normalisation
COMPOSE_GO_UNINTERPOLATED = {"schema/using-variables.yaml"}

_V1 = "compose file format v1 (services at the top level, no `services:`); compose-go rejects it"
KOMPOSE_FAILURES = {
    "controller/compose-controller-label.yaml": _V1,
    "envvars-separators/compose.yaml": _V1,
    "image-pull-secret/compose-files/docker-compose-image-pull-secret.yml": _V1,
    "yaml-and-yml/docker-compose.yaml": _V1,
    "yaml-and-yml/yml/docker-compose.yml": _V1,
    "unused/expose-service/compose-files/docker-compose-expose-hostname-multiple-ports.yml": _V1,
    "unused/expose-service/compose-files/docker-compose-expose-hostname-tls.yml": _V1,
    "unused/expose-service/compose-files/docker-compose-expose-hostname.yml": _V1,
    "unused/expose-service/compose-files/docker-compose-expose-multiple-hostname-tls.yml": _V1,
    "unused/expose-service/compose-files/docker-compose-expose-multiple-hostname.yml": _V1,
    "unused/expose-service/compose-files/docker-compose-expose-true-multiple-ports.yml": _V1,
    "unused/expose-service/compose-files/docker-compose-expose-true.yml": _V1,
    "etherpad/docker-compose.yml": 'ports: ["$DB_PORT"] needs the legacy test\'s environment',
    "gitlab/docker-compose.yml": 'ports: ["$DB_PORT"] needs the legacy test\'s environment',
    "unused/v3/docker-compose-deploy.yaml": "depends_on a service that is not defined",
    "unused/v3/docker-compose-full-example.yaml": "depends_on a service that is not defined",
}


def _compose_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    files = sorted({*root.rglob("*.yaml"), *root.rglob("*.yml")})
    return [path for path in files if not path.name.startswith("output")]


def _kompose_rows() -> list[dict[str, str]]:
    index = KOMPOSE / "INDEX.tsv"
    if not index.is_file():
        return []
    with open(index, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _environment(text: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for word in shlex.split(text or ""):
        if "=" in word:
            key, _, value = word.partition("=")
            env[key] = value
    return env


ROWS = _kompose_rows()
KOMPOSE_INPUTS = sorted({(row["input_files"], row.get("env") or "") for row in ROWS})


@pytest.mark.parametrize(("inputs", "env"), KOMPOSE_INPUTS or [("", "")])
def test_kompose_e2e_inputs_load(inputs: str, env: str) -> None:
    if not inputs:
        pytest.skip("kompose INDEX.tsv not found")
    files = [str(KOMPOSE / item) for item in inputs.split(",") if item]
    environ = _environment(env)
    if "COMPOSE_FILE" in environ:  # the row relies on COMPOSE_FILE instead of -f
        environ["COMPOSE_FILE"] = ":".join(
            str(KOMPOSE / item) for item in environ["COMPOSE_FILE"].split(":")
        )
    project = load_project(files, environ=environ)
    assert project.services or project.disabled_services


KOMPOSE_FILES = _compose_files(KOMPOSE)
COMPOSE_GO_FILES = _compose_files(COMPOSE_GO)


def _check(path: Path, root: Path, failures: dict[str, str], uninterpolated: set[str]) -> None:
    relative = path.relative_to(root).as_posix()
    interpolate = relative not in uninterpolated
    if relative in failures:
        with pytest.raises(InputError) as info:
            load_project([str(path)], environ={}, interpolate=interpolate)
        assert info.value.location is not None, failures[relative]
        assert str(info.value).strip()
    else:
        load_project([str(path)], environ={}, interpolate=interpolate)


@pytest.mark.parametrize(
    "path",
    KOMPOSE_FILES or [None],
    ids=[p.relative_to(KOMPOSE).as_posix() for p in KOMPOSE_FILES] or ["none"],
)
def test_kompose_file(path: Path | None) -> None:
    if path is None:
        pytest.skip("no kompose corpus")
    _check(path, KOMPOSE, KOMPOSE_FAILURES, set())


@pytest.mark.parametrize(
    "path",
    COMPOSE_GO_FILES or [None],
    ids=[p.relative_to(COMPOSE_GO).as_posix() for p in COMPOSE_GO_FILES] or ["none"],
)
def test_compose_go_file(path: Path | None) -> None:
    if path is None:
        pytest.skip("no compose-go corpus")
    _check(path, COMPOSE_GO, COMPOSE_GO_FAILURES, COMPOSE_GO_UNINTERPOLATED)


def test_listed_failures_exist() -> None:
    """The exception lists name real files (a renamed corpus file must not hide a failure)."""
    for root, names in ((KOMPOSE, KOMPOSE_FAILURES), (COMPOSE_GO, COMPOSE_GO_FAILURES)):
        for name in names:
            assert (root / name).is_file(), name


def test_compose_go_extends_fixture_resolves() -> None:
    """A spot check of the result, not only of the absence of errors."""
    project = load_project([str(COMPOSE_GO / "loader/testdata/extends/base.yaml")], environ={})
    assert project.services["another"].image == "base"
    assert project.services["with-build"].build["context"] == str(
        COMPOSE_GO / "loader/testdata/extends"
    )
    reset = load_project([str(COMPOSE_GO / "loader/testdata/extends/reset.yaml")], environ={})
    assert reset.services["base"].command is None
    assert reset.services["init"].command == ("sleep", "infinity")
