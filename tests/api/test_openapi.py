"""The OpenAPI document is committed; a change to the API must change the snapshot too.

Refresh it after an intended change:
    UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/pytest -p no:cacheprovider tests/api/test_openapi.py
"""

import json
import os
import re
from pathlib import Path

from django.test import Client

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


def render(document: object) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_openapi_document_matches_the_committed_snapshot(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    current = render(response.json())
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.exists(), "no snapshot: run with UPDATE_OPENAPI_SNAPSHOT=1"
    assert current == SNAPSHOT.read_text(encoding="utf-8"), (
        "The API changed. If intended, run: UPDATE_OPENAPI_SNAPSHOT=1 "
        ".venv/bin/pytest -p no:cacheprovider tests/api/test_openapi.py and commit the diff."
    )


def test_openapi_document_describes_every_operation_with_json_errors(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) == 27
    for operation in operations:
        errors = {code for code in operation["responses"] if code.startswith(("4", "5"))}
        assert {"401", "403", "422"} <= errors, operation["operationId"]
        assert not any(code.startswith("5") for code in errors)


def test_docs_page_loads_its_assets_from_this_server_not_a_cdn(db: None) -> None:
    client = Client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    # no asset from another host (a bare "cdn" test would trip over a random token)
    assert not re.search(r'<(script|link)\b[^>]*\b(src|href)="(https?:)?//', html)
    assert "https://" not in html
    assert "/api/v1/openapi.json" in html
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        assert f"/api/v1/docs/assets/{asset}" in html
        served = client.get(f"/api/v1/docs/assets/{asset}")
        assert served.status_code == 200
        assert b"".join(served.streaming_content)  # type: ignore[attr-defined]


def test_docs_assets_serve_only_the_bundled_files(db: None) -> None:
    assert Client().get("/api/v1/docs/assets/..%2Fsettings.py").status_code == 404
    assert Client().get("/api/v1/docs/assets/redoc.standalone.js.map").status_code == 404
