"""Every response carries a strict Content-Security-Policy and the other browser protections;
no template needs inline script or style (which the policy would block)."""

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "debatte" / "templates"


def directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    parts = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {name: (rest[0] if rest else "") for name, *rest in parts}


def assert_strict(response: Any, frame_ancestors: str = "'none'") -> None:
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == frame_ancestors
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "url",
    ["/", "/konto/login/", "/konto/signup/", "/admin/login/", "/api/v1/docs", "/healthz"],
)
def test_every_kind_of_response_has_the_strict_policy(client: Any, db: None, url: str) -> None:
    response = client.get(url, follow=True)

    assert response.status_code == 200, url
    assert_strict(response)


def test_article_page_and_a_missing_page_have_the_policy(client: Any, article: Any) -> None:
    assert_strict(client.get(reverse("article", args=[article.key])))
    assert_strict(client.get("/artikel/gibt-es-nicht/"))


def test_embed_page_names_only_its_sites_origins_as_frame_ancestors(client: Any, db: None) -> None:
    from debatte.articles.models import Article, Site

    site = Site.objects.create(
        name="Zeitung", slug="zeitung", allowed_origins="https://www.example.org\n"
    )
    Article.objects.create(site=site, key="zeitung:1", title="Eins", lead="", body=[])

    response = client.get("/embed/zeitung/artikel/1/")

    assert response.status_code == 200
    assert_strict(response, frame_ancestors="https://www.example.org")
    assert "X-Frame-Options" not in response


def test_an_origin_cannot_add_directives_to_the_policy() -> None:
    from debatte.articles.models import Site
    from debatte.embed.origins import frame_ancestor_sources

    site = Site(allowed_origins="https://a.example.org;script-src *\nhttps://b.example.org")

    assert frame_ancestor_sources(site) == ["https://b.example.org"]


class InlineCode(HTMLParser):
    """Inline <script>/<style>, on* handlers and style attributes in a template."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _value in attrs}
        values = dict(attrs)
        if tag == "script" and "src" not in names and values.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag}[{name}]" for name in names if name.startswith("on")]
        if "style" in names:
            self.found.append(f"{tag}[style]")


def test_no_template_has_inline_script_or_style() -> None:
    found = {}
    for path in TEMPLATES.rglob("*.html"):
        if "notifications/email" in path.as_posix():
            continue  # e-mails are not under the CSP; mail clients need inline styles
        parser = InlineCode()
        parser.feed(re.sub(r"{[%{#].*?[%}#]}", "", path.read_text(encoding="utf-8")))
        if parser.found:
            found[str(path.relative_to(TEMPLATES))] = parser.found
    assert found == {}
