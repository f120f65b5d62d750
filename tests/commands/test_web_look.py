"""commands/web_look.py: the page's style, script and icon stay self-contained (the CSP
allows nothing from elsewhere). What they do in a browser is tested in tests/web/
(test_page_look.py: the script's forms of a time and the visitor's place)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from commands.web_look import FAVICON_SVG, PAGE_SCRIPT, PAGE_STYLE


def test_the_style_fetches_nothing_and_has_a_dark_scheme_and_focus_rings():
    assert "@import" not in PAGE_STYLE and "url(" not in PAGE_STYLE and "//" not in PAGE_STYLE
    assert "@media (prefers-color-scheme:dark)" in PAGE_STYLE
    assert ":focus-visible" in PAGE_STYLE
    assert PAGE_STYLE.count("{") == PAGE_STYLE.count("}")


def test_the_script_fetches_nothing_and_writes_no_markup():
    assert not re.search(r"fetch\(|XMLHttpRequest|innerHTML|document\.write|eval\(", PAGE_SCRIPT)
    assert "textContent" in PAGE_SCRIPT


def test_the_favicon_is_an_svg_of_its_own():
    root = ElementTree.fromstring(FAVICON_SVG)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 64 64"
    assert "href" not in FAVICON_SVG and "<script" not in FAVICON_SVG
