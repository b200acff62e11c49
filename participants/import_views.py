"""Spreadsheet import: upload, preview every row, confirm. Nothing is written before the
confirmation, and then only if every row is valid (participants/imports.py)."""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participants import imports
from programme.access import participant_work_required
from programme.forms import posted


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        help_text=gettext_lazy("One person per row, with the columns of the template."),
    )

    def clean_file(self):
        # Refused on the size Django counted while receiving it, before a byte is read here.
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB: split it in smaller files."))
        return upload


def _salt(request: HttpRequest) -> str:
    # The rows travel from the preview to the confirmation inside the page, signed for this
    # user only; they are checked again in full before anything is written.
    return f"participants.import:{request.user.pk}"


@participant_work_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            cells = imports.read_table(upload.name, upload.read(imports.MAX_BYTES + 1))
        except imports.ImportError_ as error:
            form.add_error("file", error)
        else:
            return _preview(request, cells)
    return render(request, "participants/import_upload.html", {"form": form})


def _preview(request: HttpRequest, cells: list[dict], errors: list[str] = ()) -> HttpResponse:
    rows = imports.check_rows(cells, staff=request.staff)
    return render(
        request,
        "participants/import_preview.html",
        {
            "rows": rows,
            "columns": imports.COLUMNS,
            "errors": [*errors, *imports.errors_of(rows)],
            "payload": signing.dumps(cells, salt=_salt(request), compress=True),
        },
    )


@participant_work_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    try:
        cells = signing.loads(
            request.POST.get("payload", ""), salt=_salt(request), max_age=60 * 60 * 4
        )
    except signing.BadSignature:
        messages.error(request, _("The preview has expired. Please upload the file again."))
        return redirect("participants:import")
    rows = imports.check_rows(cells, staff=request.staff)
    try:
        created = imports.import_rows(rows=rows, staff=request.staff, by=request.user)
    except ValidationError as error:
        # Someone changed the files meanwhile (a person added by hand): show why, write nothing.
        return _preview(request, cells, errors=error.messages)
    messages.success(
        request,
        _("%(count)s people were imported.") % {"count": len(created)},
    )
    return redirect("participants:caseload")


@participant_work_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        # A BOM so that Excel opens the accents right.
        "\ufeff" + imports.template_csv(),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="parcours-import.csv"'
    return response
