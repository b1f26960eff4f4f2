"""Settings declared once, as data.

Each setting has a name, a type, a default, a help text (English, for the developer documentation) and the Dutch
explanation a user reads (``uitleg``). The same declarations drive validation, the CLI `settings` command (Dutch)
and the documentation (a test checks docs/settings.md lists every one, and that the CLI shows no English).
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
    uitleg: str  # the help in Dutch: what `digibudget settings` shows

    @property
    def env_var(self) -> str:
        return "DIGIBUDGET_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("database", str, "digibudget.duckdb", "Path of the DuckDB database file.",
            "Pad van het DuckDB-databasebestand."),
    Setting("data_dir", str, "", "Folder of bundled source data; empty means the data shipped in the repository.",
            "Map met meegeleverde brondata; leeg betekent de data die met de repository meekomt."),
    Setting("fetch_base_url", str, "https://www.rijksfinancien.nl/sites/default/files/bestanden/open_data/",
            "Base URL of the rijksfinancien.nl open-data bulk files.",
            "Basisadres van de open-data-bulkbestanden van rijksfinancien.nl."),
    Setting("tk_odata_url", str, "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/",
            "Base URL of the Tweede Kamer open-data OData API.",
            "Basisadres van de OData-API met open data van de Tweede Kamer."),
    Setting("download_dir", str, "var/downloads", "Folder where fetched files are stored.",
            "Map waarin opgehaalde bestanden worden bewaard."),
    Setting("http_timeout", float, 30.0, "Timeout in seconds for one HTTP request.",
            "Wachttijd in seconden voor één HTTP-verzoek."),
    Setting("http_retries", int, 4, "How many times a failed download is retried.",
            "Hoe vaak een mislukte download opnieuw wordt geprobeerd."),
    Setting("host", str, "127.0.0.1", "Address the web server binds to.",
            "Adres waarop de webserver luistert."),
    Setting("port", int, 8000, "Port the web server listens on.",
            "Poort waarop de webserver luistert."),
    Setting("job_memory_limit", str, "800MB",
            "DuckDB memory limit of a job that writes (ingest, build, reclassify); beyond it DuckDB spills to disk, "
            "so national-scale data (millions of rows) loads within 1.5 GB of memory: DuckDB allocates about "
            "600 MB beyond this limit at 10M rows (bench/NOTES.md).",
            "Geheugengrens van DuckDB voor een taak die schrijft (ingest, build, reclassify); daarboven schrijft "
            "DuckDB naar schijf, zodat data op rijksniveau (miljoenen rijen) laadt binnen 1,5 GB geheugen: bij 10 "
            "miljoen rijen gebruikt DuckDB ongeveer 600 MB boven deze grens (bench/NOTES.md)."),
    Setting("write_in_place", bool, True,
            "A writing job on an existing database writes in the file itself, inside its own transactions, when no "
            "other process has the file open (no copy of the whole file); otherwise, or when false, it works on a "
            "copy and swaps it in (docs/updates.md).",
            "Een schrijvende taak op een bestaande database schrijft in het bestand zelf, in eigen transacties, als "
            "geen ander proces het bestand open heeft (geen kopie van het hele bestand); anders, of bij false, werkt "
            "de taak op een kopie die daarna wordt omgewisseld (docs/updates.md)."),
    Setting("serve_hosts_jobs", bool, True,
            "The web server (digibudget serve) opens the database for writing and runs the writing jobs itself "
            "(ingest, update, rebuild) that reach it through a socket beside the database: no copy of the whole file "
            "per job, readers see the state before or after a job. When false the server opens the database read-only "
            "and a job works on a copy that is swapped in afterwards (docs/updates.md).",
            "De server (digibudget serve) opent de database om te schrijven en voert zelf de schrijvende taken uit "
            "(ingest, update, rebuild) die hem via een socket naast de database bereiken: geen kopie van het hele "
            "bestand per taak, lezers zien de stand voor of na een taak. Bij false opent de server de database alleen "
            "om te lezen en werkt een taak op een kopie die daarna wordt omgewisseld (docs/updates.md)."),
    Setting("serve_memory_limit", str, "512MB",
            "DuckDB memory limit of the web server's read-only connection (bounds its caches).",
            "Geheugengrens van DuckDB voor de alleen-lezen-verbinding van de webserver (begrenst zijn caches)."),
    Setting("serve_job_reserve", str, "384MB",
            "DuckDB memory the web server keeps for its readers while it runs a writing job itself "
            "(serve_hosts_jobs): the limit of its one DuckDB instance is then job_memory_limit plus this. The "
            "server hosting a job at 10M rows peaked at 1,502 MB with 512MB, 1,381 MB with 384MB and 1,248 MB with "
            "256MB (bench/NOTES.md).",
            "Geheugen van DuckDB dat de webserver voor zijn lezers vasthoudt terwijl hij zelf een schrijvende taak "
            "uitvoert (serve_hosts_jobs): de grens van zijn ene DuckDB-instantie is dan job_memory_limit plus dit. De "
            "server die een taak op 10 miljoen rijen uitvoerde, piekte op 1.502 MB met 512MB, 1.381 MB met 384MB en "
            "1.248 MB met 256MB (bench/NOTES.md)."),
    Setting("serve_max_queries", int, 4,
            "Requests the web server lets query the database at the same time (others wait; answers from the "
            "response cache need no slot). Bounds the server's memory right after a job swaps in a new file.",
            "Aantal verzoeken dat de webserver tegelijk de database laat bevragen (de rest wacht; antwoorden uit de "
            "antwoordcache hebben geen plaats nodig). Begrenst het geheugen van de server direct nadat een taak een "
            "nieuw bestand heeft ingewisseld."),
    Setting("serve_cache_mb", int, 64,
            "Memory for whole API responses the web server reuses while the database file is unchanged; 0 disables.",
            "Geheugen voor hele API-antwoorden die de webserver hergebruikt zolang het databasebestand niet "
            "verandert; 0 schakelt dit uit."),
    Setting("max_line_bytes", int, 1_000_000,
            "Longest line of a CSV file that is read (bytes); a longer one is refused naming its row, so no line "
            "(a flood without line breaks, a sparse file) is held in memory whole.",
            "Langste regel van een CSV-bestand die wordt gelezen (bytes); een langere wordt geweigerd met vermelding "
            "van de rij, zodat geen regel (een stroom zonder regeleinden, een dun bestand) in zijn geheel in het "
            "geheugen staat."),
    Setting("max_cells", int, 500_000,
            "Most cells of one CSV file read by the row-by-row readers (a load at the limit peaks near 0.85 GB); a "
            "larger file is refused (the bulk files "
            "of rijksfinancien.nl load set-based in DuckDB and are not limited by it).",
            "Hoogste aantal cellen van één CSV-bestand dat de lezers die rij voor rij werken inlezen (een bestand op "
            "de grens piekt rond 0,85 GB); een groter bestand wordt geweigerd (de bulkbestanden van rijksfinancien.nl "
            "laden in DuckDB in één keer en vallen niet onder deze grens)."),
    Setting("max_json_mb", int, 10,
            "Largest JSON table that is read, in MB (it is parsed whole); the published ones are about 1.5 MB.",
            "Grootste JSON-tabel die wordt gelezen, in MB (ze wordt in zijn geheel verwerkt); de gepubliceerde zijn "
            "ongeveer 1,5 MB."),
    Setting("max_document_mb", int, 25,
            "Largest parliamentary document (docx, pdf, xml or text) that is parsed, in MB, measured as the "
            "document's text after unpacking: a small .docx can unpack to hundreds of MB.",
            "Grootste parlementaire document (docx, pdf, xml of tekst) dat wordt verwerkt, in MB, gemeten als de "
            "tekst van het document na uitpakken: een klein .docx-bestand kan tot honderden MB uitpakken."),
    Setting("max_paragraphs", int, 200_000,
            "Most paragraphs (and table rows) of one parliamentary document that are parsed.",
            "Hoogste aantal alinea's (en tabelrijen) van één parlementair document dat wordt verwerkt."),
    Setting("write_token", str, "", "Token required by endpoints that write; empty disables writing over HTTP.",
            "Token dat nodig is voor endpoints die schrijven; leeg schakelt schrijven via HTTP uit."),
    Setting("overrides_file", str, "",
            "Reviewed classification decisions (TOML); empty means decisions.toml next to the database.",
            "Beoordeelde classificatiebesluiten (TOML); leeg betekent decisions.toml naast de database."),
    Setting("themes_file", str, "",
            "Themes and classification rules (TOML); empty means the themes.toml shipped in the package.",
            "Thema's en classificatieregels (TOML); leeg betekent de themes.toml die met het pakket meekomt."),
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
