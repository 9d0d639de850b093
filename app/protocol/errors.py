"""The one error body every API error uses."""

from typing import Any

from pydantic import BaseModel, Field

from app.protocol.reasons import Reason


class ErrorBody(BaseModel):
    """``{"code": "...", "message": "...", "details": ...}``: code is stable, message is for people."""

    # A plain str when parsed (a newer server's new code must not break an older client);
    # the document lists the codes, so the schema fuzzer catches any code outside Reason.
    code: str = Field(json_schema_extra={"enum": [r.value for r in Reason]})
    message: str
    details: Any | None = None
