"""Secret values never reach compose errors, env-file errors, warnings or conversion notes.

Whatever the source of a secret (the process environment, `.env`, `--env-file`, an include's
`env_file`, a service's `env_file`), a message still says where and what went wrong, but shows
"<redacted>" where the value was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kconv.cli import cli
from kconv.compose.dotenv import parse_dotenv
from kconv.compose.loader import load_project
from kconv.convert import convert
from kconv.convert.notes import Notes
from kconv.errors import InputError
from kconv.model.location import Location
from kconv.secrets import REDACTED, scrub, scrubbed
from kconv.yamlio import YamlSyntaxError

SECRET = "Sup3rS3cretPwd"
PHRASE = "correct horse battery staple"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5" * 4


def kconv(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run the CLI in `project`; `env` is added to the process environment."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        return CliRunner().invoke(cli, list(args), env=env)


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def dotenv_error(text: str, **options: bool) -> str:
    with pytest.raises(InputError) as caught:
        parse_dotenv(text, "app.env", **options)
    return str(caught.value)


# -- a) values of every interpolation source are redacted in compose errors ---------------------

PORTS = 'services:\n  web:\n    image: nginx\n    ports: ["${DB_PASSWORD}"]\n'
MEM_LIMIT = "services:\n  web:\n    image: nginx\n    mem_limit: ${DB_PASSWORD}\n"


@pytest.mark.parametrize("command", ["config", "convert"])
@pytest.mark.parametrize(
    ("compose", "problem"),
    [
        (PORTS, "compose.yaml:4:13: services.web.ports[0]: "),
        (MEM_LIMIT, "compose.yaml:4:5: services.web.mem_limit: invalid byte size"),
    ],
    ids=["ports", "mem_limit"],
)
def test_dotenv_values_are_redacted_in_errors(
    tmp_path: Path, command: str, compose: str, problem: str
) -> None:
    write(tmp_path, {".env": f"DB_PASSWORD={SECRET}\n", "compose.yaml": compose})
    result = kconv(tmp_path, command)
    assert result.exit_code == 2
    assert SECRET not in result.output
    assert problem in result.stderr
    assert REDACTED in result.stderr


def test_env_file_option_values_are_redacted_in_errors(tmp_path: Path) -> None:
    write(tmp_path, {"prod.env": f"DB_PASSWORD={SECRET}\n", "compose.yaml": PORTS})
    result = kconv(tmp_path, "config", "--env-file", "prod.env")
    assert result.exit_code == 2
    assert SECRET not in result.output
    assert "compose.yaml:4:13: services.web.ports[0]" in result.stderr


def test_process_environment_values_are_still_redacted(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": MEM_LIMIT})
    result = kconv(tmp_path, "config", env={"DB_PASSWORD": SECRET})
    assert result.exit_code == 2
    assert SECRET not in result.output
    assert "services.web.mem_limit: invalid byte size" in result.stderr


def test_include_env_file_values_are_redacted_in_errors(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "sub/sub.env": f"DB_PASSWORD={SECRET}\n",
            "sub/compose.yaml": MEM_LIMIT.replace("web", "db"),
            "compose.yaml": "include:\n  - path: sub/compose.yaml\n    env_file: sub/sub.env\n",
        },
    )
    with pytest.raises(InputError) as caught:
        load_project([str(tmp_path / "compose.yaml")], environ={})
    assert SECRET not in str(caught.value)
    assert "services.db.mem_limit: invalid byte size" in str(caught.value)


def test_a_secret_defined_in_dotenv_is_redacted_when_it_is_not_used(tmp_path: Path) -> None:
    compose = 'services:\n  web:\n    image: nginx\n    ports: ["Sup3rS3cretPwd"]\n'
    write(tmp_path, {".env": f"DB_PASSWORD={SECRET}\n", "compose.yaml": compose})
    with pytest.raises(InputError) as caught:
        load_project([str(tmp_path / "compose.yaml")], environ={})
    assert SECRET not in str(caught.value)
    assert "services.web.ports[0]" in str(caught.value)


def test_values_of_ordinary_variables_are_still_quoted(tmp_path: Path) -> None:
    write(
        tmp_path,
        {".env": "PORT=not-a-port\n", "compose.yaml": PORTS.replace("DB_PASSWORD", "PORT")},
    )
    with pytest.raises(InputError) as caught:
        load_project([str(tmp_path / "compose.yaml")], environ={})
    assert '"not-a-port" is not a valid port' in str(caught.value)


@pytest.mark.parametrize("entry", ['DB_PASSWORD: "ab${cd"', '- "DB_PASSWORD=ab${cd"'])
def test_interpolation_errors_do_not_quote_a_secret_entry(tmp_path: Path, entry: str) -> None:
    compose = f"services:\n  web:\n    image: nginx\n    environment:\n      {entry}\n"
    write(tmp_path, {"compose.yaml": compose})
    with pytest.raises(InputError) as caught:
        load_project([str(tmp_path / "compose.yaml")], environ={})
    message = str(caught.value)
    assert "${cd" not in message
    assert "compose.yaml:5:" in message
    assert f"invalid interpolation format {REDACTED}: missing closing }}" in message


def test_interpolation_errors_quote_ordinary_text(tmp_path: Path) -> None:
    compose = 'services:\n  web:\n    image: nginx\n    environment:\n      GREETING: "hi${cd"\n'
    write(tmp_path, {"compose.yaml": compose})
    with pytest.raises(InputError, match=r"invalid interpolation format '\$\{cd'"):
        load_project([str(tmp_path / "compose.yaml")], environ={})


# -- b) env-file syntax errors do not quote secret values ----------------------------------------


def test_unterminated_secret_value_in_a_service_env_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.env": f'A=1\nDB_PASSWORD="{PHRASE}\n',
            "compose.yaml": "services:\n  web:\n    image: nginx:1\n    env_file: app.env\n",
        },
    )
    result = kconv(tmp_path, "convert")
    assert result.exit_code == 2
    assert "horse" not in result.output
    assert (
        f'app.env:2: unterminated quoted value: no closing " for DB_PASSWORD={REDACTED}'
        in result.stderr
    )


@pytest.mark.parametrize("quote", ['"', "'"])
def test_unterminated_secret_value(quote: str) -> None:
    message = dotenv_error(f"A=1\nDB_PASSWORD={quote}{PHRASE}\n")
    assert PHRASE not in message
    assert message == (
        f"app.env:2: unterminated quoted value: no closing {quote} for DB_PASSWORD={REDACTED}"
    )


def test_unterminated_credential_shaped_value_under_any_name() -> None:
    message = dotenv_error(f'GREETING="{GITHUB_TOKEN}\n')
    assert GITHUB_TOKEN not in message
    assert message.startswith("app.env:1: unterminated quoted value")


def test_unterminated_ordinary_value_is_still_quoted() -> None:
    message = dotenv_error('A=1\nGREETING="hello\n')
    assert message == 'app.env:2: unterminated quoted value: no closing " for "hello'


def test_text_after_the_closing_quote_of_a_secret() -> None:
    message = dotenv_error('DB_PASSWORD="abc"hunter2hunter2\n')
    assert "hunter2" not in message
    assert message == (
        f"app.env:1: unexpected text {REDACTED} after the closing quote "
        "(only a # comment may follow)"
    )


def test_bad_character_in_a_secret_line() -> None:
    message = dotenv_error(f"A=1\nDB$PASSWORD={SECRET}\n")
    assert SECRET not in message
    assert (
        message == f"app.env:2: unexpected character '$' in variable name 'DB$PASSWORD={REDACTED}'"
    )


def test_a_credential_pasted_as_a_line() -> None:
    message = dotenv_error(f"A=1\n{GITHUB_TOKEN} x\n")
    assert GITHUB_TOKEN not in message
    assert message.startswith("app.env:2: variable name")


def test_a_credential_pasted_as_a_raw_line() -> None:
    message = dotenv_error(f"A=1\n{GITHUB_TOKEN} x\n", raw=True)
    assert GITHUB_TOKEN not in message
    assert message == f"app.env:2: variable name {REDACTED} cannot contain spaces"


def test_bad_interpolation_in_a_secret_value() -> None:
    message = dotenv_error("DB_PASSWORD=hunter2${x\n")
    assert "hunter2" not in message
    assert message.startswith(f"app.env:1: invalid interpolation format {REDACTED}: missing")


def test_required_variable_message_does_not_echo_an_earlier_secret() -> None:
    message = dotenv_error(f"DB_PASSWORD={SECRET}\nB=${{NEED:?$DB_PASSWORD}}\n")
    assert SECRET not in message
    assert message == f"app.env:2: required variable NEED is missing a value: {REDACTED}"


# -- c) conversion notes and warnings redact what `kconv config` redacts -------------------------


USER = 'services:\n  web:\n    image: nginx\n    user: "${DB_PASSWORD}"\n'


def test_convert_notes_redact_an_interpolated_secret(tmp_path: Path) -> None:
    compose = (
        "services:\n  web:\n    image: nginx\n    environment:\n"
        '      DB_PASSWORD: "${DB_PASSWORD}"\n    user: "${DB_PASSWORD}"\n'
    )
    write(tmp_path, {"compose.yaml": compose})
    result = kconv(tmp_path, "convert", "-o", "out.yaml", env={"DB_PASSWORD": SECRET})
    assert result.exit_code == 0, result.output
    assert SECRET not in result.stderr
    assert (
        f"compose.yaml:6:5: warning: service 'web': user '{REDACTED}' is not numeric"
        in result.stderr
    )


@pytest.mark.parametrize(
    "command", [("config",), ("convert", "--no-lint", "-o", "out.yaml")], ids=["config", "convert"]
)
def test_a_secret_used_only_outside_environment_is_redacted(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    write(tmp_path, {".env": f"DB_PASSWORD={SECRET}\n", "compose.yaml": USER})
    result = kconv(tmp_path, *command)
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert REDACTED in result.output


def test_project_secret_values_hold_interpolated_secrets(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": USER.replace("nginx", "nginx:${TAG}")})
    project = load_project(
        [str(tmp_path / "compose.yaml")],
        environ={"DB_PASSWORD": SECRET, "TAG": "1.27", "UNUSED_TOKEN": "t0ken-not-used"},
    )
    assert SECRET in project.secret_values
    assert "1.27" not in project.secret_values
    assert "t0ken-not-used" not in project.secret_values  # not interpolated: not in outputs


def test_convert_notes_redact_the_project_secret_values(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": USER})
    project = load_project([str(tmp_path / "compose.yaml")], environ={"DB_PASSWORD": SECRET})
    notes = [str(note) for note in convert(project).notes]
    assert not any(SECRET in note for note in notes)
    assert any("user '<redacted>' is not numeric" in note for note in notes)


def test_warnings_redact_the_project_secret_values(tmp_path: Path) -> None:
    compose = 'services:\n  web:\n    image: nginx\n    volumes: ["${DB_PASSWORD}:/data"]\n'
    write(tmp_path, {"compose.yaml": compose})
    project = load_project([str(tmp_path / "compose.yaml")], environ={"DB_PASSWORD": SECRET})
    assert project.warnings
    assert not any(SECRET in warning for warning in project.warnings)
    assert f'services.web.volumes[0]: "{REDACTED}" is not defined' in project.warnings[0]


def test_notes_redact_the_secrets_they_are_given_and_credentials() -> None:
    notes = Notes(secrets=frozenset({SECRET}))
    where = Location("compose.yaml", 3, 5)
    notes.warn(f"user {SECRET!r} is not numeric", where)
    notes.info(f"pid {SECRET!r} has no equivalent", where)
    notes.warn(f"image {GITHUB_TOKEN!r}", where)
    assert [note.message for note in notes.items] == [
        f"user '{REDACTED}' is not numeric",
        f"pid '{REDACTED}' has no equivalent",
        f"image '{REDACTED}'",
    ]
    assert notes.items[0].location == where


def test_convert_errors_do_not_quote_secret_values(tmp_path: Path) -> None:
    compose = (
        "services:\n  web:\n    image: nginx\n"
        "    labels:\n      kompose.service.type: ${DB_PASSWORD}\n"
    )
    write(tmp_path, {"compose.yaml": compose})
    project = load_project([str(tmp_path / "compose.yaml")], environ={"DB_PASSWORD": SECRET})
    with pytest.raises(InputError) as caught:
        convert(project)
    assert SECRET not in str(caught.value)
    assert "kompose.service.type" in str(caught.value) and REDACTED in str(caught.value)


# -- the shared mechanism ----------------------------------------------------------------------


def test_scrub_hides_known_and_credential_shaped_values() -> None:
    text = f"a {SECRET} b '{GITHUB_TOKEN}' c 'ordinary value'"
    assert scrub(text, {SECRET}) == f"a {REDACTED} b '{REDACTED}' c 'ordinary value'"


def test_scrubbed_keeps_the_error_class_and_its_attributes() -> None:
    error = YamlSyntaxError(f"bad {SECRET}", Location("compose.yaml", 1, 2), [])
    clean = scrubbed(error, {SECRET})
    assert type(clean) is YamlSyntaxError
    assert str(clean) == f"compose.yaml:1:2: bad {REDACTED}"
    assert clean.documents == []
    untouched = InputError("nothing secret", None)
    assert scrubbed(untouched, {SECRET}) is untouched
