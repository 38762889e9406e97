"""KC206-KC209 and the container defaults a LimitRange gets from the API server.

SetDefaults_LimitRangeItem (type Container) fills a missing `default` (limit) from `max`, then
a missing `defaultRequest` from `default`, then from `min`; the LimitRanger admission plugin
gives containers those defaults.
"""

from __future__ import annotations

import textwrap

import pytest

from kconv.lint.config import LintConfig
from kconv.lint.engine import lint
from kconv.manifests import ManifestSet, load_text

RULES = ["KC206", "KC207", "KC208", "KC209"]
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a}
spec:
  containers:
    - name: c
      image: nginx:1.27
"""


def reported(item: str) -> set[str]:
    """The resource rules reported on a bare container, next to a LimitRange with `item`."""
    limit_range = f"""\
apiVersion: v1
kind: LimitRange
metadata: {{name: lr, namespace: a}}
spec:
  limits:
    - {textwrap.indent(item, "      ").strip()}
---
"""
    manifests = ManifestSet()
    load_text(manifests, limit_range + POD, "test.yaml")
    assert not manifests.problems, manifests.problems
    result = lint(manifests, config=LintConfig(), select=RULES)
    return {finding.rule for finding in result.findings}


def test_an_item_for_pods_gives_containers_nothing() -> None:
    assert reported("type: Pod\nmax: {memory: 1Gi, cpu: '2'}\nmin: {cpu: 100m}") == set(RULES)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # max: the default limit, which is then the default request too (the reported case:
        # no KC207 or KC209 for a container without resources)
        ("type: Container\nmax: {memory: 1Gi}", {"KC206", "KC208"}),
        ("type: Container\nmax: {cpu: '2'}", {"KC207", "KC209"}),
        # min: the default request only
        ("type: Container\nmin: {cpu: 100m}", {"KC207", "KC208", "KC209"}),
        ("type: Container\nmin: {memory: 64Mi}", {"KC206", "KC208", "KC209"}),
        ("max: {memory: 1Gi}\nmin: {cpu: 100m}", {"KC208"}),  # type defaults to Container
        # default and defaultRequest, as before
        ("type: Container\ndefault: {memory: 1Gi}", {"KC206", "KC208"}),
        ("type: Container\ndefaultRequest: {cpu: 100m}", {"KC207", "KC208", "KC209"}),
    ],
)
def test_max_and_min_give_containers_defaults(item: str, expected: set[str]) -> None:
    assert reported(item) == expected


def test_a_written_default_wins_over_max_even_when_zero() -> None:
    # the API server fills only missing keys: default stays 0 (no limit), and so does the
    # request it gives (min is used only when neither default nor max names the resource)
    item = "type: Container\ndefault: {memory: 0}\nmax: {memory: 1Gi}\nmin: {memory: 64Mi}"
    assert reported(item) >= {"KC207", "KC209"}
