"""Rule documentation: `docs/rules.md` and `kconv rules explain`, rendered from the specs and
their fixture pairs with the jinja2 templates in `kconv/templates/`.

Regenerate the docs and `rules/index.json` (the specs as JSON, read at run time, see
kconv.lint.registry) with `python -m kconv.lint.docgen` (or check them with `--check`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kconv.lint.rule import RuleSpec

_REPO = Path(__file__).resolve().parent.parent.parent
DOCS_PATH = _REPO / "docs" / "rules.md"
REGENERATE_COMMAND = "python -m kconv.lint.docgen"
_EXPECT = re.compile(r"#\s*expect:\s*")
FIXTURES = "fixtures/rules"  # the rule fixtures (kconv.resources.data_dir finds them installed)


def fixtures_root() -> Path | None:
    """The rule fixtures shown as examples: `fixtures/rules/` of a source checkout, or their copy
    in an installed wheel (`kconv/_data/fixtures/rules/`); None when neither is there."""
    from kconv.resources import data_dir

    try:
        return Path(data_dir(FIXTURES))
    except FileNotFoundError:
        return None


def _example(path: Path) -> str | None:
    if not path.is_file():
        return None
    text = path.read_bytes().decode("utf-8", errors="replace")
    text = _EXPECT.sub("# <-- ", text)
    return text if text.endswith("\n") else text + "\n"


def rule_view(spec: RuleSpec) -> dict[str, Any]:
    """The data templates see for one rule."""
    view: dict[str, Any] = {
        "id": spec.id,
        "name": spec.name,
        "anchor": f"{spec.id}-{spec.name}".lower(),
        "severity": str(spec.severity),
        "default": spec.default,
        "kinds": sorted(spec.kinds) if spec.kinds else [],
        "summary": spec.summary,
        "rationale": spec.rationale,
        "fix": spec.fix,
        "check": spec.check,
        "params": {} if spec.check == "load-problem" else dict(spec.params),
        "references": list(spec.references),
        "equivalents": {tool: list(ids) for tool, ids in sorted(spec.equivalents.items())},
        "fail_example": None,
        "pass_example": None,
        "fail_path": "",
        "pass_path": "",
    }
    root = fixtures_root()
    if root is not None:
        folder = root / f"{spec.id}-{spec.name}"
        for which in ("fail", "pass"):
            path = folder / f"{which}.yaml"
            view[f"{which}_example"] = _example(path)
            # the checkout path, wherever the fixtures are installed: docs/rules.md shows it
            view[f"{which}_path"] = f"{FIXTURES}/{folder.name}/{which}.yaml"
    return view


def _environment() -> Any:
    import jinja2

    from kconv import yamlio

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kconv", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=False,
    )
    env.filters["to_yaml"] = yamlio.dump_yaml
    return env


def render_markdown(rules: Sequence[RuleSpec]) -> str:
    """The text of `docs/rules.md` for `rules`."""
    views = [rule_view(spec) for spec in sorted(rules, key=lambda spec: spec.id)]
    text = _environment().get_template("rules.md.j2").render(rules=views)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def render_explain(spec: RuleSpec) -> str:
    """The text `kconv rules explain` prints for one rule."""
    text = _environment().get_template("rule_explain.txt.j2").render(rule=rule_view(spec))
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write docs/rules.md and rules/index.json (`--check`: exit 1 when either is stale)."""
    from kconv.lint.registry import INDEX_FILE, index_text, load_rules
    from kconv.resources import data_dir

    args = list(sys.argv[1:] if argv is None else argv)
    outputs = [
        (DOCS_PATH, render_markdown(load_rules())),
        (Path(data_dir("rules")) / INDEX_FILE, index_text()),
    ]
    stale = False
    for path, text in outputs:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if "--check" in args:
            print(f"{path} is stale; run: {REGENERATE_COMMAND}", file=sys.stderr)
            stale = True
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
