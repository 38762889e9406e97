"""Import PyYAML without compiling, at start-up, the patterns that kconv rarely or never uses.

Importing PyYAML compiles 10 regular expressions, about 69 M of the 96 M instructions of
`import yaml`, on every run:
- `yaml.reader.Reader.NON_PRINTABLE`, a character class reaching U+10FFFF (58 M, 5-8 ms):
  only the pure-Python reader uses it; kconv parses with libyaml, which checks its input in C;
- the resolver's implicit tags: kconv's loader asks for those whose first character a plain
  scalar has (`true`, `null`, numbers), rarely for a timestamp, merge key (`<<`) or `=`;
- the constructor's timestamp pattern, which kconv's own builder never uses.
So while PyYAML is imported, each pattern is replaced by a stand-in that compiles it on first
use: where libyaml is missing, or another caller uses PyYAML's pure-Python loaders, they
behave exactly as before.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType
from typing import Any

# yaml/reader.py of PyYAML 3.x to 6.x, the costliest of them (a test checks that it is still there)
READER_PATTERN = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


class DeferredPattern:
    """A regular expression compiled when first used (any `re.Pattern` attribute works).
    Each attribute is looked up once: it is then kept on the instance, so that a later
    `.match` costs what it costs on the pattern itself."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probe for special methods
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        value = getattr(self._compiled, name)
        setattr(self, name, value)
        return value


def import_pyyaml() -> ModuleType:
    """The `yaml` module, imported (when it is not already) with its patterns deferred."""
    module = sys.modules.get("yaml")
    if module is not None:
        return module
    compile_now = re.compile

    def compile_or_defer(pattern: Any, flags: Any = 0) -> Any:
        if isinstance(pattern, str):
            return DeferredPattern(pattern, flags)
        return compile_now(pattern, flags)

    re.compile = compile_or_defer  # type: ignore[assignment]
    try:
        import yaml
    finally:
        re.compile = compile_now
    return yaml
