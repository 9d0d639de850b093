"""A request's walk along its route: submit, approve, decline, send back, resubmit, cancel.

Pure: each function takes the state and the route (``chains.route`` as of now) and returns
the next state, or raises ``RequestRefused``. Every step is kept as a ``Decision``: who,
what, when, from which device, and for whom when a delegate decided.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from app.domain.requests.chains import PlannedStep
from app.domain.requests.kinds import (
    REASON_ALREADY_DECIDED, REASON_COMMENT_REQUIRED, REASON_NO_APPROVER, REASON_NOT_OPEN,
    REASON_NOT_SENT_BACK, REASON_NOT_YOUR_TURN, REASON_OWN_REQUEST, RequestRefused,
)


class Status(StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    SENT_BACK = "sent_back"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Still waiting for someone (the requester may cancel it)."""
        return self in (Status.PENDING, Status.SENT_BACK)


class Action(StrEnum):
    """What someone did to a request."""

    SUBMIT = "submit"
    APPROVE = "approve"
    DECLINE = "decline"
    SEND_BACK = "send_back"
    RESUBMIT = "resubmit"
    CANCEL = "cancel"


#: What an approver may choose.
DECISIONS = (Action.APPROVE, Action.DECLINE, Action.SEND_BACK)


@dataclass(frozen=True)
class Decision:
    """One kept step of the history."""

    action: Action
    user_id: str
    at: datetime
    device_id: str = ""
    step: int | None = None
    round: int = 1
    comment: str = ""
    on_behalf_of: str | None = None


def decision_to_data(d: Decision) -> dict:
    """The wire (and device) form of one kept step of the history."""
    return {"action": d.action.value, "user_id": d.user_id, "at": d.at, "device_id": d.device_id,
            "step": d.step, "round": d.round, "comment": d.comment, "on_behalf_of": d.on_behalf_of}


@dataclass(frozen=True)
class State:
    """Status, the step it waits at (index into the route), the round (one per resubmission)."""

    status: Status
    step: int | None
    round: int = 1
    history: tuple[Decision, ...] = ()


def _next_step(route: list[PlannedStep], start: int) -> int | None:
    """The first step from ``start`` with somebody in it (empty steps pass to the next)."""
    return next((s.index for s in route[start:] if not s.skipped), None)


def submit(route: list[PlannedStep], requester_id: str, at: datetime, device_id: str = "") -> State:
    """A new request waits at its first step with an approver; a chain with no steps approves it."""
    first = _next_step(route, 0)
    record = Decision(Action.SUBMIT, requester_id, at, device_id)
    if first is None and route:
        raise RequestRefused(REASON_NO_APPROVER, "Nobody can approve this request at your store.")
    status = Status.APPROVED if first is None else Status.PENDING
    return State(status, first, 1, (record,))


def _approved_by(state: State, step: int) -> set[str]:
    return {d.user_id for d in state.history
            if d.action is Action.APPROVE and d.step == step and d.round == state.round}


def require_open(state: State) -> None:
    """Refuse acting on a request already decided or cancelled (e.g. an offline approval)."""
    if state.status is not Status.PENDING:
        raise RequestRefused(REASON_NOT_OPEN, f"This request is {state.status.value}.",
                             status=state.status.value)


def current_step(route: list[PlannedStep], state: State) -> PlannedStep | None:
    """The step the request waits at now (None once it is closed)."""
    if state.status is not Status.PENDING or state.step is None:
        return None
    index = _next_step(route, state.step)
    return None if index is None else route[index]


def may_decide(route: list[PlannedStep], state: State, user_id: str) -> bool:
    """Whether ``user_id`` can decide now (the approver's queue)."""
    step = current_step(route, state)
    return step is not None and user_id in step.approvers and user_id not in _approved_by(state, step.index)


def decide(route: list[PlannedStep], state: State, requester_id: str, user_id: str, action: Action,
           at: datetime, comment: str = "", device_id: str = "") -> State:
    """Apply an approver's decision; refuses anyone but an approver of the current step."""
    require_open(state)
    if user_id == requester_id:
        raise RequestRefused(REASON_OWN_REQUEST, "You cannot decide your own request.")
    step = current_step(route, state)
    if step is None:
        raise RequestRefused(REASON_NO_APPROVER, "Nobody can approve this request at its store now.")
    if user_id not in step.approvers:
        raise RequestRefused(REASON_NOT_YOUR_TURN, "This request is not waiting for you.",
                             step=step.index, role=step.role.value)
    if user_id in _approved_by(state, step.index):
        raise RequestRefused(REASON_ALREADY_DECIDED, "You already approved this step.")
    comment = comment.strip()
    if action is Action.SEND_BACK and not comment:
        raise RequestRefused(REASON_COMMENT_REQUIRED, "Say what the requester should change.")
    record = Decision(action, user_id, at, device_id, step.index, state.round, comment,
                      step.on_behalf_of.get(user_id))
    history = state.history + (record,)
    if action is Action.DECLINE:
        return replace(state, status=Status.DECLINED, history=history)
    if action is Action.SEND_BACK:
        return replace(state, status=Status.SENT_BACK, history=history)
    state = replace(state, history=history)
    done = _approved_by(state, step.index)
    if step.need == "any" or done >= set(step.approvers):
        following = _next_step(route, step.index + 1)
        status = Status.APPROVED if following is None else Status.PENDING
        return replace(state, status=status, step=following)
    return state


def resubmit(state: State, requester_id: str, user_id: str, at: datetime, comment: str = "",
             device_id: str = "") -> State:
    """The requester answers a send-back: the request waits again at the step that sent it."""
    if user_id != requester_id:
        raise RequestRefused("not_your_record", "This request belongs to another person.")
    if state.status is not Status.SENT_BACK:
        raise RequestRefused(REASON_NOT_SENT_BACK, "Only a request sent back to you can be sent again.",
                             status=state.status.value)
    record = Decision(Action.RESUBMIT, user_id, at, device_id, state.step, state.round + 1, comment.strip())
    return replace(state, status=Status.PENDING, round=state.round + 1, history=state.history + (record,))


def cancel(state: State, requester_id: str, user_id: str, at: datetime, device_id: str = "") -> State:
    """The requester withdraws the request before its final decision."""
    if user_id != requester_id:
        raise RequestRefused("not_your_record", "This request belongs to another person.")
    if not state.status.is_open:
        raise RequestRefused(REASON_NOT_OPEN, f"This request is {state.status.value}.",
                             status=state.status.value)
    record = Decision(Action.CANCEL, user_id, at, device_id, state.step, state.round)
    return replace(state, status=Status.CANCELLED, history=state.history + (record,))
