"""Commands of the web edge: serve (the dashboard and the JSON/CSV API) and report (one self-contained HTML file)."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from .. import store
from ..errors import StoreError, UsageError
from ..export.staging import check_target
from ..nlformat import nl_number
from ..remote import read_connection
from ..settings import load_settings
from .common import DbOption, app, db_path, edge


@app.command("serve", rich_help_panel="Dashboard en rapport")
@edge
def serve_cmd(db: DbOption = None,
              host: Annotated[str | None, typer.Option(help="Address to bind (default: setting 'host', "
                                                            "127.0.0.1).")] = None,
              port: Annotated[int | None, typer.Option(help="Port (default: setting 'port', 8000).")] = None,
              ) -> None:
    """Serve the dashboard and the JSON/CSV API over the database; with setting serve_hosts_jobs (default) the
    server also runs the writing jobs (ingest, update, rebuild) that reach it over a socket beside the database."""
    import uvicorn

    from ..web.app import create_app

    settings = load_settings(overrides={"host": host, "port": port})
    database, bind, at = db_path(db), str(settings["host"]), int(settings["port"])
    if not 0 < at < 65536:
        raise UsageError(f"port {at}", expected="1-65535")
    token = str(settings["write_token"]) or None
    if bind not in {"127.0.0.1", "localhost", "::1"}:
        typer.echo(f"Let op: de server luistert op {bind}, niet alleen op deze machine.", err=True)
    shown = f"[{bind}]" if ":" in bind else bind
    if not settings["serve_hosts_jobs"]:
        store.connect(database, read_only=True).close()  # fail early, with the CLI's message, on a bad database
        typer.echo(f"digibudget: http://{shown}:{at}/ (database {database}, alleen lezen; Ctrl-C stopt)")
        uvicorn.run(create_app(database, write_token=token), host=bind, port=at, log_level="warning")
        return
    from .. import jobs

    if not Path(database).exists():
        raise StoreError(f"database {database} bestaat niet", expected="eerst 'digibudget ingest' of 'digibudget demo'")
    # uvicorn stops gracefully on SIGTERM and then raises the signal again: end with SystemExit instead of the
    # default handler, so that the socket is removed and the file closed
    signal.signal(signal.SIGTERM, _exit)
    with jobs.hosting(database) as hosted:  # the socket is removed and the file closed when the server stops
        app_ = create_app(database, write_token=token, shared=hosted.con, stamper=hosted.stamp)
        typer.echo(f"digibudget: http://{shown}:{at}/ (database {database}; schrijvende taken lopen via deze "
                   "server; Ctrl-C stopt)")
        uvicorn.run(app_, host=bind, port=at, log_level="warning")


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit  # exit status 0: a requested stop


@app.command("report", rich_help_panel="Dashboard en rapport")
@edge
def report_cmd(output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
               moment: Annotated[str | None, typer.Option(help="Budget moment, e.g. 2017-OWB (default: "
                                                               "latest broad).")] = None,
               db: DbOption = None) -> None:
    """Write one self-contained HTML report (overview, integrated table, mutations, overlap, open questions)."""
    from ..web.report import build_report

    if output.suffix.lower() not in {".html", ".htm"}:
        raise UsageError(f"uitvoer {output}", expected="een bestandsnaam die eindigt op .html")
    check_target(output)  # before the report is built: a missing folder is said at once
    con = read_connection(db_path(db))
    try:
        html = build_report(con, moment)
    finally:
        con.close()
    output.write_text(html, encoding="utf-8")
    typer.echo(f"Geschreven: {output} ({nl_number(len(html.encode()) // 1024)} kB)")
