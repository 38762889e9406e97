"""Suppressions: kconv annotations and comments, kube-linter and kube-score annotations,
and switching all of them off."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from kconv.lint.config import parse_config
from kconv.lint.engine import lint
from kconv.lint.registry import load_rules
from kconv.lint.rule import CheckFn, RuleSpec, Severity, Violation, check
from kconv.manifests import ManifestSet, load_text


@check("test-suppression-image")
def _image(params: Mapping[str, Any]) -> CheckFn:
    """Flags every container image."""

    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        for container in obj.containers():
            yield Violation(
                f'container "{container.name}" has an image', container.pointer + "/image"
            )

    return run


IMAGE = RuleSpec(
    "TS101",
    "container-image",
    Severity.ERROR,
    True,
    frozenset({"PodController"}),
    "s",
    "r",
    "Fix.",
    "test-suppression-image",
    equivalents={
        "kube-linter": ("latest-tag",),
        "kube-score": ("container-image-tag",),
        "polaris": ("tagNotSpecified",),
    },
)
OTHER = RuleSpec(
    "TS201",
    "other-image",
    Severity.WARNING,
    True,
    frozenset({"PodController"}),
    "s",
    "r",
    "Fix.",
    "test-suppression-image",
)


def pod(annotations: str = "", containers: str = "") -> str:
    meta = f"  annotations:\n{annotations}" if annotations else ""
    body = containers or "    - name: app\n      image: nginx\n"
    return f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n{meta}spec:\n  containers:\n{body}"


def run(text: str, *, suppressions: bool | None = None, config_text: str = "") -> list[tuple]:
    result = ManifestSet()
    load_text(result, text, "pod.yaml")
    config = parse_config(config_text, ".kconv.yaml") if config_text else None
    found = lint(result, rules=[IMAGE, OTHER], suppressions=suppressions, config=config)
    return [(f.rule, f.location.line) for f in found.findings]


BOTH = [("TS101", 8), ("TS201", 8)]


def test_without_suppressions_both_rules_report() -> None:
    assert run(pod()) == BOTH


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        ('    kconv.io/ignore: "TS101"\n', [("TS201", 10)]),
        ('    kconv.io/ignore: "container-image, other-image"\n', []),
        ('    kconv.io/ignore: "TS"\n    kconv.io/ignore-reason: "legacy"\n', []),
        ('    kconv.io/ignore: "all"\n', []),
        ('    kconv.io/ignore: "TS999"\n', [("TS101", 10), ("TS201", 10)]),
        # kube-linter: only rules that list the check as an equivalent
        ('    ignore-check.kube-linter.io/latest-tag: "old image"\n', [("TS201", 10)]),
        ('    ignore-check.kube-linter.io/privileged: "x"\n', [("TS101", 10), ("TS201", 10)]),
        ('    kube-linter.io/ignore-all: "true"\n', [("TS201", 10)]),
        # kube-score
        ('    kube-score/ignore: "pod-probes,container-image-tag"\n', [("TS201", 10)]),
        ('    kube-score/ignore: "pod-probes"\n', [("TS101", 10), ("TS201", 10)]),
        # polaris
        ('    polaris.fairwinds.com/tagNotSpecified-exempt: "true"\n', [("TS201", 10)]),
        (
            '    polaris.fairwinds.com/tagNotSpecified-exempt: "false"\n',
            [("TS101", 10), ("TS201", 10)],
        ),
        ('    polaris.fairwinds.com/exempt: "true"\n', [("TS201", 10)]),
    ],
)
def test_annotations(annotations: str, expected: list[tuple]) -> None:
    assert run(pod(annotations)) == expected


def test_annotations_on_the_pod_template_do_not_count() -> None:
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    metadata:
      annotations:
        kconv.io/ignore: TS101
    spec:
      containers:
        - name: app
          image: nginx
"""
    assert run(text) == [("TS101", 13), ("TS201", 13)]


@pytest.mark.parametrize(
    ("containers", "expected"),
    [
        ("    - name: app\n      image: nginx  # kconv: ignore[TS101]\n", [("TS201", 8)]),
        (
            "    - name: app\n      # kconv: ignore[other-image]\n      image: nginx\n",
            [("TS101", 9)],
        ),
        ("    - name: app\n      image: nginx  # kconv: ignore\n", []),
        # two lines above is too far
        (
            "    # kconv: ignore[TS101]\n    - name: app\n      image: nginx\n",
            [("TS101", 9), ("TS201", 9)],
        ),
    ],
)
def test_comments(containers: str, expected: list[tuple]) -> None:
    assert run(pod(containers=containers)) == expected


