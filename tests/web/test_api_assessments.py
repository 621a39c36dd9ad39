"""POST/GET/DELETE /api/assessments: same answer as the CLI, saved under an unguessable id."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from paintrace.assessment import assess_input, assess_payload, parse_input
from paintrace.web import crypto, store
from paintrace.web.models import Assessment

from .helpers import VIGNETTES, load_vignette, without_keys

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_api_result_equals_the_cli_for_every_vignette(api: Any, path: Any) -> None:
    data = load_vignette(path)
    response = api.post("/api/assessments", data)
    assert response.status_code == 201
    body = response.json()
    cli = json.loads(json.dumps(assess_payload(data)))  # what `paintrace assess --json` prints
    assert without_keys(body, "id", "url") == cli


def test_create_returns_id_url_and_location(api: Any, vignette: dict[str, Any]) -> None:
    response = api.post("/api/assessments", vignette)
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", body["id"])
    assert body["url"] == f"/a/{body['id']}/"
    assert response["Location"] == f"/api/assessments/{body['id']}"
    saved = store.get(body["id"])
    assert saved is not None and saved.result == without_keys(body, "id", "url")


def test_read_returns_result_input_and_time(api: Any, vignette: dict[str, Any]) -> None:
    created = api.post("/api/assessments", vignette).json()
    response = api.get(f"/api/assessments/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    assert without_keys(body, "created_at", "input") == created
    # the validated input: symptoms in canonical order, vignette-only keys dropped
    inp = parse_input(vignette)
    assert body["input"] == {
        "drawing": inp.drawing,
        "findings": vignette["findings"],
        "patient": vignette["patient"],
    }
    assert re.match(r"\d{4}-\d\d-\d\dT", body["created_at"])


def test_saved_input_replays_to_the_same_result(api: Any, vignette: dict[str, Any]) -> None:
    created = api.post("/api/assessments", vignette).json()
    saved = store.get(created["id"])
    assert saved is not None
    assert json.loads(json.dumps(assess_payload(saved.input))) == saved.result


def test_delete_is_for_good(api: Any, vignette: dict[str, Any]) -> None:
    aid = api.post("/api/assessments", vignette).json()["id"]
    response = api.delete(f"/api/assessments/{aid}")
    assert response.status_code == 204
    assert response.content == b""
    assert not Assessment.objects.filter(pk=crypto.lookup_key(aid)).exists()
    assert api.get(f"/api/assessments/{aid}").status_code == 404
    assert api.delete(f"/api/assessments/{aid}").status_code == 404


def test_unknown_id_is_404_with_a_message(api: Any) -> None:
    for method in (api.get, api.delete):
        response = method("/api/assessments/AAAAAAAAAAAAAAAAAAAAAA")
        assert response.status_code == 404
        assert response.json() == {"detail": "No assessment with this id."}


def test_ids_are_random_and_long(api: Any, vignette: dict[str, Any]) -> None:
    ids = {api.post("/api/assessments", vignette).json()["id"] for _ in range(20)}
    assert len(ids) == 20
    assert all(len(aid) >= 22 for aid in ids)
    # no shared prefix, as a counter or a timestamp would give
    assert len({aid[:4] for aid in ids}) > 15


class TestPrivacy:
    """Holding one id gives access to that assessment and to nothing else."""

    def test_one_id_cannot_read_or_delete_another(self, api: Any, vignette: dict[str, Any]):
        mine = api.post("/api/assessments", vignette).json()["id"]
        theirs = api.post("/api/assessments", {"drawing": {"left.calf-upper": ["pain"]}}).json()
        assert api.get(f"/api/assessments/{mine}").json()["id"] == mine
        assert api.delete(f"/api/assessments/{mine}").status_code == 204
        still = api.get(f"/api/assessments/{theirs['id']}")
        assert still.status_code == 200
        assert still.json()["input"]["drawing"] == {"left.calf-upper": ["pain"]}

    @pytest.mark.parametrize(
        "mangle",
        [
            lambda a: a[:-1],
            lambda a: a + "A",
            lambda a: a.swapcase(),
            lambda a: a[:11],
            lambda a: a[:11] + "%",
            lambda a: "*",
            lambda a: f"{a[:10]}' OR '1'='1",
        ],
        ids=["shorter", "longer", "case", "prefix", "wildcard", "star", "sql"],
    )
    def test_near_miss_ids_find_nothing(self, api: Any, vignette: dict[str, Any], mangle: Any):
        aid = api.post("/api/assessments", vignette).json()["id"]
        other = mangle(aid)
        assert api.get(f"/api/assessments/{other}").status_code == 404
        assert api.delete(f"/api/assessments/{other}").status_code == 404
        assert Assessment.objects.filter(pk=crypto.lookup_key(aid)).exists()

    def test_there_is_no_listing(self, api: Any, vignette: dict[str, Any]) -> None:
        api.post("/api/assessments", vignette)
        assert api.get("/api/assessments").status_code in (404, 405)
        assert api.get("/api/assessments/").status_code in (404, 405)


class TestStore:
    def test_save_get_delete(self, vignette: dict[str, Any]) -> None:
        inp = parse_input(vignette)
        result = assess_input(inp).to_dict()
        saved = store.save(inp, result)
        got = store.get(saved.id)
        assert got is not None and got.result == json.loads(json.dumps(result))
        assert got.input["drawing"] == inp.drawing
        assert store.delete(saved.id) is True
        assert store.get(saved.id) is None
        assert store.delete(saved.id) is False

    @pytest.mark.parametrize("junk", ["", "x", "a" * 500, "abc\x00def-ghijklmnopqrstu", None, 7])
    def test_junk_ids_are_not_found(self, junk: Any) -> None:
        assert store.get(junk) is None
        assert store.delete(junk) is False


class TestStorageFidelity:
    def test_key_order_survives_the_database(self, api: Any) -> None:
        """jsonb would sort keys; the drawing's order is the order explanations follow."""
        drawing = {
            "left.foot-lateral": ["numbness"],
            "left.buttock-center": ["pain"],
            "left.calf-lower": ["pain"],
        }
        aid = api.post("/api/assessments", {"drawing": drawing}).json()["id"]
        saved = store.get(aid)
        assert saved is not None
        assert list(saved.input["drawing"]) == list(drawing)
        assert list(api.get(f"/api/assessments/{aid}").json()["input"]["drawing"]) == list(drawing)

    def test_dumpdata_loaddata_round_trip(
        self, api: Any, vignette: dict[str, Any], tmp_path: Any
    ) -> None:
        """The backup recipe in docs/deploy.md."""
        from django.core.management import call_command

        created = api.post("/api/assessments", vignette).json()
        before = store.get(created["id"])
        assert before is not None
        dump = tmp_path / "backup.json"
        call_command("dumpdata", "paintrace", output=str(dump), verbosity=0)
        Assessment.objects.all().delete()
        call_command("loaddata", str(dump), verbosity=0)
        after = store.get(created["id"])
        assert after is not None
        assert (after.input, after.result) == (before.input, before.result)
        # Django's JSON serializers keep milliseconds, not microseconds
        assert abs(after.created_at - before.created_at).total_seconds() < 0.001
        assert json.dumps(after.input) == json.dumps(before.input)  # same key order too
