"""Is the lower face covered (a surgical mask)? A masked face is never judged.

The landmark model still places mouth points on a mask, so the test is what lies there:
a mouth region has lips, teeth, shadows and stubble; a mask is one smooth sheet. Texture
around the mouth is compared with texture around the eyes of the same face, so exposure,
blur and resolution affect both alike. Measured on the fixture photos (mouth / eye
texture, each the Laplacian variance of a brightness-normalised 48x32 probe)::

    condition            mouth texture   ratio to the eyes
    drawn surgical mask  0               0.00
    selfie 200 px        67-1316         0.07-1.09
    arm's length 70 px   35-593          0.04-1.01
    dim, harsh light     74-1517         0.07-1.33
    tilt 20 degrees      113-1459        0.23-1.65
    JPEG quality 12      101-1190        0.06-0.97
    motion blur 6 %      34-532          0.15-3.35

Beards (kit_harington) and darker skin (obama, lin_manuel_miranda) sit well inside the
unmasked range. Masks were drawn flat; a pleated real mask has some texture, so the
limit is set at half the lowest unmasked ratio rather than just above zero.

The landmark model sometimes puts the mouth below a mask, on the chin (Grace Hopper at
200 px: mouth ratio 0.65), while the nose tip and nostrils (points 30-35) stay on it. A
nose tip is smoother than a mouth, so it gets its own limit: unmasked 0.010 (arm's
length) to 1.1, masked below 0.0005 on every fixture and outside photo; the limit sits
five times below the lowest unmasked nose.
"""

from __future__ import annotations

import numpy as np

from app.face.engine import Box, face_landmarks
from app.face.imaging import resize, to_gray
from app.face.quality import laplacian_variance

#: Below this mouth/eye texture ratio the lower face is taken as covered.
MASK_TEXTURE_RATIO = 0.02
#: Below this nose-tip/eye texture ratio the lower face is taken as covered.
NOSE_TEXTURE_RATIO = 0.002
_MOUTH = slice(48, 60)
_NOSE_TIP = slice(30, 36)
_EYES = slice(36, 48)


def _texture(image: np.ndarray, points: np.ndarray, pad: float = 0.15) -> float:
    """Texture of the region around ``points``, independent of its size and exposure."""
    h, w = image.shape[:2]
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    dx, dy = (x1 - x0) * pad, (y1 - y0) * pad
    region = image[max(0, int(y0 - dy)):min(h, int(y1 + dy) + 1), max(0, int(x0 - dx)):min(w, int(x1 + dx) + 1)]
    if region.size == 0:
        return 0.0
    gray = to_gray(resize(np.ascontiguousarray(region), 48, 32))
    return laplacian_variance(gray * (128.0 / max(float(gray.mean()), 1.0)))


def lower_face_covered(image: np.ndarray, box: Box) -> bool:
    """True when the mouth or the nose tip is as smooth as a mask, next to a textured eye region."""
    points = face_landmarks(image, box)
    eyes = _texture(image, points[_EYES])
    return eyes > 0 and (
        _texture(image, points[_MOUTH]) < MASK_TEXTURE_RATIO * eyes
        or _texture(image, points[_NOSE_TIP]) < NOSE_TEXTURE_RATIO * eyes
    )
