"""Every code the server sends is a member of app.protocol Reason or Flag, and every member is used."""

import ast
from pathlib import Path

import pytest

import backend_stub.main  # noqa: F401  (imports every route, so every ApiError subclass exists)
from app.domain import (
    approvals, attachments, attendance, availability, broadcast_checks, broadcasts, open_shifts, roster,
    saved_audiences, shift_rules, timesheet, trades,
)
from app.domain.inspections import scoring as inspection_scoring  # issue 12, inspscore
from app.domain.inspections import templates as inspection_templates
from app.domain.tasks import transitions as task_rules  # issue 12, taskboard
from app.domain.tasks import schedules as task_schedules  # issue 12, taskrecur
from app.domain.tasks import departments as task_departments
from app.domain.requests import kinds as request_kinds
from app.domain.training import codes as training_codes, sessions as training_sessions, signin as training_signin  # issue 13
from app.domain.training import completions as training_completions  # issue 13, trainquiz
from app.domain.training import courses as training_courses, quizzes as training_quizzes
from app.domain.training import session_edits as training_session_edits  # issue 13, trainmanage
from app.domain.training import trainer as training_trainer  # issue 13, traintrainer
from app.face.errors import QualityCode
from app.i18n import Translator
from app.i18n.locales import SUPPORTED_LOCALES
from app.protocol import Flag, Reason
from backend_stub.errors import ApiError

ROOT = Path(__file__).resolve().parents[1]


def _subclasses(cls) -> set[str]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub.__name__} | _subclasses(sub)
    return found


#: Everything that carries a code to a client: API errors, per-mutation refusals, error bodies.
CODE_CARRIERS = {"ApiError", "Rejected", "AccessDenied", "ErrorBody", "_body"} | _subclasses(ApiError)


def _sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _code_argument(call: ast.Call) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg in ("code", "reason"):
            return kw.value
    return call.args[0] if call.args else None


def _literal_strings(node: ast.expr) -> list[str]:
    """String literals that could end up as the code (``x or "lit"``, ``{k: "lit"}.get(k, "lit")``...).

    Dict keys and getattr's attribute name are not codes; ``Reason("lit")`` is one only if
    "lit" is no member."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.JoinedStr):
        return ["<f-string>"]
    parts: list[ast.expr] = []
    if isinstance(node, ast.Dict):
        parts = list(node.values)
    elif isinstance(node, ast.BoolOp):
        parts = list(node.values)
    elif isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, ast.Call):
        name = _called_name(node)
        if name in ("Reason", "Flag"):
            members = set(Reason) | set(Flag)
            return [s for arg in node.args for s in _literal_strings(arg) if s not in members]
        parts = (node.args[2:] if name == "getattr" else [node.func.value, *node.args[1:]] if name == "get"
                 else node.args if name == "str" else [])
    return [s for part in parts for s in _literal_strings(part)]


def _enum_refs(tree: ast.AST, enum: str) -> set[str]:
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and not n.attr.startswith("_")
            and isinstance(n.value, ast.Name) and n.value.id == enum}


def _code_sites(folders: tuple[str, ...]):
    for path in _sources(*folders):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called_name(node) in CODE_CARRIERS:
                arg = _code_argument(node)
                if arg is not None:
                    yield path.relative_to(ROOT), node.lineno, arg


def test_server_sends_no_string_literal_codes():
    """No ApiError/Rejected/ErrorBody in backend_stub (or the client) is raised with a string literal code."""
    literal = [f"{path}:{line} {_literal_strings(arg)}" for path, line, arg in _code_sites(("backend_stub", "app"))
               if _literal_strings(arg) and not path.parts[:2] == ("app", "domain")]
    assert not literal, "use a Reason member: " + "; ".join(literal)


def test_server_sends_no_string_literal_flags():
    """Every flag the server appends to a punch or a push result is a Flag member, never a string literal."""
    literal = []
    for path in _sources("backend_stub"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("append", "extend") and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "flags" and node.args and _literal_strings(node.args[0])):
                literal.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not literal, "use a Flag member: " + ", ".join(literal)


def test_enum_references_name_real_members():
    """Every ``Reason.X`` / ``Flag.X`` written in the code base exists (a typo would be a 500 at run time)."""
    for path in _sources("app", "backend_stub", "tests"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert _enum_refs(tree, "Reason") <= set(Reason.__members__), path
        assert _enum_refs(tree, "Flag") <= set(Flag.__members__), path


def test_domain_codes_are_members():
    """The shift rules' and access checks' plain-string codes (the domain imports nothing above it) are all members."""
    reasons = {v for mod in (attendance, roster, shift_rules, request_kinds, trades, attachments, saved_audiences,
                             broadcast_checks, inspection_scoring, inspection_templates, task_rules, task_schedules, task_departments,
                             training_codes, training_sessions, training_signin,
                             training_courses, training_quizzes, training_completions, training_session_edits,
                             training_trainer) for k, v in vars(mod).items()
               if k.startswith("REASON_")}
    flags = {v for mod in (attendance, timesheet, shift_rules) for k, v in vars(mod).items() if k.startswith("FLAG_")}
    denied = {s for _path, _line, arg in _code_sites(("app/domain",)) for s in _literal_strings(arg)}
    assert reasons and flags and denied
    assert reasons | denied <= set(Reason)
    assert flags <= set(Flag)
    assert {str(code) for code in QualityCode} <= set(Reason)  # forwarded as enrolment error codes


def test_every_member_is_sent_somewhere():
    """No dead codes: each Reason and Flag member is used outside app/protocol (by name, or as a domain code)."""
    used_reasons, used_flags = set(), set()
    for path in _sources("app", "backend_stub"):
        if path.is_relative_to(ROOT / "app" / "protocol") or path.is_relative_to(ROOT / "app" / "ui"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used_reasons |= {Reason[name] for name in _enum_refs(tree, "Reason")}
        used_flags |= {Flag[name] for name in _enum_refs(tree, "Flag")}
    used_reasons |= {Reason(v) for mod in (attendance, approvals, roster, shift_rules, request_kinds, trades,
                                           availability, open_shifts, broadcasts, attachments, saved_audiences,
                                           broadcast_checks, inspection_scoring, inspection_templates, task_rules, task_schedules, task_departments,
                                           training_codes, training_sessions, training_signin,
                                           training_courses, training_quizzes, training_completions, training_session_edits,
                                           training_trainer)
                     for k, v in vars(mod).items()
                     if k.startswith("REASON_")}
    used_reasons |= {Reason(str(code)) for code in QualityCode}
    used_reasons |= {Reason(s) for _path, _line, arg in _code_sites(("app/domain",)) for s in _literal_strings(arg)}
    used_flags |= {Flag(v) for mod in (attendance, timesheet, shift_rules) for k, v in vars(mod).items()
                   if k.startswith("FLAG_")}
    assert set(Reason) - used_reasons == set()
    assert set(Flag) - used_flags == set()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_flag_has_a_translated_label_on_the_team_screen(locale):
    """The Team screen labels exactly the flags of app.protocol.Flag, each translated in every language."""
    from app.i18n.flags import FLAG_NAMES

    assert set(FLAG_NAMES) == set(Flag)
    t = Translator(locale)
    for flag in FLAG_NAMES:
        msgid = FLAG_NAMES.msgid(flag)
        label = t._(msgid)
        assert label and (locale == "en" or label != msgid), (locale, flag)
