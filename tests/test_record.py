"""kconv.model.record.Record: the plain value class of the lint start-up path."""

from __future__ import annotations

import pickle

import pytest

from kconv.lint.config import LintConfig
from kconv.lint.rule import RuleSpec, Severity
from kconv.manifests import ManifestSet
from kconv.yamlio import Tagged


def _spec(**changes: object) -> RuleSpec:
    spec = RuleSpec("KC999", "example", Severity.WARNING, True, None, "s", "r", "f", "check")
    return spec.replace(**changes) if changes else spec


def test_records_compare_by_value_and_by_type() -> None:
    assert _spec() == _spec()
    assert _spec() != _spec(severity=Severity.ERROR)
    assert LintConfig() == LintConfig()
    assert LintConfig(select=("KC1",)) != LintConfig()
    assert ManifestSet() != LintConfig()  # another type is never equal


def test_defaults_are_fresh_for_each_instance() -> None:
    first, second = ManifestSet(), ManifestSet()
    first.files.append("a.yaml")
    assert second.files == []
    assert _spec().params == {} and _spec().params is not _spec().params


def test_replace_copies_with_changes_and_rejects_unknown_fields() -> None:
    spec = _spec()
    changed = spec.replace(default=False, params={"limit": 3})
    assert (changed.default, changed.params, changed.id) == (False, {"limit": 3}, "KC999")
    assert spec.default is True  # the original is unchanged
    with pytest.raises(TypeError, match="has no field 'sevrity'"):
        spec.replace(sevrity=Severity.INFO)


def test_repr_names_every_field() -> None:
    assert repr(Tagged("!reset", "")) == "Tagged(tag='!reset', value='')"
    text = repr(LintConfig(path="x.yaml"))
    assert text.startswith("LintConfig(") and "path='x.yaml'" in text and "select=()" in text


def test_mutable_records_are_not_hashable_but_tagged_values_are() -> None:
    with pytest.raises(TypeError):
        hash(ManifestSet())
    assert {Tagged("!reset", ""), Tagged("!reset", "")} == {Tagged("!reset", "")}


def test_records_survive_pickle_for_spawned_workers() -> None:
    manifests = ManifestSet(files=["a.yaml"])
    assert pickle.loads(pickle.dumps(manifests)) == manifests
    assert pickle.loads(pickle.dumps(_spec())) == _spec()
