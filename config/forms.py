from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's renderer, with our field template: one wrapper per field so grids lay out,
    checkboxes inside their label, radio groups in a fieldset, required fields marked."""

    field_template_name = "forms/field.html"
