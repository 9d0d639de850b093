"""The one error body every API error uses."""

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """``{"code": "...", "message": "...", "details": ...}``: code is stable, message is for people."""

    code: str
    message: str
    details: Any | None = None
