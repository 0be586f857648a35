"""Checking a clinic logo before it is stored: a real PNG or JPEG that the PDF layer can draw.

The file's name and claimed type are ignored; the bytes are decoded in full (a truncated or
corrupt image fails here, not later in every printout) and the pixel count is capped so a
"decompression bomb" cannot exhaust memory.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from ketref.domain.printing import LOGO_MAX_BYTES

MAX_PIXELS = 25_000_000
_MIME_BY_FORMAT = {"PNG": "image/png", "JPEG": "image/jpeg"}


class LogoError(ValueError):
    """The logo cannot be used; the message says why in one sentence."""


@dataclass(frozen=True)
class LogoInfo:
    mime: str
    width: int
    height: int


def check_logo(data: bytes) -> LogoInfo:
    """Decode ``data`` completely and describe it.

    Raises:
        LogoError: empty, too large, not PNG/JPEG, too many pixels, or damaged.
    """
    if not data:
        raise LogoError("The logo file is empty.")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(
            f"The logo file is too large ({len(data) / 1_048_576:.1f} MB; "
            f"at most {LOGO_MAX_BYTES // 1_048_576} MB)."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                fmt = image.format or ""
                width, height = image.size
                if fmt not in _MIME_BY_FORMAT:
                    raise LogoError(
                        f"The logo must be a PNG or JPEG image (this file is {fmt or 'unknown'})."
                    )
                if width * height > MAX_PIXELS:
                    raise LogoError(
                        f"The logo has too many pixels ({width} x {height}); "
                        "use a smaller image (a few hundred pixels wide is plenty)."
                    )
                image.load()
    except LogoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoError("The logo has too many pixels; use a smaller image.") from None
    except UnidentifiedImageError:
        raise LogoError("The logo is not an image ketref can read; use a PNG or JPEG.") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise LogoError(f"The logo image is damaged ({type(exc).__name__}).") from None
    if width < 1 or height < 1:
        raise LogoError("The logo image has no pixels.")
    return LogoInfo(mime=_MIME_BY_FORMAT[fmt], width=width, height=height)
