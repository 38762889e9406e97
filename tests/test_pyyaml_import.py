"""PyYAML is imported with its regular expressions compiled on first use, and behaves as before."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

from kconv.pyyaml_import import READER_PATTERN, DeferredPattern, import_pyyaml


def _fresh(code: str) -> str:
    """Run `code` in a new interpreter (PyYAML not yet imported) and return its output."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_kconv_defers_the_reader_pattern_and_restores_re_compile() -> None:
    output = _fresh(
        """
        import re
        compile_before = re.compile
        import kconv.yamlio
        import yaml.reader
        print(type(yaml.reader.Reader.NON_PRINTABLE).__name__, re.compile is compile_before)
        """
    )
    assert output.split() == ["DeferredPattern", "True"]


def test_pure_python_loader_still_checks_printable_characters() -> None:
    output = _fresh(
        """
        import kconv.yamlio
        import yaml
        print(yaml.load("a: [1, b]", Loader=yaml.SafeLoader))
        try:
            yaml.load("a: \\x07", Loader=yaml.SafeLoader)
        except yaml.reader.ReaderError as error:
            print("rejected", hex(error.character))
        """
    )
    assert output.splitlines() == ["{'a': [1, 'b']}", "rejected 0x7"]


def test_resolver_and_constructor_patterns_compile_on_first_use() -> None:
    """PyYAML's own loaders resolve every implicit tag as before (timestamps, merge keys,
    booleans, numbers), though kconv deferred the patterns that decide them."""
    output = _fresh(
        """
        import kconv.yamlio
        import yaml
        import yaml.resolver
        resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
        deferred = {type(rx).__name__ for entries in resolvers.values() for _, rx in entries}
        print(sorted(deferred))
        text = "base: &b {x: 1}\\nm: {<<: *b, y: 2.5}\\nt: 2001-12-14\\nflag: yes\\nv: 0x1f\\n"
        for loader in (yaml.SafeLoader, yaml.CSafeLoader):
            print(yaml.load(text, Loader=loader))
        """
    )
    expected = (
        "{'base': {'x': 1}, 'm': {'x': 1, 'y': 2.5}, 't': datetime.date(2001, 12, 14), "
        "'flag': True, 'v': 31}"
    )
    assert output.splitlines() == ["['DeferredPattern']", expected, expected]


def test_pyyaml_still_uses_its_own_pattern_text() -> None:
    """If PyYAML changed the pattern, the deferral would silently stop saving start-up time."""
    import yaml.reader

    source = yaml.reader.Reader.NON_PRINTABLE
    pattern = source._source[0] if isinstance(source, DeferredPattern) else source.pattern
    assert pattern == READER_PATTERN


def test_deferred_pattern_compiles_on_first_use() -> None:
    deferred = DeferredPattern("[0-9]+")
    assert deferred._compiled is None
    assert deferred.search("ab12").group() == "12"
    assert isinstance(deferred._compiled, re.Pattern)
    assert deferred.pattern == "[0-9]+"
    # looked up once, then kept on the instance: later calls cost what the pattern's do
    assert vars(deferred)["search"] == deferred._compiled.search
    assert DeferredPattern("a", re.I).match("A") is not None  # flags are kept


def test_deferred_pattern_copies_without_compiling() -> None:
    import copy

    deferred = DeferredPattern("[a-z]+")
    duplicate = copy.deepcopy(deferred)
    assert deferred._compiled is None
    assert duplicate.match("abc").group() == "abc"


def test_an_imported_pyyaml_is_returned_as_is() -> None:
    import yaml

    assert import_pyyaml() is yaml
