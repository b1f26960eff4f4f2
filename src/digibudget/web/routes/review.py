"""POST /api/review (a line's theme) and /api/review/mutatie (a mutation's type): record a reviewed decision, only
when a write token is configured.

The database stays read-only: the decision is appended to decisions.toml by the same library function as
``digibudget review`` / ``review-mutation`` (digibudget.review) and takes effect at the next
``digibudget reclassify``. The token travels in the X-Digibudget-Token header and is compared in constant time."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ...review import review_line
from ...review import review_mutation as review_mutation_
from ..deps import JSON_OBJECT, Con, json_response
from ..params import TEXT, MutatieSoort, Thema

router = APIRouter()


def _check_token(request: Request, token: str | None) -> None:
    """The write token, compared in constant time; 401 without it."""
    expected: str = request.app.state.write_token
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(401, "write token missing or wrong (header X-Digibudget-Token)")


class Review(BaseModel):
    regel: str = Field(pattern=r"^[^\x00-\x1f\x7f]{1,200}$", description="Regelnummer of line key.")
    thema: Thema
    gewicht: float = Field(ge=0, le=1, description="Aandeel van het geld van de regel; 0 = niet dit thema.")
    reden: str = Field(min_length=1, max_length=1000, pattern=TEXT)
    beoordelaar: str = Field(min_length=1, max_length=200, pattern=TEXT)
    datum: dt.date | None = None


@router.post("/api/review", status_code=201, responses={201: JSON_OBJECT[200], 401: {"description": "Geen token"}},
             summary="Leg een beoordeeld classificatiebesluit vast (vereist X-Digibudget-Token)")
def review(request: Request, con: Con, body: Review,
           x_digibudget_token: Annotated[str | None, Header()] = None) -> Response:
    _check_token(request, x_digibudget_token)
    recorded = review_line(con, request.app.state.db.path, body.regel, body.thema.value, body.gewicht, body.reden,
                           body.beoordelaar, body.datum)
    return json_response({"vastgelegd": recorded.decision.__dict__, "bestand": recorded.path.name,
                          "let_op": "wordt van kracht na 'digibudget reclassify' / takes effect after reclassify"},
                         201)


class MutationReview(BaseModel):
    mutatie: str = Field(pattern=r"^[^\x00-\x1f\x7f]{1,1000}$", description="Mutatie-id of mutation_key.")
    soort: MutatieSoort = Field(description="De beoordeelde soort (geen groep zoals 'onverklaard').")
    reden: str = Field(min_length=1, max_length=1000, pattern=TEXT)
    beoordelaar: str = Field(min_length=1, max_length=200, pattern=TEXT)
    datum: dt.date | None = None


@router.post("/api/review/mutatie", status_code=201,
             responses={201: JSON_OBJECT[200], 401: {"description": "Geen token"}},
             summary="Leg een beoordeelde soort van een mutatie vast (vereist X-Digibudget-Token)")
def review_mutation(request: Request, con: Con, body: MutationReview,
                    x_digibudget_token: Annotated[str | None, Header()] = None) -> Response:
    _check_token(request, x_digibudget_token)
    recorded = review_mutation_(con, request.app.state.db.path, body.mutatie, str(body.soort.value), body.reden,
                                body.beoordelaar, body.datum)
    return json_response({"vastgelegd": recorded.decision.__dict__, "bestand": recorded.path.name,
                          "let_op": "wordt van kracht na 'digibudget reclassify' / takes effect after reclassify"},
                         201)
