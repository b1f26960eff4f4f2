"""The command line's own words in Dutch: what Typer (and the Click it is built on) prints around our help texts and
for a wrong command line ("Usage:", "Options", "Show this message and exit.", "Missing option", "No such command",
"Invalid value", ...).

Three pieces, all put in place by the classes the app is built with (``DutchTyper``), so ``digibudget`` and a test's
``CliRunner().invoke(app, ...)`` print the same Dutch:

- ``DutchCommand`` / ``DutchGroup``: the usage line ("Gebruik: digibudget table [OPTIES]"), the help option's text, the
  type shown beside each option (``<tekst>``, ``<getal>``), and every usage error translated before it is shown;
- ``PANEL_WORDS``: the panel titles and markers Typer's Rich help reads from module-level names ("Opties",
  "[standaard: ...]", "[verplicht]", the "Fout" panel);
- ``usage_error_nl``: the translation of an error text, by pattern, with a general Dutch sentence for what no
  pattern knows (never the English text).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import typer
import typer.rich_utils
from typer.core import TyperCommand, TyperGroup

from .help_nl import dutch

HELP_OPTION_NL = "Toon deze hulp en stop."
OPTIONS_NL = "[OPTIES]"
SUBCOMMAND_NL = "COMMANDO [ARGUMENTEN]..."
USAGE_NL = "Gebruik: "

# module-level names in typer.rich_utils that hold the words of the Rich help and error panels
PANEL_WORDS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": "Argumenten",
    "OPTIONS_PANEL_TITLE": "Opties",
    "COMMANDS_PANEL_TITLE": "Commando's",
    "ERRORS_PANEL_TITLE": "Fout",
    "ABORTED_TEXT": "Afgebroken.",
    "RICH_HELP": "Zie [blue]'{command_path} {help_option}'[/] voor hulp.",
    "DEFAULT_STRING": "[standaard: {}]",
    "ENVVAR_STRING": "[omgevingsvariabele: {}]",
    "REQUIRED_LONG_STRING": "[verplicht]",
    "DEPRECATED_STRING": "(verouderd) ",
}

# the type shown beside an option in --help
TYPES_NL: dict[str, str] = {"str": "tekst", "int": "geheel getal", "float": "getal", "bool": "ja/nee",
                            "path": "pad", "list[str]": "tekst...", "list[int]": "geheel getal...",
                            "list[path]": "pad..."}

# the reason pydantic (Typer's value check) gives inside "Invalid value for X: <reason>"
_REASONS: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.I), nl) for p, nl in [
    (r"^Input should be a valid integer", "verwacht een geheel getal"),
    (r"^Input should be a valid (number|decimal)", "verwacht een getal"),
    (r"^Input should be a valid boolean", "verwacht ja of nee (true/false)"),
    (r"^Input should be (.+)$", "verwacht {0}"),
    (r"^(?:Value error, )?(.+) is not one of (.+?)\.?$", "{0} is geen van {1}"),
    (r"^(?:Value error, )?(?:Path|File|Directory) (.+) does not exist\.?$", "{0} bestaat niet"),
    (r"^(?:Value error, )?(.+) is not in the range (.+?)\.?$", "{0} ligt niet tussen {1}"),
]]

_MESSAGES: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.S), nl) for p, nl in [
    (r"^No such option: (\S+) \(Possible options: (.+)\)$", "onbekende optie {0} (bedoelt u: {1}?)"),
    (r"^No such option: (\S+)$", "onbekende optie {0}"),
    (r"^No such command '(.+?)'\. Did you mean (.+)\?$", "onbekend commando '{0}'; bedoelt u {1}?"),
    (r"^No such command '(.+?)'\.$", "onbekend commando '{0}'"),
    (r"^Missing argument (.+?)\.$", "argument {0} ontbreekt"),
    (r"^Missing option (.+?)\.$", "optie {0} ontbreekt"),
    (r"^Missing parameter:? ?(.*?)\.?$", "parameter {0} ontbreekt"),
    (r"^Option '(.+?)' requires an argument\.$", "optie '{0}' vraagt een waarde"),
    (r"^Option '(.+?)' requires (\d+) arguments\.$", "optie '{0}' vraagt {1} waarden"),
    (r"^Option '(.+?)' does not take a value\.$", "optie '{0}' neemt geen waarde"),
    (r"^Argument '(.+?)' takes (\d+) values\.$", "argument '{0}' vraagt {1} waarden"),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$", "onverwachte extra argumenten ({0})"),
    (r"^Could not open file '(.+?)': (.+)$", "kan bestand '{0}' niet openen"),
]]
_INVALID = re.compile(r"^Invalid value(?: for (.+?))?: (.+)$", re.S)


def _reason_nl(reason: str) -> str:
    flat = " ".join(reason.split())
    for pattern, nl in _REASONS:
        m = pattern.match(flat)
        if m:
            return nl.format(*(g.replace(" or ", " of ") for g in m.groups()))
    return "deze waarde is niet geldig"


def usage_error_nl(message: str) -> str:
    """A usage error of the command line in Dutch; what no pattern knows becomes a general Dutch sentence."""
    text = message.strip()
    m = _INVALID.match(text)
    if m:
        where = f" voor {m.group(1)}" if m.group(1) else ""
        return f"ongeldige waarde{where}: {_reason_nl(m.group(2))}"
    for pattern, nl in _MESSAGES:
        m = pattern.match(text)
        if m:
            return nl.format(*m.groups())
    return "deze opdrachtregel is niet te gebruiken; zie --help"


def _translated(exc: typer.BadParameter | Any) -> Any:
    """The same error, its text in Dutch (a UsageError keeps its context, so the usage line and exit code 2 stay)."""
    from typer._click.exceptions import UsageError

    if exc.__class__.__name__ == "NoArgsIsHelpError" or getattr(exc, "_nl", False):
        return exc
    nl = UsageError(usage_error_nl(exc.format_message()), getattr(exc, "ctx", None))
    nl.exit_code = exc.exit_code
    nl._nl = True  # type: ignore[attr-defined]
    return nl


def _dutch_type(param: Any) -> None:
    """Show the type beside an option or argument in Dutch (``<tekst>``, ``<getal>``); the usage line and parsing
    are untouched (only the displayed type is replaced, on this parameter object)."""
    english: Callable[[Any], str | None] = param.display_type_rich

    def shown(ctx: Any) -> str | None:
        text = english(ctx)
        bare = (text or "").strip("<>").lower()
        return f"<{TYPES_NL[bare]}>" if bare in TYPES_NL else text

    param.display_type_rich = shown
    param._nl = True


class _Dutch:
    """What DutchCommand and DutchGroup share (a mixin before Typer's class in the bases)."""

    options_metavar: str | None
    params: list[Any]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = [OPTIONS_NL if p == "[OPTIONS]" else SUBCOMMAND_NL if p == "COMMAND [ARGS]..." else p
                  for p in self.collect_usage_pieces(ctx)]  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_NL)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_NL
        return option

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for p in params:
            if not getattr(p, "_nl", False):
                _dutch_type(p)
        return params

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from typer._click.exceptions import ClickException

        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except ClickException as exc:
            raise _translated(exc) from None


class DutchCommand(_Dutch, TyperCommand):
    """A command whose usage line, help option and errors are Dutch, and whose help texts are their Dutch versions
    (help_nl.HELP_NL), however the command is run."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dutch(self)


class DutchGroup(_Dutch, TyperGroup):
    """A group of commands whose usage line, help option and errors are Dutch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dutch(self)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from typer._click.exceptions import ClickException

        try:
            return super().resolve_command(ctx, args)
        except ClickException as exc:
            raise _translated(exc) from None


class DutchTyper(typer.Typer):
    """A Typer app whose commands and sub-apps are built with the Dutch classes above."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", DutchGroup)
        super().__init__(**kwargs)

    def command(self, name: str | None = None, **kwargs: Any) -> Callable[[Any], Any]:
        kwargs.setdefault("cls", DutchCommand)
        return super().command(name, **kwargs)


def install() -> None:
    """Put the Dutch panel words in place (idempotent)."""
    for name, nl in PANEL_WORDS.items():
        setattr(typer.rich_utils, name, nl)


install()
