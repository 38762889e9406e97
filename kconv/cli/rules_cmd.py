"""`kconv rules`: list the lint rules, or explain one with its examples."""

from __future__ import annotations

import json
from typing import Any

import click

from kconv.cli.common import handle_errors


def _rules(config_path: str | None) -> list[Any]:
    from kconv.lint.config import load_config
    from kconv.lint.registry import load_rules

    return load_rules(load_config(config_path).custom_rules)


def _as_data(spec: Any) -> dict[str, Any]:
    return {
        "id": spec.id,
        "name": spec.name,
        "severity": str(spec.severity),
        "default": spec.default,
        "kinds": sorted(spec.kinds) if spec.kinds else None,
        "summary": spec.summary,
        "rationale": spec.rationale,
        "fix": spec.fix,
        "check": spec.check,
        "params": dict(spec.params),
        "references": list(spec.references),
        "equivalents": {tool: list(ids) for tool, ids in spec.equivalents.items()},
    }


def _kinds(spec: Any, width: int = 30) -> str:
    """The rule's kinds, shortened to `width` characters (`Deployment,Job,+3`)."""
    if not spec.kinds:
        return "any"
    kinds = sorted(spec.kinds)
    for count in range(len(kinds), 0, -1):
        shown = ",".join(kinds[:count]) + (f",+{len(kinds) - count}" if count < len(kinds) else "")
        if len(shown) <= width:
            return shown
    return f"{len(kinds)} kinds"


def _text_table(rules: list[Any]) -> str:
    rows = [("ID", "NAME", "SEVERITY", "DEFAULT", "KINDS", "SUMMARY")]
    for spec in rules:
        kinds = _kinds(spec)
        default = "on" if spec.default else "off"
        rows.append((spec.id, spec.name, str(spec.severity), default, kinds, spec.summary))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:5], widths)]
        lines.append("  ".join([*cells, row[5]]).rstrip())
    return "\n".join(lines) + "\n"


def _equivalents_text(rules: list[Any]) -> str:
    lines = []
    for spec in rules:
        for tool, ids in spec.equivalents.items():
            lines.append(f"{spec.id}  {tool}: {', '.join(ids)}")
    return "\n".join(lines) + ("\n" if lines else "")


@click.group(
    "rules",
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format (markdown is docs/rules.md).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Also list the custom rules of this configuration file (default: nearest .kconv.yaml).",
)
@click.option("--equivalents", is_flag=True, help="List the ids of the same checks in other tools.")
@click.pass_context
@handle_errors
def rules_command(
    ctx: click.Context, output_format: str, config_path: str | None, equivalents: bool
) -> None:
    """List every lint rule: id, name, severity, default, kinds and summary.

    \b
    Examples:
      kconv rules
      kconv rules --format json
      kconv rules explain KC101
    """
    ctx.ensure_object(dict)
    ctx.obj["rules_config"] = config_path
    if ctx.invoked_subcommand is not None:
        return
    rules = _rules(config_path)
    if output_format == "markdown":
        from kconv.lint.docgen import render_markdown

        click.echo(render_markdown(rules), nl=False)
    elif output_format == "json":
        click.echo(json.dumps([_as_data(spec) for spec in rules], indent=2))
    elif equivalents:
        click.echo(_equivalents_text(rules), nl=False)
    else:
        click.echo(_text_table(rules), nl=False)


@rules_command.command("explain")
@click.argument("rule")
@click.pass_context
@handle_errors
def explain_command(ctx: click.Context, rule: str) -> None:
    """Explain RULE (an id such as KC101 or a name): why, how to fix, and examples."""
    from kconv.lint.docgen import render_explain
    from kconv.lint.registry import find_rule

    spec = find_rule(_rules((ctx.obj or {}).get("rules_config")), rule)
    click.echo(render_explain(spec), nl=False)
