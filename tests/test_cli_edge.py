"""The command-line edge (issue 15 part 3): all Typer code lives in digibudget.cli, one translator turns a library
error into a Dutch line and the exit code of the error's class, and one --db option is resolved one way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digibudget import errors
from digibudget.cli import app
from digibudget.cli.common import DbOption, db_path, translate

SRC = Path(__file__).resolve().parents[1] / "src" / "digibudget"
runner = CliRunner()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_cli_package_imports_typer_or_click() -> None:
    outside = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
               if p.parent.name != "cli" and _imports(p) & {"typer", "click"}]
    assert outside == []


def test_no_literal_exit_codes_in_the_cli() -> None:
    literal = re.compile(r"Exit\(\s*(code\s*=\s*)?\d|sys\.exit\(\s*\d|SystemExit\(\s*\d")
    found = [(p.name, m.group()) for p in (SRC / "cli").glob("*.py") for m in literal.finditer(p.read_text())]
    assert found == []


def test_every_error_class_declares_its_own_exit_code() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.DigibudgetError)]
    assert errors.RuleError in classes and len(classes) >= 12
    for cls in classes:
        assert "exit_code" in vars(cls), f"{cls.__name__} inherits its exit code; declare it"
    codes = {c.__name__: c.exit_code for c in classes}
    assert codes["RuleError"] == 6 and codes["LoadedWithErrors"] == errors.EXIT_LOADED_WITH_ERRORS == 9
    assert (6, "RuleError") in {(code, name) for code, name, _ in errors.exit_codes()}


@pytest.mark.parametrize("cls", [errors.RuleError, errors.StoreError, errors.NotFoundError, errors.SchemaError])
def test_the_translator_takes_code_and_label_from_the_class(cls: type[errors.DigibudgetError]) -> None:
    exc = cls("regel 3 is onbekend", location=errors.Location("a.csv", 4, "Bedrag"), expected="een getal")
    assert translate(exc) == ("Fout: a.csv, rij 4, kolom 'Bedrag': regel 3 is onbekend (verwacht: een getal)",
                              cls.exit_code)


def test_every_db_option_is_the_shared_one() -> None:
    from typer.main import get_command

    def walk(cmd: object, name: str) -> list[tuple[str, object]]:
        out = [(f"{name} {p.name}", p) for p in getattr(cmd, "params", []) if "--db" in getattr(p, "opts", [])]
        for sub_name, sub in getattr(cmd, "commands", {}).items():
            out += walk(sub, f"{name} {sub_name}")
        return out

    found = walk(get_command(app), "digibudget")
    assert len(found) >= 20
    helps = {str(getattr(p, "help", "")) for _, p in found}
    from digibudget.cli.help_nl import HELP_NL

    assert helps == {HELP_NL[DbOption.__metadata__[0].help]}


def test_db_resolves_from_the_option_else_the_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIGIBUDGET_DATABASE", str(tmp_path / "env.duckdb"))
    assert db_path(None) == str(tmp_path / "env.duckdb")
    assert db_path("x.duckdb") == "x.duckdb"


def test_a_docx_draft_without_output_is_a_usage_error(tmp_path: Path) -> None:
    doc = tmp_path / "vragen.txt"
    doc.write_text("1\nHoeveel?\n", encoding="utf-8")
    out = runner.invoke(app, ["docs", "draft", str(doc), "--db", str(tmp_path / "x.duckdb"), "--format", "docx"])
    assert out.exit_code == errors.UsageError.exit_code == 2
    assert "Fout: --output is verplicht voor docx" in out.output


def test_every_package_imported_directly_is_declared() -> None:
    import sys
    import tomllib
    from importlib.metadata import packages_distributions

    declared = {re.split(r"[<>=\[ ;]", d)[0].lower().replace("_", "-")
                for d in tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text())["project"]["dependencies"]}
    dists = packages_distributions()
    imported = set().union(*(_imports(p) for p in SRC.rglob("*.py"))) - set(sys.stdlib_module_names) - {"digibudget"}
    missing = sorted(m for m in imported if not {d.lower() for d in dists.get(m, [m])} & declared)
    assert missing == []


def test_the_cli_reference_is_generated_with_every_exit_code_and_command() -> None:
    from digibudget.cli import reference

    text = reference.cli_md()
    assert "| 6 | `RuleError` |" in text and "| 9 | `LoadedWithErrors` |" in text
    assert "### `digibudget docs draft`" in text and "| `--db` | tekst |  | Databasebestand" in text
    reference.NOTES["geen-commando"] = "x"
    try:
        with pytest.raises(KeyError, match="geen-commando"):
            reference.cli_md()
    finally:
        del reference.NOTES["geen-commando"]


def test_an_os_error_no_check_caught_is_a_dutch_line_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    from digibudget.cli.common import edge

    @edge
    def writes() -> None:
        raise PermissionError(13, "Permission denied", "/data/uit.csv")

    with pytest.raises(typer.Exit) as exited:
        writes()
    assert exited.value.exit_code == errors.FileAccessError.exit_code == 1
    assert capsys.readouterr().err.strip() == "Fout: /data/uit.csv: geen toegang (rechten)"

    @edge
    def closed_pipe() -> None:  # `digibudget lines | head`: the reader left; nothing to say on stderr
        raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(BrokenPipeError):
        closed_pipe()


def test_outputs_into_a_missing_folder_are_refused_before_any_work(tmp_path: Path, bundled_db: Path) -> None:
    doc = tmp_path / "vragen.txt"
    doc.write_text("1\nHoeveel?\n", encoding="utf-8")
    missing = tmp_path / "bestaat-niet"
    for args in (["report", "--db", str(bundled_db), "-o", str(missing / "r.html")],
                 ["docs", "draft", str(doc), "--db", str(bundled_db), "-o", str(missing / "c.md")]):
        out = runner.invoke(app, args)
        assert out.exit_code == errors.UsageError.exit_code, out.output
        assert f"Fout: map {missing} bestaat niet (verwacht: een bestaande map voor de uitvoer)" in out.output
        assert "Traceback" not in out.output and not missing.exists()


def test_a_folder_is_named_as_a_folder_and_an_empty_one_is_not_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "leeg"
    folder.mkdir()
    (folder / "notities.txt").write_text("geen tabel", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    out = runner.invoke(app, ["ingest", "--db", str(db), str(folder)])
    assert out.exit_code == errors.SourceError.exit_code, out.output
    assert "leeg: de map bevat geen bestanden die digibudget kan inlezen (verwacht: bestanden met .csv" in out.output
    out = runner.invoke(app, ["classify", str(folder)])
    assert out.exit_code == 3 and "leeg: dit is een map (verwacht: een CSV- of JSON-bestand)" in out.output
    out = runner.invoke(app, ["docs", "parse", str(folder)])
    assert out.exit_code == errors.DocumentError.exit_code and "leeg: dit is een map" in out.output


def test_a_wrong_extension_says_what_the_content_is_in_dutch(tmp_path: Path) -> None:
    fake = tmp_path / "antwoord.docx"
    fake.write_bytes(b"\x00\x01\x02binary" * 50)
    out = runner.invoke(app, ["docs", "parse", str(fake)])
    assert out.exit_code == 7
    assert "de bestandsnaam zegt docx, maar de inhoud is binaire gegevens, geen tekst" in out.output
    fake.write_text("1\nHoeveel?\n", encoding="utf-8")
    assert "maar de inhoud is platte tekst" in runner.invoke(app, ["docs", "parse", str(fake)]).output


def test_a_cut_off_database_is_a_dutch_line_not_a_traceback(tmp_path: Path, bundled_db: Path) -> None:
    cut = tmp_path / "afgebroken.duckdb"  # a copy that stopped at a quarter
    data = bundled_db.read_bytes()
    cut.write_bytes(data[: len(data) // 4])
    out = runner.invoke(app, ["table", "--db", str(cut)])
    assert out.exit_code == errors.StoreError.exit_code == 4, out.output
    assert out.output.startswith("Fout: de database kon niet worden gelezen of geschreven (") and \
        "Traceback" not in out.output and "maak haar opnieuw met 'digibudget demo'" in out.output
