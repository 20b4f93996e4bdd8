from __future__ import annotations

import io

from PIL import Image

from proofs.mockup import render_mockup
from proofs.preview import preview_key, render_preview
from tests.proofs.conftest import make_spec


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (1200, 400), (30, 50, 90, 255)).save(out, "PNG")
    return out.getvalue()


def test_preview_is_the_mockup_at_preview_size(catalog):
    spec = make_spec(catalog, logo_id="x", logo_placement="lid", monogram="AB")
    png = render_preview(spec, catalog, logo_png=_logo())
    assert Image.open(io.BytesIO(png)).size == (800, 600)
    same = Image.open(io.BytesIO(render_mockup(spec, catalog, size=(800, 600), logo_png=_logo())))
    assert Image.open(io.BytesIO(png)).convert("RGB").tobytes() == same.convert("RGB").tobytes()
    assert render_preview(spec, catalog, logo_png=_logo()) == png


def test_preview_key_changes_with_everything_that_shapes_the_picture(catalog):
    spec = make_spec(catalog)
    keys = {
        preview_key(spec, None),
        preview_key(spec, "a" * 64),
        preview_key(spec.replace(message="Other"), None),
        preview_key(spec, None, size=(480, 360)),
    }
    assert len(keys) == 4
    assert preview_key(spec, None) == preview_key(make_spec(catalog), None)


def test_logo_placement_and_monogram_change_the_picture(catalog):
    base = make_spec(catalog, logo_id="x")
    pictures = {
        render_preview(base.replace(logo_placement=p), catalog, logo_png=_logo(), size=(400, 300))
        for p in ("lid", "tag", "card")
    }
    pictures.add(render_preview(base.replace(monogram="AB"), catalog, logo_png=_logo(), size=(400, 300)))
    assert len(pictures) == 4
