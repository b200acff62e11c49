"""What leaves the app: PDFs that fetch nothing from outside, spreadsheets that run nothing."""

import socket

import pytest

from reports.exports import safe_cell
from reports.pdf import _fetcher


@pytest.mark.parametrize(
    "url",
    [
        "https://tracker.example.com/pixel.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://testserver/media/../../etc/passwd",
        "http://testserver/static/../config/settings.py",
    ],
)
def test_the_pdf_fetcher_refuses_anything_but_static_files(url):
    """ASVS 5.0 V1.3.6 (SSRF): the PDF renderer's fetcher allows the app's static files only."""
    with pytest.raises(ValueError, match="static files only"):
        _fetcher().fetch(url)


def test_the_pdf_fetcher_serves_the_apps_own_stylesheet():
    response = _fetcher().fetch("http://testserver/static/css/parcours.css")
    assert response is not None


def test_a_pdf_with_an_outside_image_and_a_file_link_renders_offline(monkeypatch):
    """ASVS 5.0 V1.3.6: rendering HTML that names an outside image, a file:// stylesheet and
    an iframe touches neither the network nor the file system outside static files."""
    from weasyprint import HTML

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF renderer opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    asked = []
    fetcher = _fetcher()
    original = fetcher.fetch

    def watched(url, headers=None):
        asked.append(url)
        return original(url, headers)

    fetcher.fetch = watched
    html = (
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<img src="https://tracker.example.com/pixel.png">'
        '<img src="file:///etc/hostname"><p>Report</p>'
    )
    pdf = HTML(string=html, base_url="http://testserver/", url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert "https://tracker.example.com/pixel.png" in asked
    assert "file:///etc/passwd" in asked


@pytest.mark.parametrize(
    "text", ["=cmd|' /C calc'!A0", "+32 4 12", "-2+3", "@SUM(1,2)", "\t=1", "\r=1"]
)
def test_spreadsheet_cells_that_look_like_formulas_are_escaped(text):
    """ASVS 5.0 V1.2.10 (CSV and formula injection): a leading quote makes the cell text."""
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Selam Haile", "a=b", 42, None])
def test_other_cells_are_left_alone(value):
    """ASVS 5.0 V1.2.10"""
    assert safe_cell(value) == value
