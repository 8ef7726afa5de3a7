"""Uploaded images: the type is sniffed from the content, then the image is re-encoded without metadata."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
MAX_PIXELS = 40_000_000


def validate_image(upload, *, max_side: int = 2000):
    """Return a clean copy of an uploaded image, or raise ValidationError with a clear message.

    Re-encoding drops EXIF (GPS position, camera serial) that could expose where a photo was taken.
    """
    if upload.size > settings.MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than %(mb)s MB.") % {"mb": settings.MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("The image has too many pixels."))
        kind = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image we can read. Use JPEG, PNG or WebP.")) from None
    if kind not in ALLOWED:
        raise ValidationError(_("Use a JPEG, PNG or WebP image."))
    ext, content_type = ALLOWED[kind]
    image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF data described
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    if kind == "JPEG" and image.mode == "RGBA":
        image = image.convert("RGB")
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    # Pillow writes no EXIF, XMP or text chunks unless asked to: saving anew strips them all.
    image.save(out, format=kind, **({} if kind == "PNG" else {"quality": 85}))
    base = (upload.name or "image").rsplit(".", 1)[0][:60]
    return SimpleUploadedFile(f"{base}.{ext}", out.getvalue(), content_type=content_type)
