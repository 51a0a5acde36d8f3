"""A Playwright page for the console tests: it records browser errors and every error banner,
signs in, and reads what a person can see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# Every time the error banner shows text, remember it: a step that failed and was then
# overwritten by the next step's success still counts.
_WATCH_BANNER = """
window.__banners = [];
document.addEventListener('DOMContentLoaded', () => {
  const box = document.getElementById('error');
  const seen = () => {
    if (!box.hidden && box.textContent.trim()) window.__banners.push(box.textContent.trim());
  };
  new MutationObserver(seen).observe(
    box, { attributes: true, childList: true, characterData: true, subtree: true });
});
"""

# The text a person can read: visible text nodes, and every option of a visible select (the
# list opens on a click). Text marked as another language (lang="en": the language switch,
# the product name) and code (a command to type) are left out.
VISIBLE_TEXT = """() => {
  const out = [];
  const foreign = (el) => { const l = el.closest('[lang]'); return l && !l.lang.startsWith('zh'); };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const text = n.textContent.trim();
    if (!text || !el || foreign(el) || el.closest('code, script, style, title, option')) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.height) out.push(text);
  }
  for (const s of document.querySelectorAll('select')) {
    if (s.checkVisibility() && !foreign(s)) for (const o of s.options) out.push(o.text);
  }
  for (const i of document.querySelectorAll('input[placeholder]')) {
    if (i.checkVisibility() && !foreign(i)) out.push(i.placeholder);
  }
  return out;
}"""

# On a phone: the page is no wider than the screen, no table box scrolls sideways, and every
# visible button lies inside the screen. Answers what is wrong (empty when all is well).
PHONE_LAYOUT = """(width) => {
  const bad = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) bad.push(`page ${page}px wide`);
  for (const box of document.querySelectorAll('.scroll')) {
    if (box.checkVisibility() && box.scrollWidth > box.clientWidth + 1) {
      const what = box.firstElementChild?.id || 'a box';
      bad.push(`${what} scrolls sideways (${box.scrollWidth} > ${box.clientWidth})`);
    }
  }
  for (const b of document.querySelectorAll('main button')) {
    if (!b.checkVisibility()) continue;
    const r = b.getBoundingClientRect();
    if (r.left < 0 || r.right > width + 0.5)
      bad.push(`button ${b.textContent.trim()} at ${r.left}..${r.right}`);
  }
  return bad;
}"""


class Page:
    """A browser page that records console errors, uncaught exceptions and error banners."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 800) -> None:
        self.ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        self.ctx.set_default_timeout(30_000)
        self.ctx.add_init_script(_WATCH_BANNER)
        self.page = self.ctx.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def sign_in(self, base: str, token: str, ready: str = "#map circle.dot") -> Any:
        """Sign in and wait for ``ready`` (the map: the first view of a role that reads the
        pool; a supervisor's first view is another)."""
        p = self.page
        p.goto(base + "/")
        assert p.locator("html").get_attribute("lang") == "zh-CN"
        p.get_by_label("访问令牌").fill(token)
        p.get_by_role("button", name="登录").click()
        p.locator(ready).first.wait_for()
        return p

    def banners(self) -> list[str]:
        """Every text the error banner has shown since the page loaded."""
        return list(self.page.evaluate("window.__banners"))

    def shot(self, folder: Path, name: str, full: bool = False) -> Path:
        path = folder / f"console-{name}.png"
        self.page.screenshot(path=str(path), full_page=full)
        return path

    def visible_text(self) -> list[str]:
        return list(self.page.evaluate(VISIBLE_TEXT))

    def phone_layout_problems(self) -> list[str]:
        return list(self.page.evaluate(PHONE_LAYOUT, self.page.viewport_size["width"]))


def expect_text(p: Any, selector: str, text: str) -> None:
    from playwright.sync_api import expect

    expect(p.locator(selector)).to_contain_text(text)


def expect_count(locator: Any, n: int) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_count(n)
