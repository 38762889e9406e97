"""YAML loading with positions, limits and safe emitting (kconv/yamlio.py)."""

import codecs
import contextlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kconv import yamlio
from kconv.errors import InputError
from kconv.model.location import Location


def load_one(text: str, **kwargs):
    docs = yamlio.load_documents(text, "f.yaml", **kwargs)
    assert len(docs) == 1
    return docs[0]


def test_positions_point_at_keys_and_items() -> None:
    doc = load_one("a: 1\nb:\n  - x\n  - {c: yes}\n")
    assert doc.positions.exact("/a") == Location("f.yaml", 1, 1)
    assert doc.positions.exact("/b") == Location("f.yaml", 2, 1)
    assert doc.positions.exact("/b/0") == Location("f.yaml", 3, 5)
    assert doc.positions.exact("/b/1/c") == Location("f.yaml", 4, 6)
    assert doc.positions.exact("/b/1/zz") is None
    assert doc.positions.nearest("/b/1/zz/y") == Location("f.yaml", 4, 5)
    assert doc.positions.nearest("") == Location("f.yaml", 1, 1)


def test_pointer_escaping() -> None:
    doc = load_one("metadata:\n  annotations:\n    example.com/a~b: x\n")
    assert doc.positions.exact("/metadata/annotations/example.com~1a~0b") == Location(
        "f.yaml", 3, 5
    )


def test_multi_document_stream_skips_empty_documents_and_keeps_index() -> None:
    docs = yamlio.load_documents("a: 1\n---\n---\n# only a comment\n---\nb: 2\n", "m.yaml")
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert docs[1].index == 3
    assert docs[1].positions.exact("/b") == Location("m.yaml", 6, 1)


def test_duplicate_keys_are_problems_with_both_positions() -> None:
    doc = load_one("a: 1\nb: 2\na: 3\n")
    assert doc.data == {"a": 3, "b": 2}
    [problem] = doc.problems
    assert problem.code == "duplicate-key"
    assert problem.location == Location("f.yaml", 3, 1)
    assert "line 1, column 1" in problem.message


def test_keys_are_raw_strings() -> None:
    assert load_one("yes: 1\n80: http\n~: n\n").data == {"yes": 1, "80": "http", "~": "n"}


def test_yaml11_scalars_by_default() -> None:
    data = load_one(
        "a: yes\nb: 0755\nc: 1.5\nd: ~\ne: 22:22\nf: 0x1F\ng: .inf\nh: 2001-02-03\n"
    ).data
    assert data == {
        "a": True,
        "b": 493,
        "c": 1.5,
        "d": None,
        "e": 1342,
        "f": 31,
        "g": math.inf,
        "h": "2001-02-03",
    }


def test_yaml12_scalars_for_compose() -> None:
    data = load_one(
        "a: yes\nb: on\nc: 22:22\nd: 1e3\ne: 0o17\nf: true\ng: !!str 12\nh: null\n", yaml12=True
    ).data
    assert data == {
        "a": "yes",
        "b": "on",
        "c": "22:22",
        "d": 1000.0,
        "e": 15,
        "f": True,
        "g": "12",
        "h": None,
    }


def test_quoted_scalars_stay_strings() -> None:
    assert load_one("a: 'yes'\nb: \"12\"\n").data == {"a": "yes", "b": "12"}


def test_merge_keys_and_anchors() -> None:
    doc = load_one("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nlist: [*b]\n")
    assert doc.data["use"] == {"y": 3, "x": 1}
    assert doc.data["list"] == [{"x": 1, "y": 2}]
    doc.data["list"][0]["x"] = 99  # aliases are copies, never shared objects
    assert doc.data["base"]["x"] == 1


def test_kept_tags_are_wrapped() -> None:
    data = load_one("a: !reset null\nb: !override [1]\n", keep_tags=("!reset", "!override")).data
    assert data == {"a": yamlio.Tagged("!reset", None), "b": yamlio.Tagged("!override", [1])}


def test_unknown_and_python_tags_are_problems_not_executed() -> None:
    doc = load_one("a: !!python/object/apply:os.system ['echo hi']\nb: !custom x\n")
    assert [p.code for p in doc.problems] == ["unknown-tag", "unknown-tag"]
    assert "Python tag" in doc.problems[0].message
    assert doc.data["b"] == "x"


