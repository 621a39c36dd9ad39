"""Where it hurts today on the check-in page, without JavaScript: the body map's picture and its
list of places, folded away; a ticked place with a number, or with the leg pain when no number
is chosen; bad input is a 400 naming the place; progress shows the numbers per place."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from paintrace.knowledge import load_knowledge
from paintrace.web import journal_store
from paintrace.web.models import JournalEntry

from .test_account_pages import checkin, sign_up

pytestmark = pytest.mark.django_db


def entry_regions() -> dict[str, int]:
    row = JournalEntry.objects.order_by("-id").first()
    assert row is not None
    return dict(journal_store.to_checkin(row).regions)


def test_the_map_is_on_the_check_in_folded_away_with_a_plain_list(client: Client) -> None:
    sign_up(client)
    html = client.get("/journal/check-in/").content.decode()
    # Folded away (no `open`), after the two scales and the re-screen, before the save button.
    assert re.search(r'<details class="checkin-map card" id="checkin-map">', html)
    assert html.index('name="back_pain"') < html.index("checkin-map") < html.index("Save check-in")
    assert 'id="picture"' in html and 'data-region="right.buttock-center"' in html  # the map
    assert "paintrace/bodymap" in html and 'id="checkin-form"' in html  # the same script
    # without it, the picture follows the list's ticks by CSS (list_marks)
    assert re.search(r'<noscript><link rel="stylesheet" href="[^"]*bodymap-list', html)
    # plain shapes until the script makes them buttons: without it a tap does nothing
    assert not re.search(r"<path [^>]*(?:tabindex|role=|aria-pressed)", html)
    kb = load_knowledge()
    boxes = re.findall(r'type="checkbox" name="r:([a-z0-9.-]+)" value="pain"', html)
    selects = re.findall(r'<select name="ri:([a-z0-9.-]+)">', html)
    assert boxes == selects and len(boxes) >= 70
    assert set(boxes) <= set(kb.regions)
    # grouped by area and side, each place a fieldset with its name as the legend
    assert '<h3 class="side-name">Right side</h3>' in html
    assert '<h3 class="side-name">Left side</h3>' in html
    assert re.search(r'<option value="">as leg pain</option><option value="1">1</option>', html)
    assert '<option value="10">10</option>' in html and '<option value="0">' not in html


def test_a_place_with_a_number_is_saved(client: Client) -> None:
    sign_up(client)
    r = checkin(client, 6, 2, **{"r:right.calf-upper": "pain", "ri:right.calf-upper": "8"})
    assert r.status_code == 302
    assert entry_regions() == {"right.calf-upper": 8}


def test_a_place_without_a_number_takes_the_leg_pain_and_a_number_alone_counts(
    client: Client,
) -> None:
    sign_up(client)
    extra: dict[str, Any] = {
        "r:right.buttock-center": "pain",  # ticked, no number: the leg pain (4)
        "ri:right.buttock-center": "",
        "ri:left.calf-upper": "3",  # a number without the tick still counts
        "ri:left.heel": "",  # neither: not marked
    }
    assert checkin(client, 4, 1, **extra).status_code == 302
    assert entry_regions() == {"right.buttock-center": 4, "left.calf-upper": 3}
    assert checkin(client, 0, 1, **{"r:right.buttock-center": "pain"}).status_code == 302
    assert entry_regions() == {"right.buttock-center": 1}  # at least 1
    assert checkin(client, 3, 1).status_code == 302
    assert entry_regions() == {}  # the map is optional


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ri:right.calf-upper": "11"}, "Upper calf (right)"),
        ({"ri:right.calf-upper": "0"}, "from 1 to 10"),
        ({"ri:right.calf-upper": "strong"}, "Upper calf"),
        ({"r:nowhere.at-all": "pain"}, "not on the body map"),
    ],
)
def test_bad_places_and_numbers_are_a_400_naming_the_place(
    client: Client, extra: dict[str, str], message: str
) -> None:
    sign_up(client)
    r = checkin(client, 5, 2, **extra)
    assert r.status_code == 400
    html = r.content.decode()
    assert "Where it hurts" in html and message in html
    assert JournalEntry.objects.count() == 0
    if "ri:right.calf-upper" in extra:  # the form comes back with the map open and the choice
        assert 'id="checkin-map" open' in html
        assert 'name="r:right.calf-upper" value="pain" checked' in html


def test_progress_shows_the_mean_and_highest_number_per_place(client: Client) -> None:
    sign_up(client)
    for n in (8, 4):
        checkin(client, 5, 2, **{"ri:right.calf-upper": str(n)})
    checkin(client, 5, 2, **{"ri:left.heel": "2"})
    html = client.get("/journal/").content.decode()
    assert "Where it hurt" in html
    kb = load_knowledge()
    calf = kb.region_name("right.calf-upper")
    row = re.search(
        rf'<tr><th scope="row">{re.escape(calf)}</th><td>(\d+)</td><td>([\d.]+)</td><td>(\d+)</td>',
        html,
    )
    # marked twice today: one day marked, the mean and highest of both marks
    assert row and row.groups() == ("1", "6.0", "8")
    assert html.index(calf) < html.index(kb.region_name("left.heel"))  # as often: stronger first


def test_the_list_of_places_shows_no_template_comment(client: Client) -> None:
    """A {# #} comment is one line only: the list's two-line note was shown as text."""
    sign_up(client)
    html = client.get("/journal/check-in/").content.decode()
    assert "{#" not in html and "{% comment" not in html and "`controls`" not in html
