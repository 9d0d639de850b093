"""Issue 12, webphoto: the few picture bytes the browser's photo preparation needs, in pure
Python (the installable web app has no Pillow).

- ``pixel_size``: a JPEG's, PNG's or WebP's width and height from its header, so a picture with
  too many pixels is refused before the browser decodes it;
- ``kept_fields``: the EXIF fields a chain keeps (``DateTime``, ``DateTimeOriginal``,
  ``OffsetTimeOriginal``, and the GPS directory), read from a camera JPEG;
- ``with_exif``: a JPEG with a minimal EXIF block of those fields put in (the canvas the
  browser encodes with writes no EXIF at all).

Values are copied byte for byte, in the source's byte order, so what Pillow (and the server's
``app.media.prepare.taken_at``) reads back equals what the camera wrote.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from app.domain.attachments import sniff_image_type
from app.domain.photo_checks import PhotoSettings

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME, _DATETIME_ORIGINAL, _OFFSET_ORIGINAL = 0x0132, 0x9003, 0x9011
_LONG = 4
#: Bytes per value of each TIFF field type (BYTE, ASCII, SHORT, LONG, RATIONAL, SBYTE,
#: UNDEFINED, SSHORT, SLONG, SRATIONAL, FLOAT, DOUBLE, IFD: some cameras type a pointer so).
_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_IFD = 13
_EXIF_HEADER = b"Exif\x00\x00"
#: JPEG start-of-frame markers (they carry the size); C4, C8 and CC are other tables.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@dataclass(frozen=True)
class Entry:
    """One TIFF field: its tag, type, value count and value bytes (in ``KeptExif.order``)."""

    tag: int
    type: int
    count: int
    raw: bytes


@dataclass(frozen=True)
class KeptExif:
    """The EXIF fields a prepared photo keeps, grouped by directory."""

    order: str = "<"
    main: tuple[Entry, ...] = ()
    exif: tuple[Entry, ...] = ()
    gps: tuple[Entry, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.main or self.exif or self.gps)


def pixel_size(data: bytes) -> tuple[int, int] | None:
    """A JPEG's, PNG's or WebP's (width, height) from its header; None when unreadable."""
    kind = sniff_image_type(bytes(data[:16]))
    try:
        if kind == "image/png":
            return struct.unpack(">II", data[16:24]) if data[12:16] == b"IHDR" else None
        if kind == "image/webp":
            return _webp_size(data)
        if kind == "image/jpeg":
            return next(((w, h) for marker, body in _segments(data) if marker in _SOF
                         for h, w in [struct.unpack(">HH", body[1:5])]), None)
    except (struct.error, IndexError):
        return None
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


def _segments(data: bytes):
    """A JPEG's (marker, body) segments up to its image data (where EXIF and the size are)."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # no length
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end, or the image data starts
            return
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        yield marker, data[at + 4:at + 2 + length]
        at += 2 + length


def _read_ifd(tiff: bytes, offset: int, order: str) -> dict[int, Entry]:
    """One TIFF directory's fields, each with its value bytes."""
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    fields = {}
    for i in range(count):
        at = offset + 2 + 12 * i
        tag, typ, n = struct.unpack(order + "HHI", tiff[at:at + 8])
        size = _TYPE_SIZE.get(typ, 0) * n
        if not size:
            continue
        where = at + 8 if size <= 4 else struct.unpack(order + "I", tiff[at + 8:at + 12])[0]
        raw = tiff[where:where + size]
        if len(raw) == size:
            fields[tag] = Entry(tag, typ, n, raw)
    return fields


def _pointer(entry: Entry | None, order: str) -> int | None:
    return struct.unpack(order + "I", entry.raw[:4])[0] if entry and entry.type in (_LONG, _IFD) else None


def kept_fields(jpeg: bytes, settings: PhotoSettings) -> KeptExif:
    """The time (``keep_time``) and GPS (``keep_gps``) fields of a JPEG's EXIF; empty when it has
    none, or none the chain keeps, or its EXIF is damaged."""
    if sniff_image_type(bytes(jpeg[:16])) != "image/jpeg" or not (settings.keep_time or settings.keep_gps):
        return KeptExif()
    tiff = next((bytes(body[6:]) for marker, body in _segments(jpeg)
                 if marker == 0xE1 and body.startswith(_EXIF_HEADER)), None)
    if not tiff or tiff[:2] not in (b"II", b"MM"):
        return KeptExif()
    order = "<" if tiff[:2] == b"II" else ">"
    try:
        main = _read_ifd(tiff, struct.unpack(order + "I", tiff[4:8])[0], order)
        sub = {tag: _read_ifd(tiff, at, order) if at else {}
               for tag in (_EXIF_IFD, _GPS_IFD) for at in [_pointer(main.get(tag), order)]}
    except (struct.error, IndexError):
        return KeptExif()
    times = settings.keep_time
    return KeptExif(order, main=tuple(main[t] for t in (_DATETIME,) if times and t in main),
                    exif=tuple(e for t, e in sorted(sub[_EXIF_IFD].items())
                               if times and t in (_DATETIME_ORIGINAL, _OFFSET_ORIGINAL)),
                    gps=tuple(e for _, e in sorted(sub[_GPS_IFD].items())) if settings.keep_gps else ())


def _pack_ifd(entries: list[Entry], start: int, order: str) -> bytes:
    """A TIFF directory written at ``start``, its long values right after it."""
    entries = sorted(entries, key=lambda e: e.tag)
    data_at = start + 2 + 12 * len(entries) + 4
    head, data = struct.pack(order + "H", len(entries)), b""
    for e in entries:
        if len(e.raw) <= 4:
            value = e.raw.ljust(4, b"\x00")
        else:
            value = struct.pack(order + "I", data_at + len(data))
            data += e.raw + b"\x00" * (len(e.raw) % 2)  # values start on a word boundary
        head += struct.pack(order + "HHI", e.tag, e.type, e.count) + value
    return head + struct.pack(order + "I", 0) + data


def exif_block(kept: KeptExif) -> bytes:
    """The TIFF bytes of a minimal EXIF: the kept main fields, and pointers to the kept
    EXIF and GPS directories."""
    order = kept.order

    def main_ifd(exif_at: int, gps_at: int) -> bytes:
        pointers = [Entry(tag, _LONG, 1, struct.pack(order + "I", at))
                    for tag, at, kept_here in ((_EXIF_IFD, exif_at, kept.exif), (_GPS_IFD, gps_at, kept.gps))
                    if kept_here]
        return _pack_ifd(list(kept.main) + pointers, 8, order)

    exif_at = 8 + len(main_ifd(0, 0))  # pointers are inline: their values do not change sizes
    exif = _pack_ifd(list(kept.exif), exif_at, order) if kept.exif else b""
    gps_at = exif_at + len(exif)
    gps = _pack_ifd(list(kept.gps), gps_at, order) if kept.gps else b""
    header = (b"II" if order == "<" else b"MM") + struct.pack(order + "HI", 42, 8)
    return header + main_ifd(exif_at, gps_at) + exif + gps


def with_exif(jpeg: bytes, kept: KeptExif) -> bytes:
    """``jpeg`` with an EXIF segment of ``kept`` (after its JFIF segment, if any); unchanged
    when nothing is kept."""
    if not kept:
        return jpeg
    payload = _EXIF_HEADER + exif_block(kept)
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    at = 2
    if jpeg[2:4] == b"\xff\xe0":  # JFIF first: it must stay right after the start marker
        at = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:at] + segment + jpeg[at:]
