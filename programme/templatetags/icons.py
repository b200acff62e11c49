"""{% icon "name" %} draws a Lucide icon from static/vendor/lucide.

On most pages the SVG is inlined, so icons take the text colour and cost no extra request.
A page whose context names an `icon_sprite` (the phone's pages, portal.views) gets a short
`<use href="sprite#name">` instead: the sprite is one static file, fetched once and kept by the
browser and the portal's service worker, so a page with many icons stays light."""

import functools
import re

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()
ICON_DIR = settings.BASE_DIR / "static" / "vendor" / "lucide"
# Lucide's drawing attributes, the same on every icon: kept once on each <symbol>.
DRAWING = (
    'viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round"'
)


@functools.cache
def _svg(name: str) -> str:
    text = (ICON_DIR / f"{name}.svg").read_text()
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def symbol(name: str) -> str:
    """The icon as a <symbol> of a sprite, its id the icon's name."""
    inner = re.sub(r"^<svg[^>]*>\s*|\s*</svg>$", "", _svg(name))
    inner = re.sub(r"\s*/>", "/>", re.sub(r">\s+<", "><", inner))
    return f'<symbol id="{name}" {DRAWING}>{inner}</symbol>'


def sprite(names) -> str:
    symbols = "\n".join(symbol(name) for name in sorted(set(names)))
    return f'<svg xmlns="http://www.w3.org/2000/svg">\n{symbols}\n</svg>\n'


@register.simple_tag(takes_context=True)
def icon(context, name: str) -> str:
    url = context.get("icon_sprite")
    if url:
        return format_html(
            '<svg class="lucide lucide-{}" aria-hidden="true" focusable="false" '
            'viewBox="0 0 24 24"><use href="{}#{}"/></svg>',
            name,
            url,
            name,
        )
    return mark_safe(_svg(name))
