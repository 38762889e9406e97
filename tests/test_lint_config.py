"""`.kconv.yaml`: discovery, validation with file:line:col errors, and custom rules as data."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kconv.errors import ConfigError
from kconv.lint.config import LintConfig, load_config, parse_config
from kconv.lint.engine import lint
from kconv.lint.rule import Severity
from kconv.manifests import load_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "config"
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
_ERROR = re.compile(r"^# error: (\d+):(\d+): (.+)$")


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.stem)
def test_invalid_configs_name_the_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = _ERROR.match(first)
    assert match, f"{path}: first line must be '# error: LINE:COL: MESSAGE'"
    with pytest.raises(ConfigError) as caught:
        load_config(str(path))
    error = caught.value
    assert error.message.startswith(match.group(3))
    assert error.location is not None
    assert (error.location.file, error.location.line, error.location.column) == (
        str(path),
        int(match.group(1)),
        int(match.group(2)),
    )


def test_full_config() -> None:
    config = load_config(str(FIXTURES / "full.kconv.yaml"))
    assert config.select == ("KC0", "KC1", "KC2", "KC3", "KC4")
    assert config.ignore == ("KC303",)
    assert [(o.key, o.severity, o.enabled) for o in config.rules] == [
        ("KC201", Severity.ERROR, None),
        ("missing-cpu-limit", None, True),
    ]
    assert [(p.pattern, p.rules) for p in config.per_path_ignores] == [
        ("legacy/**", ("KC1",)),
        ("**/*-job.yaml", ("job-ttl-seconds-after-finished",)),
    ]
    assert (config.kubernetes_version, config.fail_on, config.suppressions) == (
        "1.29",
        Severity.WARNING,
        True,
    )
    [custom] = config.custom_rules
    assert (custom.id, custom.name, custom.check, custom.kinds) == (
        "ORG001",
        "team-label",
        "custom-schema",
        frozenset({"Deployment", "StatefulSet"}),
    )


def test_discovery_walks_up(tmp_path: Path) -> None:
    (tmp_path / ".kconv.yaml").write_text("fail-on: info\n", encoding="utf-8")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    config = load_config(start_dir=str(nested))
    assert config.fail_on == Severity.INFO
    assert config.path == str(tmp_path / ".kconv.yaml")
    (nested / ".kconv.yaml").write_text("fail-on: warning\n", encoding="utf-8")
    assert load_config(start_dir=str(nested)).fail_on == Severity.WARNING


def test_no_config_means_defaults(tmp_path: Path) -> None:
    assert load_config(start_dir=str(tmp_path)) == LintConfig()
    assert parse_config("", "empty.yaml").select == ()


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config: no such file"):
        load_config(str(tmp_path / "nope.yaml"))


def test_unknown_rule_in_config_select(tmp_path: Path) -> None:
    config = parse_config("fail-on: error\nselect: [KC1, yaml-syntax-eror]\n", "c.yaml")
    result = load_paths([str(FIXTURES / "custom" / "manifests.yaml")])
    with pytest.raises(ConfigError) as caught:
        lint(result, config=config)
    assert caught.value.message == (
        "unknown rule 'yaml-syntax-eror' in config select; did you mean 'yaml-syntax-error'?"
    )
    assert str(caught.value.location) == "c.yaml:2:1"


def _expectations(path: Path) -> Counter[tuple[int, str]]:
    expected: Counter[tuple[int, str]] = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if "# expect:" in line:
            for rule in line.split("# expect:")[1].split(","):
                expected[(number, rule.strip())] += 1
    return expected


def test_custom_rules_report_at_the_failing_path() -> None:
    folder = FIXTURES / "custom"
    config = load_config(str(folder / ".kconv.yaml"))
    manifests = folder / "manifests.yaml"
    result = lint(load_paths([str(manifests)]), config=config)
    found = Counter((f.location.line or 0, f.rule) for f in result.findings)
    assert found == _expectations(manifests)
    messages = sorted(f.message for f in result.findings)
    assert messages == [
        'Deployment "web" has no team label',
        "container \"init\": 'imagePullPolicy' is a required property",
        "container \"web\": 'Always' was expected",
        "pod spec of web sets hostAliases",
    ]


def test_custom_rule_ids_must_not_clash(tmp_path: Path) -> None:
    config = parse_config(
        "custom-rules:\n  - {id: KC001, name: mine, severity: info, message: m, schema: {}}\n",
        "c.yaml",
    )
    with pytest.raises(ConfigError, match="rule 'KC001' is defined twice"):
        lint(load_paths([str(FIXTURES / "custom" / "manifests.yaml")]), config=config)


def test_configuration_docs_examples_are_valid() -> None:
    from kconv.lint.engine import choose_rules
    from kconv.lint.registry import load_rules

    docs = FIXTURES.parent.parent / "docs" / "configuration.md"
    blocks = re.findall(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    for block in blocks:
        config = parse_config(block, "docs/configuration.md")
        chosen = choose_rules(load_rules(config.custom_rules), config)
        assert chosen


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ('kubernetes-version: "1.30"\n', "1.30"),
        # unquoted, YAML reads the number 1.3: the version is taken as written
        ("kubernetes-version: 1.30\n", "1.30"),
        ("{fail-on: error, kubernetes-version: 1.20}\n", "1.20"),
        ("'kubernetes-version' :\n  1.10  # a comment\n", "1.10"),
        ("kubernetes-version: 1.29.3\n", "1.29.3"),
    ],
)
def test_kubernetes_version_as_written(text: str, version: str) -> None:
    assert parse_config(text, ".kconv.yaml").kubernetes_version == version


def test_kubernetes_version_that_is_no_version_is_located() -> None:
    with pytest.raises(ConfigError, match=r'version such as "1\.30", not 2') as caught:
        parse_config("fail-on: error\nkubernetes-version: 2\n", ".kconv.yaml")
    assert (caught.value.location.line, caught.value.location.column) == (2, 1)


def test_unquoted_kubernetes_version_reaches_the_rules(tmp_path: Path) -> None:
    """`1.30` is not 1.3: an API removed in 1.22 is reported (KC306)."""
    (tmp_path / ".kconv.yaml").write_text("kubernetes-version: 1.30\n")
    (tmp_path / "old.yaml").write_text(
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old\n"
    )
    config = load_config(start_dir=str(tmp_path))
    result = lint(load_paths([str(tmp_path / "old.yaml")]), config=config)
    assert "KC306" in {finding.rule for finding in result.findings}


TWO_CONTAINERS = (
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
    '    - {name: a, image: "nginx:1"}\n    - {name: b, image: "nginx:1"}\n'
)


@pytest.mark.parametrize(
    ("config", "where", "message"),
    [
        # a pattern that does not compile: a config error, not a rule crash on every object
        (
            'rules:\n  KC201:\n    params:\n      allowed-images: ["(unclosed"]\n',
            (4, 7),
            "(allowed-images/0): '(unclosed' is not a 'regex'",
        ),
        (
            'rules:\n  KC304:\n    enabled: true\n    params: {value: "[a-"}\n',
            (4, 14),
            "(value): '[a-' is not a 'regex'",
        ),
        # the params of a rule that this run does not select are checked too
        (
            'rules:\n  KC210:\n    params:\n      min-replicas: "3"\n',
            (4, 7),
            "(min-replicas): '3' is not of type 'integer'",
        ),
    ],
)
def test_rule_params_errors_are_located_at_the_param(
    tmp_path: Path, config: str, where: tuple[int, int], message: str
) -> None:
    (tmp_path / ".kconv.yaml").write_text(config)
    (tmp_path / "two.yaml").write_text(TWO_CONTAINERS)
    with pytest.raises(ConfigError) as caught:
        lint(
            load_paths([str(tmp_path / "two.yaml")]),
            config=load_config(start_dir=str(tmp_path)),
            select=["KC101"],
        )
    assert message in caught.value.message
    location = caught.value.location
    assert location is not None and (location.line, location.column) == where


CONFIGMAP_IN_DEFAULT = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n"


def _kc303_after_ignores(config_dir: Path, ignores: str, path: str) -> bool:
    """Is KC303 reported for `path` under `per-path-ignores: {ignores}`?"""
    (config_dir / ".kconv.yaml").write_text(f"per-path-ignores: {ignores}\n")
    config = load_config(start_dir=str(config_dir))
    found = lint(load_paths([path]), config=config, select=["KC303"]).findings
    return any(finding.rule == "KC303" for finding in found)


def test_per_path_ignores_are_relative_to_the_config_whatever_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub" / "k8s").mkdir(parents=True)
    (tmp_path / "sub" / "k8s" / "c.yaml").write_text(CONFIGMAP_IN_DEFAULT)
    ignores = '{"k8s/**": [KC303]}'  # k8s/ next to the config: not sub/k8s/
    monkeypatch.chdir(tmp_path)
    assert _kc303_after_ignores(tmp_path, ignores, "sub/k8s")
    monkeypatch.chdir(tmp_path / "sub")  # the same file, named k8s/c.yaml from here
    assert _kc303_after_ignores(tmp_path, ignores, "k8s")
    assert not _kc303_after_ignores(tmp_path, '{"sub/k8s/**": [KC303]}', "k8s")


def test_a_globstar_in_the_middle_may_match_no_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "k8s" / "legacy" / "deep").mkdir(parents=True)
    (tmp_path / "k8s" / "legacy" / "b.yaml").write_text(CONFIGMAP_IN_DEFAULT)
    (tmp_path / "k8s" / "legacy" / "deep" / "a.yaml").write_text(CONFIGMAP_IN_DEFAULT)
    monkeypatch.chdir(tmp_path)
    ignores = '{"k8s/legacy/**/*.yaml": [KC303]}'
    assert not _kc303_after_ignores(tmp_path, ignores, "k8s/legacy/b.yaml")
    assert not _kc303_after_ignores(tmp_path, ignores, "k8s/legacy/deep/a.yaml")
