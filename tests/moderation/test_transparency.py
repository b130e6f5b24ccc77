"""The transparency report (DSA Art. 15, 24): known figures made through the services, counted
by the selector in a fixed number of queries, shown on the page and downloaded as CSV."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from debatte.articles.models import Site, SiteMembership
from debatte.discussions.services import report_comment
from debatte.moderation.models import Notice, StatementOfReasons
from debatte.moderation.services.decisions import approve_comment, reject_comment, shorten_comment
from debatte.moderation.services.dsa import (
    decide_appeal,
    submit_appeal,
    submit_illegal_content_notice,
    submit_notice_appeal,
)
from debatte.moderation.services.users import warn_user
from debatte.moderation.transparency import Period, get_transparency_report

pytestmark = pytest.mark.django_db

URL = "/moderation/transparenz/"


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """The services' clock (timezone.now) stands at `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def notify(comment: Any, category: str) -> None:
    submit_illegal_content_notice(
        comment,
        explanation="Strafbar nach dem StGB.",
        category=category,
        email=f"hinweis-{comment.pk}@example.org",  # one each: notices are limited per address
    )


@pytest.fixture
def start() -> datetime:
    return timezone.now() + timedelta(minutes=5)


@pytest.fixture
def period(start: datetime) -> Period:
    return Period(
        timezone.localdate() - timedelta(days=1),
        timezone.localdate(start + timedelta(days=1)),
    )


@pytest.fixture
def figures(
    start: datetime,
    article: Any,
    make_article: Callable[..., Any],
    make_comment: Callable[..., Any],
    reader: Any,
    other_reader: Any,
    site_moderator: Any,
    second_moderator: Any,
    reject_reason: Any,
    shorten_reason: Any,
) -> dict[str, Any]:
    """Four notices (one left open), a reader's report, four decisions with statements (two
    on notices, one on a report, one own initiative), a warning, two kept/shortened notices,
    an author's appeal granted and a notifier's appeal rejected, one comment held."""
    removed, kept, shortened, still_open, spam, own = (
        make_comment(article, body=f"Kommentar {n} zur Lage.") for n in range(6)
    )
    make_comment(make_article(moderation_mode="pre"), body="Wartet auf die Moderation.")
    report_comment(spam, reporter=other_reader, reason="spam")
    with at(start):
        notify(removed, "insult")
        notify(kept, "hate")
        notify(shortened, "insult")
        notify(still_open, "threat")
    with at(start + timedelta(hours=1)):
        reject_comment(removed, moderator=site_moderator, reason=reject_reason)
    with at(start + timedelta(hours=2)):
        approve_comment(kept, moderator=site_moderator)
    with at(start + timedelta(hours=4)):
        shorten_comment(shortened, moderator=site_moderator, reason=shorten_reason, body="Kurz.")
    with at(start + timedelta(hours=5)):
        reject_comment(spam, moderator=site_moderator, reason=reject_reason)
        reject_comment(own, moderator=site_moderator, reason=reject_reason)
        warn_user(reader, moderator=site_moderator, reason="Dritte Beleidigung.", comment=own)
    with at(start + timedelta(hours=6)):
        appeal = submit_appeal(
            StatementOfReasons.objects.get(comment=own, decision="comment.reject"),
            user=reader,
            text="Das war sachlich.",
        )
        notifier_appeal = submit_notice_appeal(
            Notice.objects.get(report__comment=kept), text="Das ist Hetze."
        )
    with at(start + timedelta(hours=7)):
        decide_appeal(appeal, moderator=second_moderator, reverse=True, note="Stimmt.")
        decide_appeal(notifier_appeal, moderator=second_moderator, reverse=False, note="Nein.")
    return {"site": article.site}


