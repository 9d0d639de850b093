"""Issue 11, bcattach: the photos and PDF files a broadcast carries (``broadcast_attachments``).

Files travel through the content-addressed photo upload (``PUT /photos/{sha}``). A broadcast
may name a file that has not arrived yet: it still reaches its readers, and the file shows as
"arriving" until its upload completes. Since addresses are visible in pulls, a broadcast
serves only files its sender uploaded: citing someone else's upload is refused at sending,
and one uploaded later by someone else is never served through the broadcast.
"""

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.roles import Actor
from app.protocol import Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import broadcasts
from backend_stub.services.outcomes import Rejected


def attach(conn: Connection, p: m.BroadcastCreate, sender_id: str) -> list[dict]:
    """Record the broadcast's files (the broadcast row is written); returns them as pulled.

    Raises:
        Rejected: ``photo_not_yours`` when a named file is stored and someone else uploaded it,
            ``unsupported_media_type`` when it is stored as another kind than declared.
    """
    files = [{"broadcast_id": p.broadcast_id, "sha256": f.sha256, "position": i, "kind": f.kind, "name": f.name,
              "size": f.size} for i, f in enumerate(p.attachments)]
    if not files:
        return []
    ph = db.photos.c
    stored = {r.sha256: r for r in conn.execute(select(ph.sha256, ph.uploaded_by, ph.content_type).where(
        ph.sha256.in_([f["sha256"] for f in files])))}
    for f in files:
        have = stored.get(f["sha256"])
        if have is not None and have.uploaded_by != sender_id:
            raise Rejected(Reason.PHOTO_NOT_YOURS, "A file of this broadcast was uploaded by someone else.")
        if have is not None and have.content_type != f["kind"]:
            raise Rejected(Reason.UNSUPPORTED_MEDIA_TYPE, "A file of this broadcast is not of the kind it says.")
    conn.execute(db.broadcast_attachments.insert(), files)
    return [{k: f[k] for k in ("sha256", "kind", "name", "size")} for f in files]


def citing(conn: Connection, sha: str) -> list[tuple[str, str]]:
    """(broadcast id, sender id) of every broadcast carrying the file."""
    a, b = db.broadcast_attachments.c, db.broadcasts.c
    rows = conn.execute(select(a.broadcast_id, b.author_id).join_from(
        db.broadcast_attachments, db.broadcasts, a.broadcast_id == b.id).where(a.sha256 == sha))
    return [(r.broadcast_id, r.author_id) for r in rows]


def may_read(conn: Connection, actor: Actor, sha: str, uploaded_by: str) -> bool:
    """Whether ``actor`` reads the file through a broadcast carrying it: one they may read
    (its audience, its sender, the sender's managers) whose sender uploaded the file."""
    return any(author == uploaded_by and broadcasts.may_read(conn, actor, bid)
               for bid, author in citing(conn, sha))


def is_cited(conn: Connection, sha: str) -> bool:
    """True while a broadcast carries the file (it is kept)."""
    a = db.broadcast_attachments.c
    return conn.execute(select(a.broadcast_id).where(a.sha256 == sha).limit(1)).first() is not None