def test_syntax_error_has_position_and_keeps_earlier_documents() -> None:
    with pytest.raises(yamlio.YamlSyntaxError) as info:
        yamlio.load_documents("a: 1\n---\nb: [1\nc: 2\n", "s.yaml")
    assert info.value.location.file == "s.yaml"
    assert info.value.location.line == 4
    assert [d.data for d in info.value.documents] == [{"a": 1}]


def test_tab_indentation_message() -> None:
    with pytest.raises(yamlio.YamlSyntaxError, match="tabs") as info:
        yamlio.load_documents("a:\n\t- b\n", "t.yaml")
    assert str(info.value.location) == "t.yaml:2:1"


def test_alias_bomb_is_refused() -> None:
    text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    previous = "a"
    for name in "bcdefghij":
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    with pytest.raises(InputError, match="alias bomb"):
        yamlio.load_documents(text, "bomb.yaml")


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(InputError, match="nesting deeper"):
        yamlio.load_documents("[" * 5000 + "]" * 5000, "deep.yaml")


def test_limits_are_configurable() -> None:
    with pytest.raises(InputError, match="more than 3 nodes"):
        yamlio.load_documents("[1, 2, 3, 4]", "x", limits=yamlio.Limits(max_nodes=3))


def test_json_documents_load() -> None:
    doc = load_one('{"apiVersion": "v1",\n "kind": "List"}')
    assert doc.data == {"apiVersion": "v1", "kind": "List"}
    assert doc.positions.exact("/kind") == Location("f.yaml", 2, 2)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"a: 1\n", "a: 1\n"),
        (b"\xef\xbb\xbfa: 1\n", "a: 1\n"),
        ("a: é\n".encode("utf-16"), "a: é\n"),
    ],
)
def test_decode(raw: bytes, expected: str) -> None:
    assert yamlio.decode(raw, "x") == expected


def test_decode_rejects_binary_and_bad_utf8() -> None:
    with pytest.raises(InputError, match="binary"):
        yamlio.decode(b"\x00\x01\x02", "bin")
    with pytest.raises(InputError, match="invalid UTF-8") as info:
        yamlio.decode(b"a: 1\nb: \xff\n", "bad")
    assert info.value.location == Location("bad", 2, 4)


@pytest.mark.parametrize(
    ("raw", "message", "line", "column"),
    [
        # the byte is counted from the file's start, its byte order mark included
        (b"\xef\xbb\xbfa: 1\nb: '\xc3\xa9 \xff'\n", "invalid UTF-8 text (byte 15)", 2, 7),
        # a lone low surrogate
        (
            "a: 1\nbc: d".encode("utf-16-le").join([codecs.BOM_UTF16_LE, b"\x00\xdcx\x00"]),
            "invalid UTF-16 text (byte 22)",
            2,
            6,
        ),
    ],
)
def test_decode_error_names_the_byte_line_and_column(
    raw: bytes, message: str, line: int, column: int
) -> None:
    with pytest.raises(InputError) as info:
        yamlio.decode(raw, "bad")
    assert info.value.message == message
    assert info.value.location == Location("bad", line, column)