def test_report_counts_what_the_services_did(
    figures: dict[str, Any], period: Period, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(10):
        report = get_transparency_report(period, site_ids=[figures["site"].pk])
    assert report.notices_by_category == {
        "insult": 2,
        "hate": 1,
        "threat": 1,
        "symbols": 0,
        "privacy": 0,
        "copyright": 0,
        "other": 0,
    }
    assert report.notices_received == 4
    assert report.notice_decisions == {"removed": 1, "shortened": 1, "kept": 1}
    # 1 h, 2 h, 4 h from notice to decision: the median is the middle one, p90 the last.
    assert report.median_to_decision == timedelta(hours=2)
    assert report.p90_to_decision == timedelta(hours=4)
    assert report.reports_by_reason["illegal"] == 4 and report.reports_by_reason["spam"] == 1
    assert report.reports_received == 5
    assert report.decisions_by_type == {
        "comment.reject": 3,
        "comment.shorten": 1,
        "user.warn": 1,
        "user.suspend": 0,
        "user.ban": 0,
        "user.premoderate": 0,
    }
    assert (report.on_notice, report.own_initiative, report.automated_decisions) == (3, 2, 0)
    assert report.decisions_by_ground == [
        ("comment.reject", "Bitte bleiben Sie sachlich.", 3),
        ("comment.shorten", "Bitte verzichten Sie auf Unterstellungen.", 1),
        ("user.warn", "Dritte Beleidigung.", 1),
    ]
    assert report.appeals == {
        "received_from_authors": 1,
        "received_from_notifiers": 1,
        "upheld": 1,
        "reversed": 1,
        "withdrawn": 0,
        "open_at_end": 0,
    }
    assert report.held_by_pipeline == 1


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(
    start: datetime,
    period: Period,
    article: Any,
    make_comment: Callable[..., Any],
    site_moderator: Any,
) -> None:
    comments = [make_comment(article, body=f"Satz {n}.") for n in range(4)]
    with at(start):
        for comment in comments:
            notify(comment, "other")
    for hours, comment in zip((1, 2, 3, 10), comments, strict=True):
        with at(start + timedelta(hours=hours)):
            approve_comment(comment, moderator=site_moderator)
    report = get_transparency_report(period, site_ids=None)
    assert report.median_to_decision == timedelta(hours=2, minutes=30)
    assert report.p90_to_decision == timedelta(hours=10)


def test_an_empty_period_has_no_times_and_fewer_queries(
    figures: dict[str, Any], django_assert_num_queries: Any
) -> None:
    empty = Period(date(2020, 1, 1), date(2020, 6, 30))
    with django_assert_num_queries(8):
        report = get_transparency_report(empty, site_ids=[figures["site"].pk])
    assert report.median_to_decision is None and report.p90_to_decision is None
    assert report.notices_received == report.decisions_total == 0


def test_other_sites_are_not_counted(
    figures: dict[str, Any],
    period: Period,
    make_article: Callable[..., Any],
    make_comment: Callable[..., Any],
) -> None:
    other = Site.objects.create(name="Andere Zeitung", slug="andere", rate_limit_per_minute=0)
    notify(make_comment(make_article(site=other), body="Anderswo."), "privacy")
    mine = get_transparency_report(period, site_ids=[figures["site"].pk])
    everything = get_transparency_report(period, site_ids=None)
    assert mine.notices_by_category["privacy"] == 0
    assert everything.notices_by_category["privacy"] == 1
    assert everything.notices_received == mine.notices_received + 1


def csv_expected(period: Period, site_name: str) -> str:
    return (
        "section,item,value\n"
        f"period,start,{period.start.isoformat()}\n"
        f"period,end,{period.end.isoformat()}\n"
        f"period,sites,{site_name}\n"
        "notices,received,4\n"
        "notices_by_category,insult,2\n"
        "notices_by_category,hate,1\n"
        "notices_by_category,threat,1\n"
        "notices_by_category,symbols,0\n"
        "notices_by_category,privacy,0\n"
        "notices_by_category,copyright,0\n"
        "notices_by_category,other,0\n"
        "notice_decisions,removed,1\n"
        "notice_decisions,shortened,1\n"
        "notice_decisions,kept,1\n"
        "notice_decisions,total,3\n"
        "time_to_decision,median_seconds,7200\n"
        "time_to_decision,p90_seconds,14400\n"
        "reports,received,5\n"
        "reports_by_reason,insult,0\n"
        "reports_by_reason,hate,0\n"
        "reports_by_reason,spam,1\n"
        "reports_by_reason,off_topic,0\n"
        "reports_by_reason,misinformation,0\n"
        "reports_by_reason,illegal,4\n"
        "reports_by_reason,other,0\n"
        "decisions_by_type,comment.reject,3\n"
        "decisions_by_type,comment.shorten,1\n"
        "decisions_by_type,user.warn,1\n"
        "decisions_by_type,user.suspend,0\n"
        "decisions_by_type,user.ban,0\n"
        "decisions_by_type,user.premoderate,0\n"
        "decisions,total,5\n"
        "decisions,on_notice,3\n"
        "decisions,own_initiative,2\n"
        "decisions,automated,0\n"
        "decisions_by_ground:comment.reject,Bitte bleiben Sie sachlich.,3\n"
        "decisions_by_ground:comment.shorten,Bitte verzichten Sie auf Unterstellungen.,1\n"
        "decisions_by_ground:user.warn,Dritte Beleidigung.,1\n"
        "appeals,received_from_authors,1\n"
        "appeals,received_from_notifiers,1\n"
        "appeals,upheld,1\n"
        "appeals,reversed,1\n"
        "appeals,withdrawn,0\n"
        "appeals,open_at_end,0\n"
        "automated_means,held_by_pipeline,1\n"
        "automated_means,flagged_comments,0\n"
        "automated_means,flagged_by_classifier,0\n"
    )


def test_page_and_csv_show_the_figures(
    client: Any, figures: dict[str, Any], period: Period, site_moderator: Any
) -> None:
    client.force_login(site_moderator)
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    page = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Transparency report" in html
    assert "Insult, defamation or slander</th><td>2</td>" in html
    assert "Median time from notice to decision</th><td>2 h 0 min</td>" in html
    assert "Decided: decision reversed</th><td>1</td>" in html
    assert "format=csv" in html

    download = client.get(URL, {**params, "format": "csv"})
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in download["Content-Disposition"]
    assert download.content.decode() == csv_expected(period, figures["site"].name)

    german = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Transparenzbericht" in german


def test_page_defaults_to_the_last_half_year(client: Any, site_moderator: Any) -> None:
    client.force_login(site_moderator)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    today = timezone.localdate()
    first_half = today.month > 6
    start = date(today.year, 1, 1) if first_half else date(today.year - 1, 7, 1)
    assert f'value="{start.isoformat()}"' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-06-30", "end": "2026-01-01"}, "The end must not be before the start."),
        ({"start": "gestern", "end": "2026-01-01"}, "Enter a valid date."),
        ({"start": "2000-01-01", "end": "2026-01-01"}, "A report covers at most five years."),
        ({"start": "2026-01-01", "end": "2026-06-30", "site": "999"}, "Select a valid choice."),
    ],
)
def test_bad_periods_are_refused_with_a_message(
    client: Any, site_moderator: Any, params: dict[str, str], message: str
) -> None:
    client.force_login(site_moderator)
    response = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get(URL, {**params, "format": "csv"}).status_code == 400


