"""Login and token models."""

from pydantic import BaseModel, ConfigDict, Field

from app.domain.roles import Role


class LoginRequest(BaseModel):
    """Staff number + PIN, from a registered (or newly registering) device."""

    model_config = ConfigDict(extra="forbid")

    staff_no: str = Field(min_length=1, max_length=32)
    pin: str = Field(min_length=4, max_length=12, pattern=r"^[0-9]+$")
    device_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    device_name: str = Field(default="", max_length=120)
    platform: str = Field(default="", max_length=40)


class SetPinRequest(LoginRequest):
    """Sign in and choose a new PIN at once (after a manager's reset, or any time)."""

    new_pin: str = Field(min_length=4, max_length=12, pattern=r"^[0-9]+$")


class PinReset(BaseModel):
    """A manager's PIN reset: the temporary PIN to hand to the person, shown once."""

    user_id: str
    temporary_pin: str
    by_user: str
    sessions_ended: int


class RefreshRequest(BaseModel):
    """Exchange a refresh token (bound to its device) for a new token pair."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=20, max_length=200)
    device_id: str = Field(min_length=8, max_length=64)


class UserPublic(BaseModel):
    """What a device may know about the signed-in user."""

    id: str
    staff_no: str
    name: str
    role: Role
    store_ids: list[str]
    home_store_id: str | None = None
    locale: str | None = None


class TokenPair(BaseModel):
    """Short-lived access token plus a device-bound refresh token."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    user: UserPublic
