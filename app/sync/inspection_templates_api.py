"""Issue 12, inspbuild: the app's online calls for writing inspection templates
(``/v1/inspection-templates``), beside ``app.sync.api`` (through its ``_authed`` helper: token,
refresh on 401, errors as ``RequestRejected``/``NetworkError``). Online only: the template
builder writes through the API, never through the outbox."""

from app.protocol.inspections import InspectionTemplateCreate, InspectionTemplatePublic, InspectionTemplateUpdate
from app.sync.api import ApiClient

PATH = "/inspection-templates"


def list_templates(api: ApiClient) -> list[InspectionTemplatePublic]:
    """The current version of each template the caller may see (their areas' and the chain's)."""
    return [InspectionTemplatePublic.model_validate(t) for t in api._authed("GET", PATH).json()]


def get_template(api: ApiClient, template_id: str, version: int | None = None) -> InspectionTemplatePublic:
    """One version of a template (the current one when ``version`` is None)."""
    resp = api._authed("GET", f"{PATH}/{template_id}", params={"version": version} if version else None)
    return InspectionTemplatePublic.model_validate(resp.json())


def create_template(api: ApiClient, body: InspectionTemplateCreate) -> InspectionTemplatePublic:
    """A new template (version 1); ``RequestRejected`` with the server's reason when refused."""
    resp = api._authed("POST", PATH, json=body.model_dump(mode="json"))
    return InspectionTemplatePublic.model_validate(resp.json())


def save_version(api: ApiClient, template_id: str, body: InspectionTemplateUpdate,
                 base_version: int | None = None) -> InspectionTemplatePublic:
    """The template as its next version, made from ``base_version`` (409 ``conflict`` when someone
    saved another version since)."""
    resp = api._authed("PUT", f"{PATH}/{template_id}", json=body.model_dump(mode="json"),
                       params={"base_version": base_version} if base_version else None)
    return InspectionTemplatePublic.model_validate(resp.json())
