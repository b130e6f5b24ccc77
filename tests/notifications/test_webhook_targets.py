"""Webhooks go to public addresses only: checked when saved and again before each delivery.

No test here needs the internet: literal addresses are judged without DNS, "localhost" resolves
on the machine, and the tests of changing DNS answers replace socket.getaddrinfo for one name.
"""

import ipaddress
import socket
import ssl
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from debatte.articles.models import Site
from debatte.notifications.models import DeliveryStatus, Webhook, WebhookDelivery
from debatte.notifications.targets import is_public, resolve_target, validate_webhook_url
from debatte.notifications.tasks_webhooks import deliver_webhook
from tests.notifications.receivers import Receiver

INTERNAL = "Webhooks cannot be sent to internal addresses"


def refusal(url: str) -> str:
    """The (English) reason `url` is refused; fails the test when it is accepted."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            validate_webhook_url(url)
        return " ".join(caught.value.messages)  # lazy: rendered in the active language


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any name lookup fails the test (literal addresses must not need one)."""

    def forbidden(host: Any, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"unexpected DNS lookup of {host!r}")

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)


class FakeDNS:
    """Answers for a few names; each lookup takes the next queued answer (the last one stays)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: Counter[str] = Counter()

    def answer(self, name: str, *addresses: str) -> None:
        self.answers[name] = [list(addresses)]

    def then(self, name: str, *addresses: str) -> None:
        self.answers[name].append(list(addresses))

    def lookup(self, name: str) -> list[str]:
        self.lookups[name] += 1
        queued = self.answers[name]
        return queued.pop(0) if len(queued) > 1 else queued[0]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    """Fake DNS answers for the names given to it; every other lookup goes through."""
    fake = FakeDNS()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in fake.answers:
            return real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in fake.lookup(host)
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return fake


# --- The rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:6379/", "127.0.0.1"),
        ("https://10.20.30.40/hooks", "10.20.30.40"),
        ("https://172.16.5.4/hooks", "172.16.5.4"),
        ("https://192.168.1.10/hooks", "192.168.1.10"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("https://100.64.0.1/hooks", "100.64.0.1"),
        ("https://0.0.0.0/hooks", "0.0.0.0"),  # noqa: S104 - a URL, not a bind
        ("https://224.0.0.1/hooks", "224.0.0.1"),
        ("https://240.0.0.1/hooks", "240.0.0.1"),
        ("http://[::1]:8000/hooks", "::1"),
        ("http://[::ffff:127.0.0.1]/hooks", "::ffff:127.0.0.1"),
        ("https://[fd12:3456::1]/hooks", "fd12:3456::1"),
        ("https://[fe80::1]/hooks", "fe80::1"),
        ("https://[ff02::1]/hooks", "ff02::1"),
        ("https://[2002:a00:1::1]/hooks", "2002:a00:1::1"),
    ],
)
def test_webhook_url_with_an_internal_address_is_refused_naming_it(
    url: str, address: str, no_dns: None
) -> None:
    assert refusal(url) == f"{INTERNAL} ({address})."


def test_webhook_url_whose_host_resolves_to_loopback_is_refused() -> None:
    reason = refusal("http://localhost:8000/hooks")

    assert reason.startswith(f"{INTERNAL} (localhost resolves to ")
    assert reason.removesuffix(").").rsplit(" ", 1)[1] in ("127.0.0.1", "::1")


def test_webhook_url_is_refused_when_any_of_its_addresses_is_internal(dns: FakeDNS) -> None:
    dns.answer("hooks.publisher.example", "93.184.215.14", "10.0.0.7")

    reason = refusal("https://hooks.publisher.example/debatte")

    assert reason == f"{INTERNAL} (hooks.publisher.example resolves to 10.0.0.7)."


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://93.184.215.14/hooks", "Webhooks can only be sent to http:// or https:// URLs."),
        ("file:///etc/passwd", "Webhooks can only be sent to http:// or https:// URLs."),
        ("https://redaktion:geheim@93.184.215.14/", "cannot contain a user name or password"),
        ("https://token@hooks.publisher.example/", "cannot contain a user name or password"),
    ],
)
def test_webhook_url_with_another_scheme_or_credentials_is_refused(
    url: str, reason: str, no_dns: None
) -> None:
    assert reason in refusal(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.215.14/hooks/debatte",
        "http://93.184.215.14:8080/hooks",
        "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hooks",
    ],
)
def test_webhook_url_with_a_public_address_is_accepted_without_dns(url: str, no_dns: None) -> None:
    validate_webhook_url(url)

    target = resolve_target(url)
    assert target.addresses == (str(ipaddress.ip_address(target.host)),)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("::ffff:93.184.215.14", True),  # IPv4-mapped: judged by the IPv4 address
        ("64:ff9b::5db8:d70e", True),  # NAT64 of 93.184.215.14
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("::ffff:10.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("100.127.255.254", False),
        ("198.18.0.1", False),  # benchmarking
        ("192.0.2.1", False),  # documentation
        ("255.255.255.255", False),
        ("::", False),
        ("::7f00:1", False),  # IPv4-compatible (deprecated)
        ("fec0::1", False),  # site-local (deprecated)
    ],
)
def test_is_public_knows_the_special_ranges(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_refusal_is_translated_to_german(no_dns: None) -> None:
    with translation.override("de"):
        with pytest.raises(ValidationError) as caught:
            validate_webhook_url("http://127.0.0.1/hooks")

        assert caught.value.messages == [
            "Webhooks können nicht an interne Adressen gesendet werden (127.0.0.1)."
        ]


def test_allow_private_setting_accepts_internal_addresses(allow_private: None) -> None:
    validate_webhook_url("http://127.0.0.1:8000/hooks")
    validate_webhook_url("http://localhost:8000/hooks")

    assert resolve_target("http://10.1.2.3/hooks").addresses == ("10.1.2.3",)
    assert "user name or password" in refusal("http://a:b@127.0.0.1/"), "still refused"


# --- Delivering --------------------------------------------------------------------------------


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records (and refuses) every outgoing connection a delivery tries to open."""
    opened: list[Any] = []

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(address)
        raise ConnectionRefusedError("no connections in this test")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return opened


