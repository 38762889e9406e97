"""Property tests: short port and volume syntax parse back to what they were built from."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kconv.compose.merge import merge
from kconv.compose.normalize import parse_port, parse_volume
from kconv.model.location import Location

HERE = Location("compose.yaml", 1, 1)
ports = st.integers(min_value=1, max_value=65000)
ipv4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))


@given(
    target=ports,
    published=st.none() | ports,
    host_ip=st.none() | ipv4 | st.just("::1"),
    protocol=st.sampled_from(["tcp", "udp", "TCP", "sctp"]),
)
def test_single_port(target: int, published: int | None, host_ip: str | None, protocol: str):
    spec = str(target)
    if published is not None or host_ip is not None:
        spec = f"{published or ''}:{spec}"
    if host_ip is not None:
        spec = f"[{host_ip}]:{spec}" if ":" in host_ip else f"{host_ip}:{spec}"
    spec += f"/{protocol}"
    (entry,) = parse_port(spec, "p", HERE)
    assert entry["target"] == target
    assert entry.get("published") == (None if published is None else str(published))
    assert entry.get("host_ip") == host_ip
    assert entry["protocol"] == protocol.lower()


@given(start=st.integers(1, 60000), count=st.integers(1, 20), offset=st.integers(0, 5000))
def test_port_ranges_pair_up(start: int, count: int, offset: int) -> None:
    host = start + offset
    spec = f"{host}-{host + count - 1}:{start}-{start + count - 1}"
    entries = parse_port(spec, "p", HERE)
    assert [(e["target"], e["published"]) for e in entries] == [
        (start + i, str(host + i)) for i in range(count)
    ]


path_part = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=2, max_size=8)
# (one letter before ":" is a Windows drive, as in compose-go: `c:/data` is one path)


@given(
    source=path_part,
    target=st.lists(path_part, min_size=1, max_size=3).map(lambda p: "/" + "/".join(p)),
    relative=st.booleans(),
    read_only=st.booleans(),
)
def test_volume(source: str, target: str, relative: bool, read_only: bool) -> None:
    spec = f"{'./' if relative else ''}{source}:{target}{':ro' if read_only else ''}"
    entry = parse_volume(spec, "v", HERE, "/project")
    assert entry["target"] == target
    assert entry["type"] == ("bind" if relative else "volume")
    assert entry["source"] == (f"/project/{source}" if relative else source)
    assert entry.get("read_only", False) is read_only


scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
trees = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(base=st.dictionaries(st.text(max_size=3), trees, max_size=4))
def test_merging_with_empty_changes_nothing(base: dict) -> None:
    where = (HERE, None)
    assert merge(base, where, {}, where)[0] == base
    assert merge({}, where, base, where)[0] == base


# -- random projects never crash the loader --------------------------------------------------

_LEAVES = st.sampled_from(
    [None, True, 0, 1, -1, 1.5, "", "80", "80:80", "a:b:c", "./x:/y:ro", "1m", "abc", "${X}",
     "$$", "${X:?e}", "[::1]:1:1", "1-3:4-6", "0x10", "/a", "v:/data", "service_healthy"]
)  # fmt: skip
_SUBKEYS = st.sampled_from(
    ["test", "interval", "target", "published", "source", "type", "replicas", "resources",
     "limits", "memory", "cpus", "condition", "service", "file", "path", "required", "context",
     "args", "size", "mode", "bind", "tmpfs"]
)  # fmt: skip
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_SUBKEYS, inner, max_size=3),
    max_leaves=8,
)
_SERVICE_KEYS = st.sampled_from(
    ["image", "ports", "volumes", "environment", "command", "entrypoint", "healthcheck",
     "deploy", "depends_on", "secrets", "configs", "networks", "env_file", "extends", "build",
     "labels", "expose", "tmpfs", "mem_limit", "cpus", "profiles", "privileged", "restart",
     "ulimits", "x-a", "dns"]
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    service=st.dictionaries(_SERVICE_KEYS, _VALUES, min_size=1, max_size=4),
    volumes=st.none() | _VALUES,
)
def test_random_projects_load_or_fail_cleanly(tmp_path_factory, service: dict, volumes) -> None:
    from kconv.compose.loader import load_project
    from kconv.errors import InputError
    from kconv.yamlio import dump_yaml

    document: dict = {"services": {"a": service, "b": {"image": "x"}}}
    if volumes is not None:
        document["volumes"] = {"v": volumes}
    path = tmp_path_factory.mktemp("p") / "compose.yaml"
    path.write_text(dump_yaml(document), encoding="utf-8")
    try:
        load_project([str(path)], environ={"X": "1"})
    except InputError as exc:
        assert exc.location is not None and exc.message
