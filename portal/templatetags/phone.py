"""{% phone_text texts obj "field" %}: a staff-typed text in the participant's language, or
the original marked as such (portal.content)."""

from django import template
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def phone_text(texts, obj, field: str, multiline: bool = False):
    text = texts.get(obj, field)
    # linebreaks() escapes the text itself, then marks its <p> and <br> as safe; paragraphs
    # go in a <div>, which may hold them, a line in a <span>.
    body = mark_safe(linebreaks(text.text, autoescape=True)) if multiline else text.text
    tag = "div" if multiline else "span"
    if text.translated:
        return format_html('<{} dir="auto">{}</{}>', tag, body, tag)
    return format_html(
        '<{} lang="{}" dir="auto">{}</{}> <small class="original">{}</small>',
        tag,
        text.original_language,
        body,
        tag,
        _("(not translated)"),
    )