def queued_delivery(site: Site, url: str) -> WebhookDelivery:
    webhook = Webhook.objects.create(site=site, url=url, events=["comment.published"], secret="s")
    return WebhookDelivery.objects.create(webhook=webhook, event="comment.published")


def test_delivery_is_refused_when_the_host_now_resolves_to_an_internal_address(
    site: Site, dns: FakeDNS, connections: list[Any], settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    dns.answer("hooks.publisher.example", "93.184.215.14")  # public when saved,
    dns.then("hooks.publisher.example", "169.254.169.254")  # internal when delivered
    validate_webhook_url("https://hooks.publisher.example/debatte")
    delivery = queued_delivery(site, "https://hooks.publisher.example/debatte")

    with translation.override("en"):
        assert deliver_webhook.call(delivery.pk) == DeliveryStatus.REFUSED

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REFUSED
    assert delivery.last_error == (
        f"{INTERNAL} (hooks.publisher.example resolves to 169.254.169.254)."
    )
    assert delivery.attempts == 1
    assert delivery.last_status_code is None and delivery.next_attempt_at is None
    assert connections == [], "nothing was sent"
    assert not DBTaskResult.objects.exists(), "no retry was queued"
    assert deliver_webhook.call(delivery.pk) == DeliveryStatus.REFUSED, "and it stays refused"
    assert dns.lookups["hooks.publisher.example"] == 2


def test_delivery_to_a_loopback_url_saved_past_the_form_is_refused(
    site: Site, connections: list[Any]
) -> None:
    delivery = queued_delivery(site, "http://127.0.0.1:8000/hooks")

    deliver_webhook.call(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REFUSED
    assert "127.0.0.1" in delivery.last_error
    assert connections == []


def self_signed(name: str, directory: Path) -> Path:
    """A certificate for `name` (and its key) in one PEM file, which is also its own CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = directory / f"{name}.pem"
    path.write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def test_delivery_connects_to_the_checked_address_without_resolving_again(
    site: Site, dns: FakeDNS, receiver: Receiver, allow_private: None
) -> None:
    dns.answer("rebinding.example", "127.0.0.1")
    dns.then("rebinding.example", "10.255.255.1")  # what a second lookup would get
    delivery = queued_delivery(site, f"http://rebinding.example:{receiver.port}/hooks")

    assert deliver_webhook.call(delivery.pk) == DeliveryStatus.DELIVERED

    assert receiver.hosts == [f"rebinding.example:{receiver.port}"]
    assert dns.lookups["rebinding.example"] == 1


def test_https_delivery_to_the_checked_address_verifies_the_certificate_for_the_host(
    site: Site,
    dns: FakeDNS,
    allow_private: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pem = self_signed("hooks.publisher.example", tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(pem)
    running = Receiver(tls=tls)
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))  # the client trusts this certificate only
    dns.answer("hooks.publisher.example", "127.0.0.1")
    dns.answer("elsewhere.example", "127.0.0.1")
    try:
        good = queued_delivery(site, f"https://hooks.publisher.example:{running.port}/hooks")
        wrong = queued_delivery(site, f"https://elsewhere.example:{running.port}/hooks")

        assert deliver_webhook.call(good.pk) == DeliveryStatus.DELIVERED
        deliver_webhook.call(wrong.pk)
    finally:
        running.stop()

    assert running.hosts == [f"hooks.publisher.example:{running.port}"]
    wrong.refresh_from_db()
    assert wrong.status == DeliveryStatus.FAILED
    assert "CERTIFICATE_VERIFY_FAILED" in wrong.last_error


# --- The admin form ----------------------------------------------------------------------------


def webhook_form(site: Site, url: str) -> dict[str, Any]:
    return {
        "site": site.pk,
        "url": url,
        "events": ["comment.published"],
        "secret": "geheim",
        "is_active": "on",
    }


def test_admin_form_shows_why_an_internal_url_is_refused(
    client: Any, site_admin: Any, site: Site
) -> None:
    client.force_login(site_admin)

    response = client.post(
        "/admin/notifications/webhook/add/",
        webhook_form(site, "http://169.254.169.254/latest/meta-data/"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert f"{INTERNAL} (169.254.169.254)." in response.content.decode()
    assert not Webhook.objects.exists()


def test_admin_form_saves_a_public_url(
    client: Any, site_admin: Any, site: Site, no_dns: None
) -> None:
    client.force_login(site_admin)

    response = client.post(
        "/admin/notifications/webhook/add/", webhook_form(site, "https://93.184.215.14/hooks")
    )

    assert response.status_code == 302
    assert Webhook.objects.get().url == "https://93.184.215.14/hooks"
