"""The analyses behind a draft answer (parliament.draft): each writes Dutch sentences in which every figure is in
euros, written the Dutch way, followed by its budget moment and source cell; a change without evidence of its type is
called unexplained. What the data does not hold is said, with the moments it does hold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb

from ..analyze.coverage import moment_label
from ..vocab import nl_amount, publication_key
from .draft_model import STATUS_NO_FIGURES, STATUS_NOT_ANSWERABLE, STATUS_WITH_FIGURES, Draft, Entities, Figure, norm

MAX_LINES = 12


def euro(value_k: Decimal, *, signed: bool = False) -> str:
    """An amount in x € 1.000 as euros in text: € 89.932.000, -€ 8.500.000 (and +€ 12.300.000 when ``signed``)."""
    value = Decimal(value_k) * 1000
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    return f"{sign}€ {nl_amount(abs(value))}"


def _cell(file: str, row: Any, column: Any) -> str:
    return f"{file}, rij {row}, kolom '{column}'" if row is not None else file


def _lines_where(ent: Entities) -> tuple[str, dict[str, Any]]:
    """A predicate over budget_line l for what the question names (posts, executors, places, chapters)."""
    params: dict[str, Any] = {
        "posts": [p for p in ent.posts] or None, "execs": [i for i, _ in ent.executors] or None,
        "arts": [f"{h or ''}|{a}|{o or ''}" for h, a, o in ent.locations] or None,
        # ministries named beside an executor or post are context (who pays, who sends), not a filter
        "chapters": (ent.hoofdstukken or None) if not (ent.posts or ent.executors) else None}
    sql = """l.duplicate_of IS NULL
        AND ($posts::VARCHAR[] IS NULL OR len(list_filter($posts, lambda p: strip_accents(lower(concat_ws(' ',
             l.regeling, l.detail, l.artikelonderdeel_naam))) LIKE '%' || strip_accents(lower(p)) || '%')) > 0)
        AND ($execs::VARCHAR[] IS NULL OR l.line_id IN (SELECT line_id FROM line_executor
                                                        WHERE list_contains($execs, executor_id)))
        AND ($arts::VARCHAR[] IS NULL OR len(list_filter($arts, lambda x:
             (split_part(x, '|', 1) = '' OR split_part(x, '|', 1) = l.hoofdstuk) AND split_part(x, '|', 2) = l.artikel
             AND (split_part(x, '|', 3) = '' OR regexp_replace(coalesce(l.artikelonderdeel, ''), '^\\d+\\.', '')
                  = split_part(x, '|', 3)))) > 0)
        AND ($chapters::VARCHAR[] IS NULL OR list_contains($chapters, l.hoofdstuk))"""
    return sql, params


def _figures(con: duckdb.DuckDBPyConnection, ent: Entities, *, totals: bool) -> list[dict[str, Any]]:
    """One figure per line, moment and year (the newest publication, as analyze.selection orders sources), for the
    named lines (``totals``: article and artikelonderdeel total rows only; else detail rows only)."""
    where, params = _lines_where(ent)
    level = ("l.is_total AND l.niveau IN ('artikel', 'artikelonderdeel') AND (l.regeling IS NULL "
             "OR lower(l.regeling) = 'programma-uitgaven')") if totals else "NOT l.is_total"
    sql = f"""
        SELECT l.line_id, l.line_key, l.hoofdstuk, l.artikel, l.artikelonderdeel, l.instrument,
               coalesce(l.regeling, l.artikelonderdeel_naam, l.artikel_naam, '') AS naam, l.vuo,
               a.moment_jaar, a.fase, a.jaar, a.value_k, a.measure, s.file_name, a.source_row, a.source_column
        FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)
        WHERE {where} AND {level} AND a.measure IN ('stand', 'realisatie') AND l.vuo = 'U'
        QUALIFY row_number() OVER (PARTITION BY l.line_key, a.moment_jaar, a.fase, a.jaar
                                   ORDER BY coalesce(s.latest_moment, 0) DESC, s.sha256 DESC, a.source_row) = 1"""  # noqa: S608
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _pick_moment(rows: list[dict[str, Any]], ent: Entities) -> tuple[int, str] | None:
    """The moment named in the question; else the latest (in publication order) holding an asked year; else the
    latest of all."""
    if not rows:
        return None
    moments = {(int(r["moment_jaar"]), str(r["fase"])) for r in rows}
    if ent.moment and ent.moment in moments:
        return ent.moment
    asked = [m for m in moments if any(r["jaar"] in ent.years and (r["moment_jaar"], r["fase"]) == m for r in rows)]
    pool = asked or list(moments)
    return max(pool, key=lambda m: publication_key(*m))


def _where(r: dict[str, Any]) -> str:
    place = f"{r['hoofdstuk']} art. {r['artikel']}" + (f", {r['artikelonderdeel']}" if r["artikelonderdeel"] else "")
    return f"{r['naam']} ({place}{', ' + r['instrument'] if r['instrument'] else ''})"


def amounts(con: duckdb.DuckDBPyConnection, d: Draft, *, totals: bool) -> None:
    """The figures of the named lines (or articles) at one moment, for the asked years (or the moment's year)."""
    ent = d.entities
    rows = _figures(con, ent, totals=totals)
    moment = _pick_moment(rows, ent)
    if moment is None:
        d.paragraphs.append("De geladen data bevat geen regel voor wat de vraag noemt" + _named(ent) + ".")
        return
    years = [y for y in ent.years if any(r["jaar"] == y for r in rows if (r["moment_jaar"], r["fase"]) == moment)]
    years = years or [moment[0]]
    chosen = [r for r in rows if (r["moment_jaar"], r["fase"]) == moment and r["jaar"] in years]
    chosen.sort(key=lambda r: (-abs(r["value_k"]), r["line_key"], r["jaar"]))
    label = moment_label(*moment)
    if ent.moment and ent.moment != moment:
        d.paragraphs.append(f"Het gevraagde moment ({moment_label(*ent.moment)}) is niet geladen voor deze regels; "
                            f"het concept gebruikt {label}.")
    missing = [y for y in ent.years if y not in years]
    if missing:
        d.paragraphs.append(f"Voor {', '.join(map(str, missing))} heeft geen geladen bron een cijfer van deze "
                            f"regels; het concept geeft {', '.join(map(str, years))} uit {label}.")
    for r in chosen[:MAX_LINES]:
        cell = _cell(r["file_name"], r["source_row"], r["source_column"])
        kind = "realisatie" if r["measure"] == "realisatie" else "stand"
        d.paragraphs.append(f"{_where(r)}, {r['jaar']}: {euro(r['value_k'])} ({kind} {label}; bron: {cell}).")
        d.figures.append(Figure(Decimal(r["value_k"]) * 1000, int(r["jaar"]), label, cell))
    if len(chosen) > MAX_LINES:
        d.paragraphs.append(f"En {len(chosen) - MAX_LINES} regels meer (zie digibudget lines).")


def _named(ent: Entities) -> str:
    parts = ent.posts + [n for _, n in ent.executors] + \
        [f"art. {a}{'.' + o if o else ''}" for _, a, o in ent.locations] + ent.hoofdstukken
    return f" ({', '.join(parts)})" if parts else ""


_TYPES = {"kasschui": "kasschuif", "overboek": "overboeking", "overgeheveld": "overboeking",
          "taakstell": "taakstelling", "amendement": "nieuwe middelen", "nota van wijziging": "nieuwe middelen"}


def changes(con: duckdb.DuckDBPyConnection, d: Draft) -> None:
    """The typed changes of the named lines (at the named moment, for the asked years)."""

    ent = d.entities
    where, params = _lines_where(ent)
    wanted = sorted({t for k, t in _TYPES.items() if k in norm(d.question)})
    cur = con.execute(f"""
        SELECT m.hoofdstuk, m.artikel, m.artikelonderdeel, m.instrument, coalesce(m.regeling, '') AS naam,
               m.fase, m.moment_jaar, m.jaar, m.value_k, m.soort, m.evidence_kind, m.confidence, m.evidence,
               s.file_name, m.source_row, m.source_column
        FROM mutation m JOIN source s USING (source_id) JOIN budget_line l ON l.line_id = m.line_id
        WHERE m.counted AND NOT m.is_part AND m.basis <> 'nieuw_jaar' AND {where}
          AND ($fase::VARCHAR IS NULL OR (m.fase = $fase AND m.moment_jaar = $mj))
          AND ($years::INTEGER[] IS NULL OR list_contains($years, m.jaar))
          AND ($types::VARCHAR[] IS NULL OR list_contains($types, m.soort))
        ORDER BY abs(m.value_k) DESC, m.mutation_id LIMIT {MAX_LINES}""",  # noqa: S608
                      {**params, "fase": ent.moment[1] if ent.moment else None,
                       "mj": ent.moment[0] if ent.moment else None, "years": ent.years or None,
                       "types": wanted or None})
    cols = [c[0] for c in cur.description]
    rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    if not rows:
        d.paragraphs.append("De geladen data bevat geen mutatie" + (f" van het type {', '.join(wanted)}" if wanted
                                                                    else "") + " voor wat de vraag noemt"
                            + _named(ent) + ".")
        amounts(con, d, totals=not (ent.posts or ent.executors))
        return
    for r in rows:
        label = moment_label(int(r["moment_jaar"]), str(r["fase"]))
        cell = _cell(r["file_name"], r["source_row"], r["source_column"])
        place = str(r["hoofdstuk"]) + (f" art. {r['artikel']}" if r["artikel"] else "") + \
            (f", {r['artikelonderdeel']}" if r["artikelonderdeel"] else "")
        how = (f"{r['soort']} (bewijs: {r['evidence_kind']}, zekerheid {nl_amount(r['confidence'])}: "
               f"{r['evidence']})" if not str(r["soort"]).startswith("onverklaard")
               else f"{r['soort']}: de data zegt niet wat voor mutatie dit is")
        d.paragraphs.append(f"{r['naam'] or r['instrument'] or place} ({place}), {label}, jaar {r['jaar']}: "
                            f"{euro(r['value_k'], signed=True)}; {how} (bron: {cell}).")
        d.figures.append(Figure(abs(Decimal(r["value_k"])) * 1000, int(r["jaar"]), label, cell))


def commitments(con: duckdb.DuckDBPyConnection, d: Draft) -> None:
    """The published split of the named article(s): each category in % and in euros of the article's uitgaven."""
    ent = d.entities
    arts: list[tuple[str | None, str | None]] = [(h, a) for h, a, _ in ent.locations] or \
        [(h, None) for h in ent.hoofdstukken]
    if not arts:
        d.paragraphs.append("De vraag noemt geen artikel of hoofdstuk; de verdeling juridisch verplicht / "
                            "bestuurlijk gebonden / vrije ruimte is per artikel gepubliceerd.")
        return
    for h, a in arts:
        rows = con.execute("""
            SELECT c.hoofdstuk, c.artikel, c.moment_jaar, c.fase, c.jaar, c.category, c.pct, c.instrument,
                   s.file_name, c.source_row, c.source_column,
                   (SELECT sum(value_k) FROM fact f WHERE f.hoofdstuk = c.hoofdstuk AND f.artikel = c.artikel
                    AND f.moment_jaar = c.moment_jaar AND f.fase = c.fase AND f.jaar = c.jaar AND f.vuo = 'U'
                    AND f.measure = 'stand' AND NOT f.is_part) AS totaal
            FROM legal_commitment c JOIN source s USING (source_id)
            WHERE ($h::VARCHAR IS NULL OR c.hoofdstuk = $h) AND ($a::VARCHAR IS NULL OR c.artikel = $a)
              AND ($years::INTEGER[] IS NULL OR list_contains($years, c.jaar))
            ORDER BY c.moment_jaar DESC, c.jaar DESC, c.instrument NULLS FIRST,
                     list_position(['juridisch_verplicht', 'complementair_noodzakelijk', 'bestuurlijk_gebonden',
                                    'beleidsmatig_gereserveerd', 'nog_niet_ingevuld'], c.category)""",
                           {"h": h, "a": a, "years": ent.years or None}).fetchall()
        if not rows:
            d.paragraphs.append(f"Voor {h or '?'} art. {a or '(alle)'} geeft geen geladen bron een verdeling "
                                f"juridisch verplicht / bestuurlijk gebonden / vrije ruimte.")
            continue
        latest = (rows[0][2], rows[0][3], rows[0][4])
        label = moment_label(int(latest[0]), str(latest[1]))
        shown = [r for r in rows if (r[2], r[3], r[4]) == latest]
        cats = {str(r[5]) for r in shown if r[7] is None}
        for r in shown:
            cell = _cell(r[8], r[9], r[10])
            of = f" van instrument {r[7]}" if r[7] else ""
            money = f" = {euro(r[11] * r[6] / 100)} van {euro(r[11])}" if r[11] is not None and not r[7] else ""
            d.paragraphs.append(f"{r[0]} art. {r[1]}, {r[4]}: {str(r[5]).replace('_', ' ')}{of} "
                                f"{nl_amount(r[6])}%{money} ({label}; bron: {cell}).")
            if money:
                d.figures.append(Figure(Decimal(r[11]) * r[6] * 10, int(r[4]), label, cell))
        if cats == {"juridisch_verplicht"}:
            d.paragraphs.append("De bron geeft alleen het juridisch verplichte deel; de verdeling van de rest "
                                "(bestuurlijk gebonden, beleidsmatig gereserveerd, vrij) is onbekend.")


def chapters_totals(con: duckdb.DuckDBPyConnection, d: Draft) -> None:
    """Digital spending per ministry for the moment (named, or the latest broad one), with its coverage."""
    from ..analyze.integral import integral_table

    ent = d.entities
    moment = f"{ent.moment[0]}-{ent.moment[1]}" if ent.moment else _broadest_for(con, ent.years)
    res = integral_table(con, moment=moment, themes=ent.themes or None, niveau="hoofdstuk", vuo="U",
                         jaar_van=min(ent.years) if ent.years and moment else None)
    year = next((c for c in res.columns if c.isdigit() and (not ent.years or int(c) in ent.years)),
                next(c for c in res.columns if c.isdigit()))
    totals: dict[str, Decimal] = {}
    for row in res.rows:
        r = dict(zip(res.columns, row, strict=True))
        if r[year] is not None and (not ent.hoofdstukken or r["hoofdstuk"] in ent.hoofdstukken):
            totals[str(r["hoofdstuk"])] = totals.get(str(r["hoofdstuk"]), Decimal(0)) + Decimal(r[year])
    what = ", ".join(ent.themes) or "alle digitale thema's"
    window = res.title.split("(", 1)[-1].split(";")[0]
    d.paragraphs.append(f"Uitgaven aan {what} per hoofdstuk in {year} ({window}; bedragen x gewicht van de "
                        f"themaregels):")
    for h, v in sorted(totals.items(), key=lambda x: -x[1]):
        d.paragraphs.append(f"{h}: {euro(v)}.")
        d.figures.append(Figure(v * 1000, int(year), res.title, "integrale tabel per hoofdstuk"))
    if res.coverage is not None:
        d.paragraphs.append(f"Dekking: {res.coverage.sentence()}")
    d.paragraphs.append("De hele tabel met bronnen per regel: digibudget table --niveau hoofdstuk"
                        + (f" --moment {moment}" if moment else "") + ".")


def _broadest_for(con: duckdb.DuckDBPyConnection, years: list[int]) -> str | None:
    """For a question about a year and no moment: the moment with most chapters holding that year (then the
    latest published); None (the default moment) without years."""
    if not years:
        return None
    rows = con.execute("SELECT moment_jaar, fase, count(DISTINCT hoofdstuk) FROM fact WHERE jaar = ? GROUP BY ALL",
                       [min(years)]).fetchall()
    if not rows:
        return None
    best = max(rows, key=lambda r: (r[2], publication_key(int(r[0]), str(r[1]))))
    return f"{best[0]}-{best[1]}"


def overlap_summary(con: duckdb.DuckDBPyConnection, d: Draft) -> None:
    from ..analyze import overlap

    res = overlap.concentration(con, theme=d.entities.themes[0] if d.entities.themes else None)
    for row in res.rows:
        r = dict(zip(res.columns, row, strict=True))
        if r["dimensie"] in ("hoofdstuk", "uitvoerder"):
            units = {"hoofdstuk": "hoofdstukken", "uitvoerder": "uitvoerders"}[str(r["dimensie"])]
            d.figures.append(Figure(Decimal(r["bedrag_x1000"]) * 1000, 0, res.title, "overlap per thema"))
            d.paragraphs.append(f"{r['thema']}: {r['aantal']} {units}, samen {euro(r['bedrag_x1000'])}; "
                                f"concentratie (HHI) {nl_amount(r['hhi'])}, grootste {r['grootste']} "
                                f"({nl_amount(r['grootste_pct'])}%).")
    if res.coverage is not None:
        d.paragraphs.append(f"Dekking: {res.coverage.sentence()}")
    d.paragraphs.append("Uitvoerders uit meerdere hoofdstukken en bijna gelijke omschrijvingen: digibudget overlap.")


def run(con: duckdb.DuckDBPyConnection, d: Draft) -> None:
    """Run the analysis the rule chose and set the status."""
    a = d.rule.analyse
    if a == "geen":
        if d.rule.pattern is None:
            d.paragraphs.append("digibudget herkent in deze vraag geen begrotingspost, artikel, uitvoerder, thema of "
                                f"bedrag om mee te rekenen: {STATUS_NOT_ANSWERABLE}.")
        else:
            d.paragraphs.append(f"Deze vraag gaat over iets wat niet in begrotingstabellen staat ({d.evidence}): "
                                f"{STATUS_NOT_ANSWERABLE}.")
        d.status = STATUS_NOT_ANSWERABLE
        return
    {"regel": lambda: amounts(con, d, totals=False), "artikel": lambda: amounts(con, d, totals=True),
     "mutaties": lambda: changes(con, d), "verplichtingen": lambda: commitments(con, d),
     "thema_per_hoofdstuk": lambda: chapters_totals(con, d), "integrale_tabel": lambda: chapters_totals(con, d),
     "overlap": lambda: overlap_summary(con, d)}[a]()
    d.status = STATUS_WITH_FIGURES if d.figures else STATUS_NO_FIGURES
