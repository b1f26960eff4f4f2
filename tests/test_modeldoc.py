"""docs/model.md is generated from the schema (tests/test_docs.py checks the committed page is current)."""

from __future__ import annotations

import pytest

from digibudget import modeldoc


def test_every_table_and_column_of_the_schema_is_on_the_page() -> None:
    text = modeldoc.model_md()
    for table in ("budget_line", "amount", "fact", "mutation", "lineage", "schema_migration"):
        assert f"### `{table}`" in text
    assert "| `line_key` | VARCHAR | no |" in text and "| `value` | DECIMAL(38,10) | no |" in text
    assert "One row per line of a published budget table" in text  # a migration's comment


def test_a_table_without_a_note_stops_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    # a copy without it (deleting and restoring the key would move it to the end of the page's order)
    monkeypatch.setattr(modeldoc, "TABLES", {k: v for k, v in modeldoc.TABLES.items() if k != "lineage"})
    with pytest.raises(KeyError, match="lineage"):
        modeldoc.model_md()


def test_the_comments_of_later_migrations_reach_their_table() -> None:
    tables, _ = modeldoc.migration_comments()
    assert "budgetflexibiliteit" in tables["legal_commitment"]  # an ALTER TABLE's comment (0006)
    assert "mutation_key is stable" in tables["mutation"]  # above a DROP and a CREATE (0007)
