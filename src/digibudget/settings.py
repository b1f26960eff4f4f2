"""Settings declared once, as data.

Each setting has a name, a type, a default and a help text. The same declarations drive validation, the CLI
`settings` command and the documentation (a test checks docs/settings.md lists every one).
Precedence: environment variable (DIGIBUDGET_<NAME>) > settings file (digibudget.toml, [digibudget] table) > default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SettingsError, reason


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str

    @property
    def env_var(self) -> str:
        return "DIGIBUDGET_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("database", str, "digibudget.duckdb", "Path of the DuckDB database file."),
    Setting("data_dir", str, "", "Folder of bundled source data; empty means the data shipped in the repository."),
    Setting("fetch_base_url", str, "https://www.rijksfinancien.nl/sites/default/files/bestanden/open_data/",
            "Base URL of the rijksfinancien.nl open-data bulk files."),
    Setting("tk_odata_url", str, "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/",
            "Base URL of the Tweede Kamer open-data OData API."),
    Setting("download_dir", str, "var/downloads", "Folder where fetched files are stored."),
    Setting("http_timeout", float, 30.0, "Timeout in seconds for one HTTP request."),
    Setting("http_retries", int, 4, "How many times a failed download is retried."),
    Setting("host", str, "127.0.0.1", "Address the web server binds to."),
    Setting("port", int, 8000, "Port the web server listens on."),
    Setting("job_memory_limit", str, "800MB",
            "DuckDB memory limit of a job that writes (ingest, build, reclassify); beyond it DuckDB spills to disk, "
            "so national-scale data (millions of rows) loads within 1.5 GB of memory: DuckDB allocates about "
            "600 MB beyond this limit at 10M rows (bench/NOTES.md)."),
    Setting("write_in_place", bool, True,
            "A writing job on an existing database writes in the file itself, inside its own transactions, when no "
            "other process has the file open (no copy of the whole file); otherwise, or when false, it works on a "
            "copy and swaps it in (docs/updates.md)."),
    Setting("serve_hosts_jobs", bool, True,
            "De server (digibudget serve) opent de database om te schrijven en voert zelf de schrijvende taken "
            "uit (ingest, update, rebuild) die hem via een socket naast de database bereiken: geen kopie van het "
            "hele bestand per taak, lezers zien de stand voor of na een taak. Bij false opent de server de "
            "database alleen om te lezen en werkt een taak op een kopie die daarna wordt omgewisseld "
            "(docs/updates.md)."),
    Setting("serve_memory_limit", str, "512MB",
            "DuckDB memory limit of the web server's read-only connection (bounds its caches)."),
    Setting("serve_job_reserve", str, "384MB",
            "DuckDB memory the web server keeps for its readers while it runs a writing job itself "
            "(serve_hosts_jobs): the limit of its one DuckDB instance is then job_memory_limit plus this. The "
            "server hosting a job at 10M rows peaked at 1,502 MB with 512MB, 1,381 MB with 384MB and 1,248 MB with "
            "256MB (bench/NOTES.md)."),
    Setting("serve_max_queries", int, 4,
            "Requests the web server lets query the database at the same time (others wait; answers from the "
            "response cache need no slot). Bounds the server's memory right after a job swaps in a new file."),
    Setting("serve_cache_mb", int, 64,
            "Memory for whole API responses the web server reuses while the database file is unchanged; 0 disables."),
    Setting("max_line_bytes", int, 1_000_000,
            "Longest line of a CSV file that is read (bytes); a longer one is refused naming its row, so no line "
            "(a flood without line breaks, a sparse file) is held in memory whole."),
    Setting("max_cells", int, 500_000,
            "Most cells of one CSV file read by the row-by-row readers (a load at the limit peaks near 0.85 GB); a "
            "larger file is refused (the bulk files "
            "of rijksfinancien.nl load set-based in DuckDB and are not limited by it)."),
    Setting("max_json_mb", int, 10,
            "Largest JSON table that is read, in MB (it is parsed whole); the published ones are about 1.5 MB."),
    Setting("max_document_mb", int, 25,
            "Largest parliamentary document (docx, pdf, xml or text) that is parsed, in MB, measured as the "
            "document's text after unpacking: a small .docx can unpack to hundreds of MB."),
    Setting("max_paragraphs", int, 200_000,
            "Most paragraphs (and table rows) of one parliamentary document that are parsed."),
    Setting("write_token", str, "", "Token required by endpoints that write; empty disables writing over HTTP."),
    Setting("overrides_file", str, "",
            "Reviewed classification decisions (TOML); empty means decisions.toml next to the database."),
    Setting("themes_file", str, "",
            "Themes and classification rules (TOML); empty means the themes.toml shipped in the package."),
)

_BY_NAME = {s.name: s for s in SETTINGS}
_TYPE_NL = {str: "tekst", int: "een geheel getal", float: "een getal", bool: "ja of nee (true/false)"}
SETTINGS_FILE = "digibudget.toml"


def _coerce(setting: Setting, raw: Any, origin: str) -> Any:
    try:
        if setting.type is bool and isinstance(raw, str):
            return raw.strip().lower() in {"1", "true", "yes", "ja"}
        return setting.type(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(
            f"instelling '{setting.name}' uit {origin} heeft waarde {raw!r}", expected=_TYPE_NL[setting.type]
        ) from exc


def load_settings(file: Path | None = None, env: dict[str, str] | None = None,
                  overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Resolve every setting: explicit overrides > environment > settings file > default."""
    env = dict(os.environ) if env is None else env
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = file if file is not None else Path(SETTINGS_FILE)
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("digibudget", {})
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"instellingenbestand {path}: {reason(exc)}") from exc
        for key, raw in data.items():
            if key not in _BY_NAME:
                raise SettingsError(f"instellingenbestand {path} noemt onbekende instelling '{key}'",
                                    expected=", ".join(_BY_NAME))
            values[key] = _coerce(_BY_NAME[key], raw, str(path))
    for s in SETTINGS:
        if s.env_var in env:
            values[s.name] = _coerce(s, env[s.env_var], s.env_var)
    for key, raw in (overrides or {}).items():
        if raw is None:
            continue
        if key not in _BY_NAME:
            raise SettingsError(f"onbekende instelling '{key}'", expected=", ".join(_BY_NAME))
        values[key] = _coerce(_BY_NAME[key], raw, "de opdrachtregel")
    return values
