"""The site's external HTTP check, against a real HTTP server on 127.0.0.1.

127.0.0.1 is an internal address: the check refuses it unless the operator allows internal
hosts (DEBATTE_WEBHOOK_ALLOW_PRIVATE), so most tests here allow them (`allow_private`).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from debatte.articles.models import Site, SiteMembership, default_site_id
from debatte.discussions.models import Comment, CommentStatus
from debatte.moderation.pipeline import AuthorFacts, DiscussionFacts, PipelineContext, run_pipeline


class Handler(BaseHTTPRequestHandler):
    answer: dict[str, object] = {"action": "publish"}
    delay = 0.0
    received: list[dict[str, object]] = []
    paths: list[str] = []

    def do_POST(self):  # noqa: N802 (the http.server API)
        length = int(self.headers["Content-Length"])
        Handler.paths.append(self.path)
        Handler.received.append(json.loads(self.rfile.read(length)))
        time.sleep(Handler.delay)
        status = int(Handler.answer.get("status", 200))  # type: ignore[call-overload]
        if self.path != "/check":
            status = 200  # where a redirect points: an answer that would publish
        if status != 200:
            self.send_response(status)
            if "location" in Handler.answer:
                self.send_header("Location", str(Handler.answer["location"]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps(Handler.answer).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except BrokenPipeError:
            pass  # the pipeline gave up waiting, as it should

    def do_GET(self):  # noqa: N802 - where urllib turns a followed 302 of a POST
        Handler.paths.append(self.path)
        body = b'{"action": "publish"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def checker():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.answer, Handler.delay, Handler.received, Handler.paths = (
        {"action": "publish"},
        0.0,
        [],
        [],
    )
    yield f"http://127.0.0.1:{server.server_address[1]}/check"
    server.shutdown()
    server.server_close()


def run(url, timeout=1.0):
    context = PipelineContext(
        text="Ein Beitrag",
        author=AuthorFacts(user_id=7),
        discussion=DiscussionFacts(external_check_url=url, external_check_timeout=timeout),
    )
    return run_pipeline(context)


def test_external_check_publish_answer_publishes_and_gets_the_text(db, checker, allow_private):
    assert run(checker).status == "published"
    assert Handler.received == [{"text": "Ein Beitrag", "author_id": 7}]


@pytest.mark.parametrize("action", ["hold", "reject"])
def test_external_check_hold_or_reject_holds_for_a_human(db, checker, allow_private, action):
    Handler.answer = {"action": action, "reason": "spam"}
    verdict = run(checker)
    assert verdict.status == "pending"
    assert verdict.flags[-1].detail == "spam"


def test_external_check_to_a_loopback_address_is_refused_by_default(db, checker):
    verdict = run(checker)

    assert verdict.status == "pending"
    assert (verdict.flags[-1].code, verdict.flags[-1].detail) == ("phase_error", "external")
    assert Handler.received == [], "nothing was sent to the internal address"


def test_external_check_does_not_follow_a_redirect(db, checker, allow_private):
    Handler.answer = {"status": 302, "location": checker.replace("/check", "/elsewhere")}

    verdict = run(checker)

    assert verdict.status == "pending"
    assert Handler.paths == ["/check"], "the redirect's target was never asked"


def test_external_check_answer_larger_than_the_cap_holds(db, checker, allow_private):
    Handler.answer = {"action": "publish", "padding": "x" * 100_000}

    assert run(checker).status == "pending"


@pytest.mark.parametrize("answer", [{"status": 500}, {"action": "delete-everything"}])
def test_external_check_failure_holds_with_a_generic_reason(db, checker, allow_private, answer):
    Handler.answer = answer
    verdict = run(checker)
    assert verdict.status == "pending"
    assert (verdict.flags[-1].code, verdict.flags[-1].detail) == ("phase_error", "external")


def test_external_check_timeout_holds(db, checker, allow_private):
    Handler.delay = 0.6
    verdict = run(checker, timeout=0.1)
    assert verdict.status == "pending"
    assert verdict.flags[-1].code in {"phase_error", "phase_timeout"}


def test_external_check_unreachable_holds(db, allow_private):
    verdict = run("http://127.0.0.1:9/nothing-listens-here", timeout=0.2)
    assert verdict.status == "pending"


def test_queue_shows_a_generic_reason_not_the_error(
    client, article, reader, make_user, allow_private
):
    site = Site.objects.get(pk=default_site_id())
    Site.objects.filter(pk=site.pk).update(
        external_check_url="http://127.0.0.1:9/nothing-listens-here", external_check_timeout=0.5
    )
    moderator = make_user("Mia Moderatorin", staff=True)
    SiteMembership.objects.create(site=site, user=moderator, role="moderator")
    client.force_login(reader)
    client.post(f"/artikel/{article.key}/kommentieren/", {"body": "Ein ganz normaler Beitrag."})
    assert Comment.objects.get(article=article).status == CommentStatus.PENDING

    client.force_login(moderator)
    page = client.get("/moderation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "A check failed: external" in page
    for leak in ("127.0.0.1", "Errno", "refused", "URLError"):
        assert leak not in page


# --- The URL is checked when the site is saved ----------------------------------------------


def site_form(site, url):
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(site).items() if v is not None}
    data.update(
        {
            "external_check_url": url,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
    )
    for flag in ("hold_links", "own_accounts"):
        if not data.get(flag):
            data.pop(flag, None)
    return data


@pytest.fixture
def superuser_client(client, db):
    from debatte.accounts.models import User

    root = User.objects.create_superuser(
        email="root@example.org", password="a-long-test-password", display_name="Root"
    )
    client.force_login(root)
    return client


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/check", "http://169.254.169.254/latest/", "ftp://93.184.215.14/x"],
)
def test_site_form_refuses_an_internal_or_odd_check_url(superuser_client, url):
    site = Site.objects.get(pk=default_site_id())

    response = superuser_client.post(
        f"/admin/articles/site/{site.pk}/change/", site_form(site, url), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "internal address" in html or "Only http:// or https://" in html
    assert Site.objects.get(pk=site.pk).external_check_url == ""


def test_site_form_accepts_an_internal_check_url_when_allowed(superuser_client, allow_private):
    site = Site.objects.get(pk=default_site_id())

    response = superuser_client.post(
        f"/admin/articles/site/{site.pk}/change/", site_form(site, "http://127.0.0.1:8080/check")
    )

    assert response.status_code == 302
    assert Site.objects.get(pk=site.pk).external_check_url == "http://127.0.0.1:8080/check"
