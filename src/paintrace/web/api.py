"""The JSON API at /api/: a thin adapter from HTTP to :mod:`paintrace.assessment`.

Bodies are parsed here and validated by the core's ``parse_input``, not by pydantic, so the API
accepts and rejects exactly what ``paintrace assess`` does and returns the same JSON. Every bad
input is a 422 naming the field; the schemas in :mod:`paintrace.web.api_schemas` only document.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError as NinjaValidationError

from paintrace import __version__, strict_json
from paintrace.assessment import InputError, assess_input, parse_outside_input
from paintrace.knowledge import load_knowledge
from paintrace.web import api_schemas as s
from paintrace.web import store
from paintrace.web.api_edges import nothing_here
from paintrace.web.jsonout import json_response
from paintrace.web.pdf import FILENAME, plan_pdf_response


def result_url(aid: str) -> str:
    """The result page (/a/<id>/), served by the pages package under the URL name pt-result."""
    before, after = _result_url_parts()
    return f"{before}{aid}{after}"


@cache
def _result_url_parts() -> tuple[str, str]:
    """The URL around the id, reversed once (reverse() costs as much as the database write)."""
    marker = "ID0000000000000000000000"
    try:
        url = reverse("pt-result", args=[marker])
    except NoReverseMatch:  # the API also runs without the pages package
        url = f"/a/{marker}/"
    before, _, after = url.partition(marker)
    return before, after


class PaintraceAPI(NinjaAPI):
    """Adds the request-body schemas, which the views document by hand, to the components."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (s.AssessmentIn, s.InterviewIn):
            body = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(body.pop("$defs", {}))
            components[model.__name__] = body
        return schema


api = PaintraceAPI(
    title="paintrace API",
    version=__version__,
    description=(
        "Pain drawing and answers in; red-flag triage, ranked sources and the next question out. "
        "Errors: 422 with {detail: [{loc, msg, type}]} naming the field. See docs/api.md."
    ),
    urls_namespace="api",
    # Local swagger-ui files ('ninja' is in INSTALLED_APPS); no validator badge, so the docs
    # page makes no request to any other server.
    docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": False}),
)


@api.exception_handler(NinjaValidationError)
def _parameter_error(request: HttpRequest, exc: NinjaValidationError) -> JsonResponse:
    """A bad query or path parameter, in the shape of every other 422: one item, the first.

    A path parameter of the wrong type (``/api/journal/entries/abc``) names nothing: 404.
    """
    first = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", ("query",))][:2]
    if loc[0] == "path":
        return nothing_here()
    return _error(422, loc, str(first.get("msg", "invalid value")), "value_error")


