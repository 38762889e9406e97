"""Loading Kubernetes manifests: discovery, multi-document, List, problems (kconv/manifests.py)."""

import os
import sys
from pathlib import Path

import pytest

from kconv.errors import InputError
from kconv.manifests import discover, load_paths
from kconv.model.k8s import kind_matches
from kconv.model.location import Location

FIXTURES = Path(__file__).parent.parent / "fixtures" / "manifests"


def test_discover_walks_directories_in_sorted_order_skipping_hidden_and_other_files() -> None:
    files = discover([str(FIXTURES / "tree")])
    names = [Path(f).relative_to(FIXTURES / "tree").as_posix() for f in files]
    assert names == ["app.yaml", "sub/broken.yml", "sub/list.json"]


def test_discover_missing_path_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no such file"):
        discover([str(FIXTURES / "nope.yaml")])


def test_one_broken_file_does_not_stop_the_others() -> None:
    result = load_paths([str(FIXTURES / "tree")])
    refs = [(o.kind, o.name, o.namespace) for o in result.objects]
    assert refs == [
        ("Deployment", "web", "shop"),
        ("Service", "web", None),
        ("ConfigMap", "before", None),
        ("ConfigMap", "one", None),
        ("ConfigMap", "two", None),
    ]
    codes = [(p.code, p.location.line) for p in result.problems]
    assert ("syntax-error", 6) in codes
    assert ("not-an-object", 7) in codes  # the List item without apiVersion
    assert len(result.files) == 3


def test_list_items_keep_their_own_positions() -> None:
    result = load_paths([str(FIXTURES / "tree" / "sub" / "list.json")])
    two = result.objects[1]
    assert two.pointer_prefix == "/items/1"
    assert two.location() == Location(str(FIXTURES / "tree" / "sub" / "list.json"), 6, 5)
    assert two.location("/metadata/name").line == 6


def test_pod_spec_accessors_for_every_pod_carrying_kind() -> None:
    result = load_paths([str(FIXTURES / "tree" / "app.yaml"), str(FIXTURES / "cronjob.yaml")])
    deployment, service, cronjob = result.objects
    assert deployment.pod_spec()[0] == "/spec/template/spec"
    assert [c.name for c in deployment.containers()] == ["web"]
    assert [(c.list_name, c.name) for c in deployment.all_containers()] == [
        ("initContainers", "migrate"),
        ("containers", "web"),
    ]
    assert deployment.containers()[0].pointer == "/spec/template/spec/containers/0"
    assert deployment.location(deployment.containers()[0].pointer + "/image").line == 18
    assert deployment.pod_labels() == {"app": "web"}
    assert service.pod_spec() is None and service.containers() == []
    assert cronjob.pod_spec()[0] == "/spec/jobTemplate/spec/template/spec"
    assert cronjob.containers()[0].name == "task"
    assert cronjob.pod_template_pointer() == "/spec/jobTemplate/spec/template"


def test_ignore_comments_are_collected() -> None:
    result = load_paths([str(FIXTURES / "cronjob.yaml")])
    [comment] = result.ignore_comments[str(FIXTURES / "cronjob.yaml")]
    assert comment.line == 13
    assert comment.rules == {"KC101", "latest-tag"}


def test_stdin_and_non_objects() -> None:
    result = load_paths(["-"], stdin_text="- just\n- a list\n---\nfoo: bar\n---\n42\n")
    assert result.objects == []
    assert [p.message for p in result.problems] == [
        "document is a list, not a Kubernetes object",
        "not a Kubernetes object: apiVersion and kind missing",
        "document is a scalar, not a Kubernetes object",
    ]
    assert {p.location.file for p in result.problems} == {"<stdin>"}


def test_unreadable_and_binary_files_are_problems(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01binary")
    (tmp_path / "bad.yaml").write_bytes(b"a: \xff\n")
    result = load_paths([str(tmp_path)])
    assert sorted(p.code for p in result.problems) == ["unreadable", "unreadable"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    (tmp_path / "a" / "x.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    assert len(load_paths([str(tmp_path)]).objects) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_discover_takes_regular_files_and_symlinks_to_them_only(tmp_path: Path) -> None:
    for name in ("a/x.yaml", "a/.hidden/y.yaml", "b/z.yml", "top.json", ".h.yaml", "a/n.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a: 1\n")
    (tmp_path / "b" / "dir-link").symlink_to(tmp_path / "a")  # not followed
    (tmp_path / "b" / "file-link.yaml").symlink_to(tmp_path / "a" / "x.yaml")
    (tmp_path / "b" / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "b" / "dir-link.yaml").symlink_to(tmp_path / "a")
    os.mkfifo(tmp_path / "b" / "pipe.yaml")
    (tmp_path / "c.yaml").mkdir()
    expected = [".h.yaml", "a/x.yaml", "b/file-link.yaml", "b/z.yml", "top.json"]
    for root in (str(tmp_path), f"{tmp_path}{os.sep}"):
        assert discover([root]) == [os.path.join(tmp_path, name) for name in expected]


def test_a_tree_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    folders = [tmp_path / "d"]
    for _ in range(sys.getrecursionlimit() + 100):  # walking it recursively failed
        folders.append(folders[-1] / "d")
    for folder in folders:
        folder.mkdir()
    manifest = folders[-1] / "x.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    try:
        assert discover([str(tmp_path)]) == [str(manifest)]
    finally:  # deepest first: pytest's own clean-up (shutil.rmtree) recurses per level
        manifest.unlink()
        for folder in reversed(folders):
            folder.rmdir()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_given_explicitly_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = load_paths([str(fifo)])
    assert [p.message for p in result.problems] == ["not a regular file"]
    assert load_paths([str(tmp_path)]).problems == []  # skipped when scanning a directory


def test_kind_groups() -> None:
    assert kind_matches("CronJob", frozenset({"PodController"}))
    assert not kind_matches("Pod", frozenset({"Workload"}))
    assert kind_matches("Service", None)
    assert kind_matches("Service", frozenset({"Service"}))


def test_discover_reads_a_file_reached_twice_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`k8s`, `./k8s/`, an absolute path and `k8s//a.yaml` name the same files: each is read
    once, under its first name (else every object is a duplicate of itself, KC305)."""
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "a.yaml").write_text("kind: x\n")
    (tmp_path / "k8s" / "b.yaml").write_text("kind: y\n")
    monkeypatch.chdir(tmp_path)
    found = discover(["k8s", "./k8s/", str(tmp_path / "k8s"), "k8s//a.yaml", "-", "-"])
    assert found == [os.path.join("k8s", "a.yaml"), os.path.join("k8s", "b.yaml"), "-"]
