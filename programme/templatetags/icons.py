"""{% icon "name" %} inlines a Lucide SVG from static/vendor/lucide, so icons take the text
colour and cost no extra request."""

import functools
import re

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

register = template.Library()
ICON_DIR = settings.BASE_DIR / "static" / "vendor" / "lucide"


@functools.cache
def _svg(name: str) -> str:
    text = (ICON_DIR / f"{name}.svg").read_text()
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


@register.simple_tag
def icon(name: str) -> str:
    return mark_safe(_svg(name))
