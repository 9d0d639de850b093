"""Issue 12, taskadmin: the online calls of the task admin screens that ``ApiClient`` lacks
(``app/sync/api.py`` is near its size limit): change, pause or delete a store's recurring task.
Each goes through the client's ``_authed`` (token refresh, error mapping), and raises as it does:
``RequestRejected`` with the server's reason, ``NetworkError`` offline."""

from app.sync.api import ApiClient


def change_task_schedule(api: ApiClient, store_id: str, schedule_id: str, schedule: dict) -> dict:
    """Replace a recurring task (``paused: true`` pauses it); tasks already on the board stay."""
    return api._authed("PUT", f"/stores/{store_id}/task-schedules/{schedule_id}", json=schedule).json()  # noqa: SLF001


def delete_task_schedule(api: ApiClient, store_id: str, schedule_id: str) -> None:
    """Delete a recurring task: no more occurrences; tasks already on the board stay."""
    api._authed("DELETE", f"/stores/{store_id}/task-schedules/{schedule_id}")  # noqa: SLF001
