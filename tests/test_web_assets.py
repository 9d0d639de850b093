"""The server-driven index.html carries the connection-lost cover in all eight languages."""

from __future__ import annotations

import json
import re

from app.i18n import SUPPORTED_LOCALES, Translator
from app.ui.web_assets import CONNECTION_LOST, CONNECTION_LOST_BODY, overlay_texts, prepare_assets


def test_cover_texts_are_translated_in_every_language():
    """Each language has its own cover title and explanation; only Arabic is right to left."""
    texts = overlay_texts()
    assert set(texts) == set(SUPPORTED_LOCALES)
    for locale, text in texts.items():
        t = Translator(locale)
        assert text["title"] == t.gettext(CONNECTION_LOST) and text["body"] == t.gettext(CONNECTION_LOST_BODY)
        if locale != "en":
            assert text["title"] != CONNECTION_LOST and text["body"] != CONNECTION_LOST_BODY, locale
        assert text["rtl"] is (locale == "ar")
    assert len({t["title"] for t in texts.values()}) == len(texts)


def test_index_html_carries_the_cover_before_flet_starts(tmp_path):
    """The served index.html holds the cover script (with every translation) ahead of Flet's
    own config, and is rewritten when stale."""
    (tmp_path / "index.html").write_text("old", "utf-8")
    html = (prepare_assets(tmp_path) / "index.html").read_text("utf-8")
    assert html.index("sf-connection-lost") < html.index("<!-- fletAppConfig -->")
    texts = json.loads(re.search(r"var TEXTS = (\{.*?\});", html).group(1))
    assert texts == overlay_texts()
    assert "__SF_" not in html
