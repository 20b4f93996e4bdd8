from __future__ import annotations

import pytest
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from proofs.fetcher import AssetRefused, make_url_fetcher

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/x.png",
        "ftp://example.org/x",
        "data:image/png;base64,iVBORw0KGgo=",
        "asset:missing.png",
        "asset:../mockup.png",
        "asset:/etc/passwd",
        "asset:",
        "gopher://x",
    ],
)
def test_refuses_everything_but_known_assets(url):
    fetcher = make_url_fetcher({"mockup.png": PNG})
    with pytest.raises(AssetRefused):
        fetcher(url)
    assert fetcher.refused == [url]


def test_serves_known_assets_with_a_type():
    response = make_url_fetcher({"mockup.png": PNG})("asset:mockup.png")
    assert response.read() == PNG
    assert response.content_type == "image/png"


def test_asset_names_must_be_plain():
    with pytest.raises(ValueError):
        make_url_fetcher({"../x.png": PNG})


def test_weasyprint_stops_instead_of_reading_a_file():
    fetcher = make_url_fetcher({})
    with pytest.raises(FatalURLFetchingError):
        HTML(string='<img src="file:///etc/passwd">', url_fetcher=fetcher).write_pdf()
    assert fetcher.refused == ["file:///etc/passwd"]


def test_urls_in_text_are_not_fetched():
    fetcher = make_url_fetcher({})
    text = "file:///etc/passwd http://127.0.0.1/ ftp://x &lt;img src=&quot;http://127.0.0.1/&quot;&gt;"
    HTML(string=f"<p>{text}</p>", url_fetcher=fetcher).write_pdf()
    assert fetcher.refused == []