def test_page_is_for_moderators_only(client: Any, reader: Any) -> None:
    assert client.get(URL).status_code == 302  # to the login
    client.force_login(reader)
    assert client.get(URL).status_code == 403


def test_a_moderator_sees_only_their_sites(
    client: Any,
    figures: dict[str, Any],
    period: Period,
    other_site_moderator: Any,
    make_user: Callable[..., Any],
) -> None:
    params = {"start": period.start.isoformat(), "end": period.end.isoformat(), "format": "csv"}
    client.force_login(other_site_moderator)
    theirs = client.get(URL, params).content.decode()
    assert "notices,received,0\n" in theirs and "period,sites,Andere Zeitung\n" in theirs
    refused = client.get(URL, {**params, "site": figures["site"].pk})
    assert refused.status_code == 400

    admin = make_user("Chefin", is_superuser=True)
    client.force_login(admin)
    everything = client.get(URL, params).content.decode()
    assert "notices,received,4\n" in everything and "period,sites,*\n" in everything


def test_site_admins_see_the_report(
    client: Any, figures: dict[str, Any], period: Period, make_user: Callable[..., Any]
) -> None:
    admin = make_user("Seitenchefin")
    SiteMembership.objects.create(site=figures["site"], user=admin, role="admin")
    client.force_login(admin)
    params = {"start": period.start.isoformat(), "end": period.end.isoformat(), "format": "csv"}
    assert "notices,received,4\n" in client.get(URL, params).content.decode()


def test_a_plain_report_of_illegal_content_counts_as_a_notice(
    period: Period, article: Any, make_comment: Callable[..., Any], other_reader: Any
) -> None:
    comment = make_comment(article, body="Über das normale Formular gemeldet.")
    report_comment(comment, reporter=other_reader, reason="illegal", explanation="Strafbar.")
    report = get_transparency_report(period, site_ids=None)
    assert report.notices_received == 1 and report.notices_by_category["other"] == 1