def test_read_text_errors_name_the_file(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file"):
        yamlio.read_text(str(tmp_path / "missing.yaml"))
    with pytest.raises(InputError, match="directory"):
        yamlio.read_text(str(tmp_path))


def test_dump_orders_top_level_keys_and_quotes_ambiguous_strings() -> None:
    text = yamlio.dump_yaml(
        {
            "spec": {"x": 1},
            "kind": "ConfigMap",
            "extra": True,
            "apiVersion": "v1",
            "data": {
                k: k
                for k in [
                    "yes",
                    "no",
                    "on",
                    "off",
                    "1.0",
                    "0755",
                    "~",
                    "*x",
                    "&y",
                    "!z",
                    "1e3",
                    "0o17",
                    "22:22",
                    "null",
                    "true",
                    "plain",
                ]
            },
        }
    )
    assert text.splitlines()[:2] == ["apiVersion: v1", "kind: ConfigMap"]
    loaded11 = load_one(text).data
    loaded12 = load_one(text, yaml12=True).data
    for value in [
        "yes",
        "no",
        "on",
        "off",
        "1.0",
        "0755",
        "~",
        "*x",
        "&y",
        "!z",
        "1e3",
        "0o17",
        "22:22",
        "null",
        "true",
        "plain",
    ]:
        assert loaded11["data"][value] == value
        assert loaded12["data"][value] == value
    assert "&" not in text.replace("&y", "") and "*id" not in text


def test_dump_has_no_aliases_for_shared_objects() -> None:
    labels = {"app": "web"}
    text = yamlio.dump_yaml({"a": labels, "b": labels})
    assert "&" not in text and "*" not in text


def test_dump_multiline_strings_as_literal_blocks() -> None:
    text = yamlio.dump_yaml({"script": "echo a\necho b\n"})
    assert text == "script: |\n  echo a\n  echo b\n"


def test_dump_documents_separator_and_json() -> None:
    assert yamlio.dump_documents([{"a": 1}, {"b": 2}]) == "a: 1\n---\nb: 2\n"
    assert yamlio.dump_json({"kind": "X", "apiVersion": "v1"}) == (
        '{\n  "apiVersion": "v1",\n  "kind": "X"\n}\n'
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_dump_then_load_round_trips(value) -> None:
    text = yamlio.dump_yaml({"v": value})
    assert load_one(text).data == {"v": value}
    assert load_one(text, yaml12=True).data == {"v": value}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_loader_never_raises_anything_but_input_errors(text: str) -> None:
    with contextlib.suppress(InputError):
        yamlio.load_documents(text, "fuzz.yaml")


def test_the_resolver_cache_keeps_no_large_text_alive() -> None:
    big = "key: " + "x" * (yamlio._RESOLVE_CACHE_TEXT_LIMIT + 1) + "\n"
    yamlio.load_documents("a: 1\nb: yes\n", "small.yaml")
    assert yamlio._resolve.cache_info().currsize > 0
    (document,) = yamlio.load_documents(big, "big.yaml")
    assert document.data["key"].startswith("xxx")
    assert yamlio._resolve.cache_info().currsize == 0


def test_cached_resolution_gives_the_same_types() -> None:
    text = "a: yes\nb: 010\nc: 1.5\nd: ~\ne: '1'\nf: 2001-12-14\ng: 0x1F\n"
    first = yamlio.load_documents(text, "a.yaml")[0].data
    second = yamlio.load_documents(text, "a.yaml")[0].data  # answered from the cache
    assert (
        first
        == second
        == {"a": True, "b": 8, "c": 1.5, "d": None, "e": "1", "f": "2001-12-14", "g": 31}
    )


@pytest.mark.parametrize("yaml12", [False, True])  # YAML 1.1 builds strings on a fast path
def test_string_values_count_against_the_limits_like_any_value(yaml12: bool) -> None:
    text = "a: x\nb: y\nc: {d: z}\n"  # 5 nodes (root, x, y, the inner mapping, z); z at depth 2
    ok = yamlio.Limits(max_depth=2, max_nodes=5)
    assert yamlio.load_documents(text, "a.yaml", yaml12=yaml12, limits=ok)[0].data == {
        "a": "x",
        "b": "y",
        "c": {"d": "z"},
    }
    with pytest.raises(InputError, match="more than 4 nodes"):
        yamlio.load_documents(text, "a.yaml", yaml12=yaml12, limits=yamlio.Limits(max_nodes=4))
    with pytest.raises(InputError, match="nesting deeper than 1 levels"):
        yamlio.load_documents(text, "a.yaml", yaml12=yaml12, limits=yamlio.Limits(max_depth=1))


def test_mapping_keys_are_shared_between_documents() -> None:
    """Keys repeat in every manifest; one string object per distinct key keeps memory down
    (10,000 manifests: 133 MB -> 120 MB at peak)."""
    first, second = yamlio.load_documents(
        "metadata: {name: a}\n---\nmetadata: {name: b}\n", "x.yaml"
    )
    first_key, second_key = next(iter(first.data)), next(iter(second.data))
    assert first_key == second_key == "metadata"
    assert first_key is second_key
    assert next(iter(first.data["metadata"])) is next(iter(second.data["metadata"]))


def test_in_scalars_tells_strings_from_comments() -> None:
    text = 'a: "x # y"  # z\nb: |\n  # in a block\nc: plain # comment\nd: [e, "f #"]\n'
    places = [(1, 8), (1, 13), (3, 3), (4, 10), (5, 11)]
    assert yamlio.in_scalars(text, places) == [True, False, True, False, True]


def test_in_scalars_after_a_syntax_error_counts_as_outside() -> None:
    text = 'a: "x # y"\nb: @reserved "c # d"\n'  # no token can start with @
    assert yamlio.in_scalars(text, [(1, 7), (2, 17)]) == [True, False]
