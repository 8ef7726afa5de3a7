"""Small helpers every group of operations shares: the declared error answers, checking a public id,
finding one public object, and a place as the API shows it."""

import re

from hramada.core.ids import PublicIdConverter

from . import schemas
from .http import not_found

ERRORS = {400: schemas.Problem, 404: schemas.Problem, 422: schemas.Problem, 429: schemas.Problem}
AUTH_ERRORS = {**ERRORS, 401: schemas.Problem, 403: schemas.Problem, 409: schemas.Problem}

_PUBLIC_ID = re.compile(PublicIdConverter.regex)


def pid(value: str) -> str:
    """Only a well-formed public id reaches a query (a NUL byte fails on PostgreSQL)."""
    if not _PUBLIC_ID.fullmatch(value or ""):
        raise not_found()
    return value


def one(queryset, public_id: str):
    """The object of ``queryset`` (already limited to what is public) with this public id, or a 404."""
    found = queryset.filter(public_id=pid(public_id)).first()
    if found is None:
        raise not_found()
    return found


def place(settlement) -> dict:
    if settlement is None:
        return {"settlement": None, "region": None, "country": None}
    region = settlement.region
    return {
        "settlement": settlement.name,
        "region": region.code if region else None,
        "country": region.country.code if region and region.country_id else None,
    }