@pytest.mark.parametrize(
    "containers",
    [
        # a quoted string, a flow list's string, a block scalar: data, not comments
        '    - name: app\n      args: ["# kconv: ignore"]\n      image: nginx\n',
        "    - name: app\n      command: ['sh', '-c', 'x # kconv: ignore']\n      image: nginx\n",
        "    - name: app\n      args:\n        - |\n          # kconv: ignore\n"
        "      image: nginx\n",
        '    - name: app\n      image: "nginx # kconv: ignore[TS101]"\n',
    ],
)
def test_the_comment_text_inside_a_string_suppresses_nothing(containers: str) -> None:
    found = run(pod(containers=containers))
    assert {rule for rule, _ in found} == {"TS101", "TS201"}


def test_a_comment_after_a_string_holding_the_same_text_counts() -> None:
    containers = '    - name: app\n      image: "a # kconv: ignore"  # kconv: ignore[TS101]\n'
    assert run(pod(containers=containers)) == [("TS201", 8)]


def test_file_comment_text_in_a_configmap_suppresses_nothing() -> None:
    readme = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: docs\ndata:\n"
        '  README: "write # kconv: ignore-file[TS1] to silence it"\n'
        "  script: |\n    # kconv: ignore-file\n---\n"
    )
    assert run(readme + pod()) == [("TS101", 17), ("TS201", 17)]


def test_file_comment() -> None:
    text = "# kconv: ignore-file[TS2]\n" + pod()
    assert run(text) == [("TS101", 9)]


def test_no_suppressions_flag_and_config_key() -> None:
    text = pod(
        '    kconv.io/ignore: "all"\n', "    - name: app\n      image: nginx  # kconv: ignore\n"
    )
    assert run(text) == []
    assert run(text, suppressions=False) == [("TS101", 10), ("TS201", 10)]
    assert run(text, config_text="suppressions: false\n") == [("TS101", 10), ("TS201", 10)]
    assert run(text, config_text="suppressions: false\n", suppressions=True) == []


def test_per_path_ignores() -> None:
    assert run(pod(), config_text="per-path-ignores:\n  '*.yaml': [TS1]\n") == [("TS201", 8)]
    assert run(pod(), config_text="per-path-ignores:\n  'other/*.yaml': [TS1]\n") == BOTH
    assert run(pod(), config_text="per-path-ignores:\n  '**/pod.yaml': other-image\n") == [
        ("TS101", 8)
    ]


AUDIT = [spec for spec in load_rules() if spec.id in ("KC006", "KC007")]


def audit(text: str, select: tuple[str, ...] = ()) -> list[tuple]:
    result = ManifestSet()
    load_text(result, text, "pod.yaml")
    found = lint(result, rules=[IMAGE, OTHER, *AUDIT], select=select or ("TS", "KC006", "KC007"))
    return [(f.rule, f.location.line, f.message) for f in found.findings]


def test_used_suppressions_are_not_reported() -> None:
    text = pod(
        '    kconv.io/ignore: "TS101"\n', "    - name: app\n      image: x  # kconv: ignore[TS2]\n"
    )
    assert audit(text) == []


def test_unused_annotation_and_comment_tokens() -> None:
    text = (
        "# kconv: ignore-file[other-image]\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
        '    kconv.io/ignore: "TS101, all"\n'
        "spec:\n  containers: []  # kconv: ignore[TS101]\n"
    )
    assert audit(text) == [
        ("KC007", 1, "unused suppression 'other-image': no other-image finding in this file"),
        ("KC007", 7, "unused suppression 'TS101': no TS101 finding on Pod p"),
        ("KC007", 9, "unused suppression 'TS101': no TS101 finding on this line or the next"),
    ]


def test_unused_is_not_reported_for_rules_that_did_not_run() -> None:
    text = pod(containers="    - name: app\n      image: x  # kconv: ignore[TS2]\n")
    assert audit(text, select=("TS101", "KC007")) == [("TS101", 8, 'container "app" has an image')]


def test_unknown_tokens() -> None:
    text = pod('    kconv.io/ignore: "TS9, container-imag"\n')
    assert audit(text, select=("KC006",)) == [
        ("KC006", 6, "suppression names unknown rule 'TS9'"),
        (
            "KC006",
            6,
            "suppression names unknown rule 'container-imag'; did you mean 'container-image'?",
        ),
    ]


def test_audit_findings_cannot_hide_themselves() -> None:
    text = pod(containers="    - name: app  # kconv: ignore[unused-suppression]\n      image: x\n")
    assert ("KC007", 7) in [(rule, line) for rule, line, _ in audit(text)]
