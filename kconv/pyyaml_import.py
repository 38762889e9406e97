"""Import PyYAML without compiling the one pattern that kconv never uses at start-up.

Importing PyYAML compiles `yaml.reader.Reader.NON_PRINTABLE`, a character class reaching
U+10FFFF: 58 M of the 96 M instructions of `import yaml` (5-8 ms), on every run. Only the
pure-Python reader uses it; kconv parses with libyaml, which reads and checks its input in C.
So while PyYAML is imported, that one pattern (recognised by its exact text) is replaced by
a stand-in that compiles it on first use: where libyaml is missing, or another caller uses
PyYAML's pure-Python loaders, they behave exactly as before.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType
from typing import Any

# yaml/reader.py of PyYAML 3.x to 6.x; if a release changes it, it is compiled as usual
READER_PATTERN = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


class DeferredPattern:
    """A regular expression compiled when first used (any `re.Pattern` attribute works)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return getattr(self._compiled, name)


def import_pyyaml() -> ModuleType:
    """The `yaml` module, imported (when it is not already) with its reader's pattern deferred."""
    module = sys.modules.get("yaml")
    if module is not None:
        return module
    compile_now = re.compile

    def compile_or_defer(pattern: Any, flags: Any = 0) -> Any:
        if pattern == READER_PATTERN and not flags:
            return DeferredPattern(pattern)
        return compile_now(pattern, flags)

    re.compile = compile_or_defer  # type: ignore[assignment]
    try:
        import yaml
    finally:
        re.compile = compile_now
    return yaml
