"""Issue 9: rate limits, retention, sealed records, privacy headers, logs without ids."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from paintrace.web import crypto, store
from paintrace.web.logs import RedactFilter, redact_path, redact_text
from paintrace.web.models import Assessment

pytestmark = pytest.mark.django_db

CASE = {"drawing": {"right.buttock-center": ["pain"]}, "findings": {"worse-sitting": True}}


@pytest.fixture
def limits(settings: Any, rate_windows: None) -> Any:
    settings.RATE_LIMITS = {
        "assessment": [(3, 60)],
        "interview": [(5, 60)],
        "change": [(2, 60)],
        "write": [(4, 60)],
    }
    return settings


# ------------------------------------------------------------------------------ rate limits


def test_assessments_over_the_limit_get_429_with_retry_after(api: Any, limits: Any) -> None:
    codes = [api.post("/api/assessments", CASE).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    response = api.post("/api/assessments", CASE)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.json()["detail"]
    assert Assessment.objects.count() == 3  # the refused ones were not saved


def test_interview_steps_and_deletes_have_their_own_scopes(api: Any, limits: Any) -> None:
    assert [api.post("/api/interview/next", CASE).status_code for _ in range(6)][-2:] == [200, 429]
    aid = api.post("/api/assessments", CASE).json()["id"]  # another scope: still allowed
    assert api.delete("/api/assessments/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert api.delete("/api/assessments/AAAAAAAAAAAAAAAAAAAAAB").status_code == 404
    assert api.delete(f"/api/assessments/{aid}").status_code == 429
    assert api.get(f"/api/assessments/{aid}").status_code == 200  # reads are not limited


def test_logging_out_does_not_use_up_the_log_in_limit(api: Any, limits: Any) -> None:
    """DELETE /api/auth/token shares its route with logging in; it counts as a plain write, so
    someone who logs out often can still log in."""
    limits.RATE_LIMITS = {**limits.RATE_LIMITS, "login": [(2, 60)], "write": [(50, 60)]}
    for _ in range(5):
        assert api.delete("/api/auth/token").status_code == 401  # no token: nothing to revoke
    body = {"username": "nobody", "password": "not the password at all"}
    assert api.post("/api/auth/token", body).status_code == 401  # counted as a log-in, not 429


def test_page_writes_are_limited_too(client: Any, limits: Any) -> None:
    codes = [client.post("/", {"region": "right.buttock-center"}).status_code for _ in range(6)]
    assert codes[-1] == 429 and codes.count(429) == 1
    assert "Too many requests" in client.post("/").content.decode()


def test_assessments_made_on_the_pages_count_against_the_assessment_limit(
    client: Any, limits: Any
) -> None:
    """Two posts make an assessment on the pages (a drawing, then a warning sign answered yes):
    counted as interview steps only, that was 60 saved assessments a minute where the API
    allows 10. A refused one keeps the interview, to finish later."""
    from paintrace.web.pages import warning_signs

    limits.RATE_LIMITS = {**limits.RATE_LIMITS, "interview": [(50, 60)]}
    nerves = warning_signs.theme("nerves")
    assert nerves is not None
    answers = {"step": "0", "theme": "nerves", **{f"rf:{f}": "no" for f in nerves.findings}}
    answers["rf:bladder-dysfunction"] = "yes"

    def finish() -> int:
        client.post("/", {"r:right.buttock-center": ["pain"]})
        return client.post("/interview/", answers).status_code

    assert [finish() for _ in range(4)] == [302, 302, 302, 429]
    assert Assessment.objects.count() == 3
    from paintrace.web.pages.state import SESSION_KEY

    assert SESSION_KEY in client.session  # the interview is kept, to finish later


def _post_case(client: Any, **meta: str) -> int:
    """POST the case as a client seen with these request headers / addresses; the status."""
    return client.post(
        "/api/assessments", json.dumps(CASE), content_type="application/json", **meta
    ).status_code


def test_clients_are_counted_apart_and_a_trusted_proxy_is_seen_through(
    client: Any, limits: Any
) -> None:
    limits.TRUSTED_PROXIES = ["127.0.0.1"]

    def post(forwarded: str) -> int:
        return _post_case(client, HTTP_X_FORWARDED_FOR=forwarded)

    assert [post("203.0.113.7") for _ in range(4)] == [201, 201, 201, 429]
    assert post("203.0.113.8") == 201  # another client behind the same proxy
    assert post("198.51.100.1, 203.0.113.7") == 429  # a forged first hop changes nothing


def test_ipv4_clients_of_a_dual_stack_listener_are_counted_apart(client: Any, limits: Any) -> None:
    """Listening on ``::``, an IPv4 client's address is IPv4-mapped (``::ffff:a.b.c.d``): taken
    as an IPv6 address and cut to its /64, every IPv4 client would share one count, and one of
    them could use up everyone's limits."""

    def post(address: str) -> int:
        return _post_case(client, REMOTE_ADDR=address)

    assert [post("::ffff:203.0.113.7") for _ in range(4)] == [201, 201, 201, 429]
    assert post("::ffff:198.51.100.1") == 201  # another IPv4 client
    assert post("203.0.113.7") == 429  # the same client, seen on an IPv4 listener