def _body_doc(model: type[Any], description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


def _error(status: int, loc: list[str], msg: str, kind: str) -> JsonResponse:
    return JsonResponse({"detail": [{"loc": loc, "msg": msg, "type": kind}]}, status=status)


def _input_error(exc: InputError) -> JsonResponse:
    # "drawing.left.calf" -> ["body", "drawing", "left.calf"]: region ids contain dots.
    loc = ["body"] if exc.field == "(root)" else ["body", *exc.field.split(".", 1)]
    return _error(422, loc, exc.message, exc.kind)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _read_json(request: HttpRequest) -> Any | JsonResponse:
    """The decoded body, or the 4xx response explaining why there is none.

    Strict: only a JSON content type (415 otherwise), and one meaning per document (duplicate
    keys, NaN, huge numbers and deep nesting are 422; :mod:`paintrace.strict_json`).
    """
    try:
        raw = request.body
    except RequestDataTooBig:
        return _error(413, ["body"], "the request body is too large", "too_large")
    return decode_json(request, raw)


def decode_json(request: HttpRequest, raw: bytes) -> Any | JsonResponse:
    """A body already read, decoded strictly (the checks of _read_json after the size)."""
    if not raw.strip():
        return _error(422, ["body"], "the request body is empty; expected a JSON object", "missing")
    if not _is_json(request.META.get("CONTENT_TYPE", "")):
        return _error(
            415, ["header", "Content-Type"], "send the body as application/json", "media_type"
        )
    try:
        return strict_json.loads(raw, where="body")
    except strict_json.StrictJSONError as exc:
        msg = str(exc).removeprefix("body: ")
        if not msg.startswith("malformed JSON"):
            msg = f"malformed JSON: {msg}"
        return _error(422, ["body"], msg, "json_invalid")


def _parse(request: HttpRequest, *, allow_empty: bool) -> Any:
    data = _read_json(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        return parse_outside_input(data, allow_empty=allow_empty)
    except InputError as exc:
        return _input_error(exc)


BAD_INPUT = {
    413: s.ValidationErrorOut,
    415: s.ValidationErrorOut,
    422: s.ValidationErrorOut,
    429: s.MessageOut,
}
NOT_FOUND = {404: s.MessageOut}


# -------------------------------------------------------------------------- assessments


@api.post(
    "/assessments",
    response={201: s.SavedAssessmentOut, **BAD_INPUT},
    summary="Assess and save",
    openapi_extra=_body_doc(
        s.AssessmentIn, "A pain drawing (at least one region) and/or findings."
    ),
    tags=["assessments"],
)
def create_assessment(request: HttpRequest) -> HttpResponse:
    """Run the engine on the input, save both, and return the result with its id and page URL.

    The body (without ``id`` and ``url``) equals ``paintrace assess --json`` on the same input.
    """
    inp = _parse(request, allow_empty=False)
    if isinstance(inp, JsonResponse):
        return inp
    result = assess_input(inp).to_dict()
    try:
        saved = store.save(inp, result)
    except store.TooLarge as exc:
        return _error(413, ["body"], str(exc), "too_large")
    response = json_response({**result, "id": saved.id, "url": result_url(saved.id)}, status=201)
    response["Location"] = f"/api/assessments/{saved.id}"
    return response


def _not_found() -> JsonResponse:
    return JsonResponse({"detail": "No assessment with this id."}, status=404)


@api.get(
    "/assessments/{assessment_id}",
    response={200: s.StoredAssessmentOut, **NOT_FOUND},
    summary="Read a saved assessment",
    tags=["assessments"],
)
def read_assessment(request: HttpRequest, assessment_id: str) -> HttpResponse:
    saved = store.get(assessment_id)
    if saved is None:
        return _not_found()
    return json_response(
        {
            **saved.result,
            "id": saved.id,
            "url": result_url(saved.id),
            "created_at": saved.created_at.isoformat(),
            "input": saved.input,
        }
    )


@api.delete(
    "/assessments/{assessment_id}",
    response={204: None, 429: s.MessageOut, **NOT_FOUND},
    summary="Delete a saved assessment for good",
    tags=["assessments"],
)
def delete_assessment(request: HttpRequest, assessment_id: str) -> HttpResponse:
    if not store.delete(assessment_id):
        return _not_found()
    return HttpResponse(status=HTTPStatus.NO_CONTENT)


PDF_DOC = {
    "responses": {
        200: {
            "description": "The self-care plan as a printable A4 PDF (the paintrace handout), "
            f'sent as an attachment named "{FILENAME}".',
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@api.get(
    "/assessments/{assessment_id}/plan.pdf",
    response={
        200: None,
        404: s.MessageOut,
        409: s.MessageOut,
        429: s.MessageOut,
        503: s.MessageOut,
    },
    summary="The self-care plan as a PDF",
    openapi_extra=PDF_DOC,
    tags=["assessments"],
)
def assessment_plan_pdf(request: HttpRequest, assessment_id: str) -> HttpResponse:
    """The printable handout of the saved plan: what to massage and stretch, dosed and timed,
    with the cautions, the red-flag card and the references; figures included.

    404 when there is no such assessment; 409 when the assessment has no plan (at the emergency
    and urgent levels the advice is to see a doctor first, so no self-care plan is made).
    """
    saved = store.get(assessment_id, with_pdf=True)
    if saved is None:
        return _not_found()
    plan = saved.result.get("plan")
    if not plan:
        return JsonResponse(
            {
                "detail": "This assessment has no self-care plan: at its triage level the advice "
                "is to see a doctor first."
            },
            status=409,
        )
    return plan_pdf_response(saved, request)


# ---------------------------------------------------------------------------- interview


@api.post(
    "/interview/next",
    response={200: s.InterviewOut, **BAD_INPUT},
    summary="The next question to ask",
    openapi_extra=_body_doc(
        s.InterviewIn,
        "What is known so far; an empty drawing with no findings is allowed and gets the first "
        "red-flag question.",
    ),
    tags=["interview"],
)
def interview_next(request: HttpRequest) -> HttpResponse:
    """Stateless: the client sends everything known so far on each call; nothing is saved."""
    inp = _parse(request, allow_empty=True)
    if isinstance(inp, JsonResponse):
        return inp
    result = assess_input(inp, with_plan=False).to_dict()
    return json_response(
        {
            "next_question": result["next_question"],
            "should_stop": result["next_question"] is None,
            "triage": result["triage"],
            "sources": result["sources"],
        }
    )


# ---------------------------------------------------------------------------- knowledge
# The knowledge base is immutable for the life of the process, so each answer is built once.


def _plain(obj: Any) -> dict[str, Any]:
    """A knowledge-base record as JSON-ready data (records are dataclasses)."""
    return dataclasses.asdict(obj)


@cache
def _regions() -> list[dict[str, Any]]:
    return [_plain(r) for r in load_knowledge().regions.values()]


@cache
def _findings() -> list[dict[str, Any]]:
    return [_plain(f) for f in load_knowledge().findings.values()]


@cache
def _sources() -> list[dict[str, Any]]:
    return [
        {"id": src.id, "name": src.name, "kind": src.kind, "description": src.description}
        for src in load_knowledge().sources.values()
    ]


@cache
def _source_detail(source_id: str) -> dict[str, Any]:
    kb = load_knowledge()
    src = kb.sources[source_id]
    keys = list(dict.fromkeys([*src.references, *(r for e in src.evidence for r in e.references)]))
    return {
        "id": src.id,
        "name": src.name,
        "kind": src.kind,
        "description": src.description,
        "zones": [{"region": r, "level": lv} for r, lv in src.zone_levels.items()],
        "portions": [
            {
                "id": p.id,
                "name": p.name,
                "share": p.share,
                "zones": [{"region": z.region, "level": z.level} for z in p.zones],
                "trigger_points": [_plain(tp) for tp in p.trigger_points],
            }
            for p in src.portions
        ],
        "trigger_points": [_plain(tp) for tp in src.trigger_points],
        "evidence": [_plain(e) for e in src.evidence],
        "root": _plain(src.root) if src.root else None,
        "references": [
            {"key": k, "citation": kb.references[k].citation, "url": kb.references[k].url}
            for k in keys
        ],
    }


@api.get("/knowledge/regions", response=list[s.RegionOut], tags=["knowledge"])
def knowledge_regions(request: HttpRequest) -> Any:
    """Every region id a drawing may use, with its plain name and landmarks."""
    return _regions()


@api.get("/knowledge/findings", response=list[s.FindingOut], tags=["knowledge"])
def knowledge_findings(request: HttpRequest) -> Any:
    """Every question the interview may ask, with why it is asked."""
    return _findings()


@api.get("/knowledge/sources", response=list[s.SourceSummaryOut], tags=["knowledge"])
def knowledge_sources(request: HttpRequest) -> Any:
    return _sources()


@api.get(
    "/knowledge/sources/{source_id}",
    response={200: s.SourceDetailOut, **NOT_FOUND},
    tags=["knowledge"],
)
def knowledge_source(request: HttpRequest, source_id: str) -> Any:
    """A source's referral zones, trigger points, evidence and references with citations."""
    if source_id not in load_knowledge().sources:  # checked first: only known ids are cached
        return JsonResponse({"detail": "No source with this id."}, status=404)
    return _source_detail(source_id)


# ---------------------------------------------------------------- accounts and the journal
from paintrace.web.journal_api import router as journal_router  # noqa: E402

api.add_router("", journal_router)
