"""Issue 31: the page in a real browser set to Spanish (headless Chromium, driven by
Playwright): it reads Spanish, dates written by the script too, and its link switches it to
English."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


async def test_a_spanish_browser_sees_spanish_and_the_link_switches_to_english(chat, browser_page):
    page = await browser_page(chat, timezone_id="America/Sao_Paulo", locale="es-ES")
    await page.clock.set_fixed_time(chat.clock.now())
    await page.reload()
    assert await page.locator("html").get_attribute("lang") == "es"
    card = page.locator("section.card")
    assert await card.locator(".eyebrow").text_content() == "Próxima sesión"
    # The script writes the date in the visitor's zone and in the page's language: Thursday
    # 08:00 UTC is 05:00 in São Paulo, in 3 days from Monday.
    assert await card.locator("time").first.inner_text() == "jueves, 26 de noviembre, 05:00"
    assert await card.locator("time.soon").inner_text() == "dentro de 3 días"
    assert "Unirse a la llamada" in await card.inner_text()
    assert await page.locator("#zone").inner_text() == "Las horas están en la hora de Sao Paulo, tu zona horaria."
    await page.get_by_role("link", name="English").click()
    await page.wait_for_load_state()
    assert await page.locator("html").get_attribute("lang") == "en"
    assert await card.locator(".eyebrow").text_content() == "Next session"
    assert await card.locator("time").first.inner_text() == "Thursday 26 November, 05:00"
    assert "Join the call" in await card.inner_text()