def test_a_proxy_on_a_dual_stack_listener_is_still_trusted(client: Any, limits: Any) -> None:
    limits.TRUSTED_PROXIES = ["127.0.0.1"]

    def post(forwarded: str) -> int:
        return _post_case(client, REMOTE_ADDR="::ffff:127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert [post("203.0.113.7") for _ in range(4)] == [201, 201, 201, 429]
    assert post("203.0.113.8") == 201


@pytest.mark.parametrize(
    ("path", "field"),
    [("/accounts/password/", "old_password"), ("/accounts/delete/", "password")],
)
def test_password_guesses_on_account_pages_count_as_log_ins(
    client: Any, limits: Any, path: str, field: str
) -> None:
    """These pages check the current password without django-axes (it watches log-ins only):
    someone holding a session must not guess the password at the pace of ordinary writes."""
    from django.contrib.auth import get_user_model

    limits.RATE_LIMITS = {**limits.RATE_LIMITS, "login": [(2, 60)], "write": [(50, 60)]}
    user = get_user_model().objects.create_user("carol", password="a long passphrase here")
    client.force_login(user)
    codes = [client.post(path, {field: f"guess {n}"}).status_code for n in range(3)]
    assert codes[-1] == 429 and codes.count(429) == 1


def test_the_limiter_is_reusable_for_new_scopes(rf: Any, settings: Any, rate_windows: None) -> None:
    from paintrace.web import ratelimit

    settings.RATE_LIMITS = {"login": [(2, 60)]}

    @ratelimit.limit("login")
    def view(request: Any) -> Any:
        from django.http import HttpResponse

        return HttpResponse("ok")

    codes = [view(rf.post("/api/login")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert ratelimit.hit(rf.post("/x"), "not-configured") is None


def test_rate_limit_setting_is_parsed_strictly() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from paintrace.web.settings import parse_rate_limits

    assert parse_rate_limits("assessment=10/m+120/h") == {"assessment": [(10, 60), (120, 3600)]}
    assert parse_rate_limits("off") == {}
    for bad in ("assessment=10", "assessment=ten/m", "=3/m", "a=0/m"):
        with pytest.raises(ImproperlyConfigured):
            parse_rate_limits(bad)


# ------------------------------------------------------------------------ sealed and compact


def test_the_database_holds_neither_the_id_nor_the_health_data(api: Any) -> None:
    created = api.post("/api/assessments", CASE).json()
    row = Assessment.objects.get()
    assert row.lookup == crypto.lookup_key(created["id"]) and created["id"] not in row.lookup
    sealed = bytes(row.sealed)
    assert b"buttock" not in sealed and b"worse-sitting" not in sealed
    assert len(sealed) < 400  # the input, not a copy of the plan (a plan is ~12 KB of JSON)
    assert not {"input", "result"} & {f.name for f in Assessment._meta.get_fields()}


def test_a_record_does_not_open_with_another_id() -> None:
    sealed = crypto.seal("A" * 22, b"secret", b"record")
    assert crypto.open_sealed("A" * 22, sealed, b"record") == b"secret"
    for aid, context in (("B" * 22, b"record"), ("A" * 22, b"pdf")):
        with pytest.raises(crypto.Unreadable):
            crypto.open_sealed(aid, sealed, context)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(crypto.Unreadable):
        crypto.open_sealed("A" * 22, tampered, b"record")


def test_a_record_larger_than_the_bound_is_a_413(api: Any, settings: Any) -> None:
    settings.MAX_RECORD_BYTES = 50
    response = api.post("/api/assessments", CASE)
    assert response.status_code == 413
    assert Assessment.objects.count() == 0


# --------------------------------------------------------------------------------- retention


def test_expired_assessments_are_gone_at_once_and_purged(api: Any, settings: Any) -> None:
    settings.RETENTION_DAYS = 90
    old = api.post("/api/assessments", CASE).json()["id"]
    new = api.post("/api/assessments", CASE).json()["id"]
    kept = api.post("/api/assessments", CASE).json()["id"]
    saved = store.get(new)
    assert saved is not None and saved.expires_at is not None
    assert timedelta(days=89) < saved.expires_at - timezone.now() <= timedelta(days=90)
    Assessment.objects.filter(pk=crypto.lookup_key(old)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    Assessment.objects.filter(pk=crypto.lookup_key(kept)).update(expires_at=None)  # an account's
    assert api.get(f"/api/assessments/{old}").status_code == 404  # expired: gone before the purge
    out = _call("purge_expired")
    assert "deleted 1 expired assessment(s)" in out
    assert not Assessment.objects.filter(pk=crypto.lookup_key(old)).exists()
    assert store.get(new) is not None and store.get(kept) is not None


def _call(*args: str) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# ------------------------------------------------------------------------- PDF rendered once


def test_the_pdf_is_rendered_once_per_version(
    api: Any, monkeypatch: Any, vignette: dict[str, Any]
) -> None:
    from paintrace.web import pdf

    renders = []
    real = pdf.handout_pdf

    def counting(saved: Any) -> bytes:
        renders.append(saved.id)
        return real(saved)

    monkeypatch.setattr(pdf, "handout_pdf", counting)
    aid = api.post("/api/assessments", vignette).json()["id"]
    if not store.get(aid).result["plan"]:
        pytest.skip("no plan for this case")
    first = api.get(f"/api/assessments/{aid}/plan.pdf")
    second = api.get(f"/a/{aid}/plan.pdf")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first.content.startswith(b"%PDF")
    assert len(renders) == 1
    row = Assessment.objects.get(pk=crypto.lookup_key(aid))
    assert b"%PDF" not in bytes(row.pdf)  # kept sealed


def test_a_kept_handout_is_read_with_its_record_in_one_query(
    api: Any, client: Any, vignette: dict[str, Any], django_assert_num_queries: Any
) -> None:
    aid = api.post("/api/assessments", vignette).json()["id"]
    if not store.get(aid).result["plan"]:
        pytest.skip("no plan for this case")
    kept = api.get(f"/api/assessments/{aid}/plan.pdf").content  # rendered and kept
    link = api.post(f"/api/assessments/{aid}/shares", {}).json()["url"]
    with django_assert_num_queries(1):
        assert api.get(f"/api/assessments/{aid}/plan.pdf").content == kept
    with django_assert_num_queries(1):
        assert client.get(f"/a/{aid}/plan.pdf").content == kept
    with django_assert_num_queries(2):  # the view link's row, then the record's
        assert client.get(f"{link}plan.pdf").content == kept


def test_a_busy_renderer_answers_503_with_retry_after(
    api: Any, settings: Any, vignette: dict[str, Any]
) -> None:
    from paintrace.web import pdf

    aid = api.post("/api/assessments", vignette).json()["id"]
    if not store.get(aid).result["plan"]:
        pytest.skip("no plan for this case")
    settings.PDF_WAIT_SECONDS = 0.01
    assert pdf._RENDERS.acquire()
    try:
        response = api.get(f"/api/assessments/{aid}/plan.pdf")
    finally:
        pdf._RENDERS.release()
    assert response.status_code == 503 and response["Retry-After"] == "5"


# --------------------------------------------------------------------------- privacy at edges


@pytest.mark.parametrize("path", ["/", "/faq/", "/api/knowledge/regions", "/healthz"])
def test_every_response_is_noindex_and_no_store(client: Any, path: str) -> None:
    response = client.get(path)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_health_data_responses_are_no_store(api: Any, client: Any) -> None:
    created = api.post("/api/assessments", CASE)
    aid = created.json()["id"]
    for response in (
        created,
        api.post("/api/interview/next", CASE),
        api.get(f"/api/assessments/{aid}"),
        client.get(f"/a/{aid}/"),
        api.get("/api/assessments/AAAAAAAAAAAAAAAAAAAAAA"),
    ):
        assert "no-store" in response["Cache-Control"], response
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_html_is_gzipped_for_get_only(client: Any) -> None:
    page = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    plain = client.get("/")
    assert len(page.content) < len(plain.content) / 3
    posted = client.post("/", {}, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in posted


def test_paths_are_logged_as_routes() -> None:
    aid = "q3X8vZkT0m1sNw2bYc4dEf"
    assert redact_path(f"/a/{aid}/plan.pdf?x=1") == "/a/<aid>/plan.pdf"
    assert redact_path(f"/api/assessments/{aid}") == "/api/assessments/<aid>"
    assert redact_path("/api/knowledge/sources/piriformis") == "/api/knowledge/sources/piriformis"
    assert aid not in redact_text(f"Not Found: /a/{aid}/ and {aid}")


def test_tokens_longer_than_an_id_are_masked_too() -> None:
    """An API token is 'pt_' and 43 characters, one run of 46; a view or share link pasted with
    text glued to its end makes a longer run still. Both passed through whole."""
    api_token = "pt_" + "Xk2" * 14 + "Q"
    view = "vT3x" * 8
    assert api_token not in redact_text(f"bad token {api_token}")
    assert view not in redact_path(f"/v/{view}Thanks-for-your-help/")
    assert view not in redact_text(f"Not Found: /v/{view}Thanks-for-your-help/")
    assert redact_text("no_such_table_for_a_very_long_snake_case_name") == (
        "no_such_table_for_a_very_long_snake_case_name"
    )


def test_django_warnings_carry_no_id(client: Any, caplog: Any) -> None:
    aid = "q3X8vZkT0m1sNw2bYc4dEf"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(f"/a/{aid}/")
    assert caplog.records, "Django logs a 404 warning"
    record = caplog.records[-1]
    RedactFilter().filter(record)
    assert aid not in record.getMessage()


def test_a_traceback_in_a_log_line_carries_no_id() -> None:
    """The formatter writes a traceback after the filters ran: the filter must write it first."""
    aid = "q3X8vZkT0m1sNw2bYc4dEf"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactFilter())
    log = logging.getLogger("paintrace.test.redact")
    log.addHandler(handler)
    try:
        try:
            raise LookupError(f"no record for /a/{aid}/")
        except LookupError:
            log.exception("reading /api/assessments/%s failed", aid)
    finally:
        log.removeHandler(handler)
    written = stream.getvalue()
    assert "Traceback" in written and "LookupError: no record for /a/<aid>/" in written
    assert aid not in written
    # the traceback's own names stay readable
    assert "in test_a_traceback_in_a_log_line_carries_no_id" in written


def test_the_session_is_short_and_ends_with_the_browser(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE <= 2 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_a_deleted_assessment_s_result_leaves_memory_on_every_path(api: Any) -> None:
    """Worked-out results are cached per record version; a delete by any path (here the
    retention purge, which does not go through store.delete) drops them with the row."""
    aid = api.post("/api/assessments", CASE).json()["id"]
    saved = store.get(aid)
    assert saved is not None and saved.result
    assert saved.version in store._RESULTS
    Assessment.objects.update(expires_at=timezone.now() - timedelta(days=1))
    assert store.purge_expired() == 1
    assert saved.version not in store._RESULTS
