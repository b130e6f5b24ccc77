"""A Chromium page that records every sign of script injection.

What counts: a dialog; a call of alert/confirm/prompt/print (replaced before the page's own
scripts by an init script, which the driver injects, so the CSP does not apply to it); a
`securitypolicyviolation` event or a "Refused to ..." console message (markup that tried to run
and was stopped by the CSP still means the escaping failed); an uncaught error or a console
error; and, in the DOM after load, any element or attribute that could run script (on*
attributes, javascript:/data: URLs, style attributes, script/iframe/object/embed/base elements
other than the project's own scripts).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

CHROMIUM = os.environ.get("DEBATTE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

INIT_SCRIPT = """
(() => {
  window.__xss_hits = [];
  window.__csp = [];
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = function (message) {
      window.__xss_hits.push(name + "(" + String(message).slice(0, 80) + ")");
    };
  }
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__csp.push(event.violatedDirective + " " + event.blockedURI + " " +
                      (event.sample || "").slice(0, 80));
  }, true);
})();
"""

DOM_SCAN = """
() => {
  const found = [];
  const urlAttributes = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
                                 "srcdoc", "background", "poster", "lowsrc", "dynsrc"]);
  const ownScript = location.origin + "/static/";
  for (const element of document.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(tag + "[" + name + "]");
      if (name === "style") found.push(tag + "[style]");
      if (urlAttributes.has(name) && /^(javascript|vbscript|data|livescript):/.test(value)) {
        found.push(tag + "[" + name + "=" + value.slice(0, 40) + "]");
      }
    }
    if (tag === "script" && element.type !== "application/json" &&
        !(element.src || "").startsWith(ownScript)) found.push("script " + element.src);
    if (["iframe", "frame", "object", "embed", "base", "applet", "frameset", "xss"]
        .includes(tag)) found.push(tag);
    if (tag === "meta" && element.httpEquiv) found.push("meta http-equiv");
    // SVG or MathML inside what readers wrote (the admin's own icons are SVG).
    if (element.namespaceURI !== "http://www.w3.org/1999/xhtml" &&
        element.closest(".comment, .queue-item, #result_list")) found.push("foreign " + tag);
  }
  return found;
}
"""


@dataclass
class Findings:
    pages: int = 0
    dialogs: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)

    def executions(self) -> list[str]:
        return self.dialogs + self.calls + self.errors + self.markup

    def summary(self) -> str:
        return (
            f"{self.pages} pages: {len(self.dialogs)} dialogs, {len(self.calls)} alert calls, "
            f"{len(self.csp)} CSP violations, {len(self.errors)} errors, "
            f"{len(self.markup)} active elements; first: "
            f"{(self.dialogs + self.calls + self.csp + self.errors + self.markup)[:5]}"
        )


class Probe:
    """Loads pages in one browser context and collects what the payloads did."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.findings = Findings()
        context.add_init_script(INIT_SCRIPT)
        self.page = context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.findings.errors.append(str(error)[:200]))

    def _dialog(self, dialog: Any) -> None:
        self.findings.dialogs.append(f"{dialog.type}: {dialog.message[:80]}")
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        text = message.text
        if "Refused to" in text or "Content Security Policy" in text:
            self.findings.csp.append(text[:200])
        elif message.type == "error" and "Failed to load resource" not in text:
            self.findings.errors.append(text[:200])

    def visit(self, url: str, *, referer: str | None = None, settle_ms: int = 50) -> Any:
        """Load `url`, let onload/onerror handlers fire, collect the page's own records."""
        response = self.page.goto(url, referer=referer, wait_until="load")
        assert response is not None and response.status == 200, (url, response and response.status)
        self.page.wait_for_timeout(settle_ms)
        self.collect()
        return response

    def collect(self) -> None:
        state = self.page.evaluate("() => [window.__xss_hits || [], window.__csp || []]")
        self.findings.calls.extend(state[0])
        self.findings.csp.extend(state[1])
        self.findings.markup.extend(self.page.evaluate(DOM_SCAN))
        self.findings.pages += 1
        # The next page starts with empty records (the init script runs again on navigation).


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright's sync API, for one test."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_probe(browser: Any, base_url: str, cookies: list[dict[str, Any]] | None = None) -> Probe:
    context = browser.new_context(
        base_url=base_url, locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(60_000)
    # No live-update streams: an open stream keeps a thread of the test server alive for its
    # whole lifetime (minutes), and the live updates carry no comment text to check here.
    context.route("**/live/**", lambda route: route.abort())
    if cookies:
        context.add_cookies(cookies)
    return Probe(context)
