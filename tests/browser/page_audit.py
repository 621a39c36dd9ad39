"""The checks made on every page by test_every_page.py, in one place: axe with every impact
and the rest that axe leaves to people (WCAG 2.2 AA where it names one).

:class:`Sweep` keeps the problems of many pages for one assertion at the end, so that one run
lists them all, each under the page and state it was found in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Page

from .conftest import AXE

AXE_RUN = """async () => {
    // target-size (WCAG 2.2 AA 2.5.8) is off in axe by default
    const r = await axe.run(document, {resultTypes: ["violations"],
        rules: {"target-size": {enabled: true}}});
    const ran = r.passes.length + r.violations.length + r.incomplete.length
        + r.inapplicable.length;
    return {ran, violations: r.violations.map(v => ({id: v.id, impact: v.impact,
        count: v.nodes.length, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))};
}"""

# What axe leaves to people: lang, title, one h1, heading levels in order, unique ids, and
# the response's status (the navigation entry has it, however the page was reached).
STRUCTURE = """() => {
    const shown = (el) => !el.closest("[aria-hidden=true], template");
    const heads = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]")]
        .filter(shown).map(h => [h.getAttribute("role") === "heading"
            ? Number(h.getAttribute("aria-level") || 2) : Number(h.tagName[1]),
            h.textContent.trim().replace(/\\s+/g, " ").slice(0, 50)]);
    const skips = [];
    heads.forEach(([level, text], i) => {
        const before = i ? heads[i - 1][0] : 0;
        if (level > before + 1) skips.push(`h${before} then h${level} "${text}"`);
    });
    const seen = {};
    document.querySelectorAll("[id]").forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
    return {
        lang: document.documentElement.getAttribute("lang") || "",
        title: document.title.trim(),
        h1: heads.filter(([level]) => level === 1).length,
        skips,
        duplicateIds: Object.keys(seen).filter(id => seen[id] > 1),
        status: performance.getEntriesByType("navigation")[0].responseStatus,
    };
}"""

FIRST_STOP = """() => [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]")]
    .find(e => e.tabIndex >= 0 && !e.disabled && !e.closest("[hidden]"))?.className || ""
"""

SKIP_LANDED = """(link) => {
    const to = document.querySelector(link.getAttribute("href"));
    const also = link.getAttribute("data-skip-to");
    const at = document.activeElement;
    return !!to && (at === to || (!!also && at.matches(also)));
}"""

WIDE = """() => { const root = document.documentElement, max = root.clientWidth;
    return root.scrollWidth <= max ? [] : [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > max + 0.5)
        .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
            + (e.className && typeof e.className === "string" ? "." + e.className : ""))
        .concat([`${root.scrollWidth} px wide`]); }"""

CONTROL_ROLES = {
    "button", "checkbox", "combobox", "listbox", "radio", "searchbox", "slider", "spinbutton",
    "switch", "textbox", "menuitemcheckbox", "menuitemradio",
}  # fmt: skip


class Sweep:
    """Audits the page in front of it and keeps every problem, by page, for one assertion."""

    def __init__(self) -> None:
        self.problems: dict[str, list[str]] = {}
        self.titles: dict[str, str] = {}  # title (without "Error: ") -> the page that has it
        self.routes: set[str] = set()
        self.visits = 0
        self.rules = 0
        self.failed: list[str] = []  # what the page asked the server for in vain

    def watch(self, page: Page) -> Page:
        """Count what each page asks the server for in vain (a stylesheet, a script, an image
        that is not there) against the page, at its next audit."""

        def failed(r: Any) -> None:
            if r.status >= 400 and r.request.resource_type != "document":
                self.failed.append(f"{r.status} {r.url}")

        page.on("response", failed)
        return page

    def audit(
        self, page: Page, key: str, state: str = "", status: int = 200, route: str = ""
    ) -> None:
        """`key` names the page (a route name, then what differs, or an error page's code);
        `state` a state of the same page (its title may then repeat); `route` the route that
        shows it, when not the key's first word."""
        page.wait_for_load_state()
        label = f"{key} [{state}]" if state else key
        found: list[str] = []
        route = route or (key.split()[0] if key.startswith("pt-") else "")
        if route:
            path = urlsplit(page.url).path
            try:
                resolved = resolve(path).view_name
            except Resolver404:
                resolved = ""
            if resolved != route:
                found.append(f"{path} is {resolved or 'no route'}, not {route}")
            self.routes.add(route)
        # what is folded away is content too: open it, so axe and the checks see it
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.evaluate(AXE.read_text("utf-8") + "\n;void 0;")
        found += self._axe(page, "")
        s = page.evaluate(STRUCTURE)
        if s["status"] != status:
            found.append(f"status {s['status']}, expected {status}")
        if not s["lang"]:
            found.append("<html> has no lang")
        title = s["title"].removeprefix("Error: ")
        if not title or title.startswith("·"):
            found.append(f"empty title: {s['title']!r}")
        elif self.titles.setdefault(title, key) != key:
            found.append(f"title {s['title']!r} is also {self.titles[title]}'s")
        if s["h1"] != 1:
            found.append(f"{s['h1']} h1 elements")
        found += [f"heading skips a level: {skip}" for skip in s["skips"]]
        found += [f"duplicate id {i!r}" for i in s["duplicateIds"]]
        found += [f"a request failed: {f}" for f in self.failed]
        self.failed.clear()
        found += self._unnamed_controls(page)
        found += self._skip_links(page)
        page.set_viewport_size({"width": 320, "height": 640})
        page.wait_for_timeout(100)
        wide = page.evaluate(WIDE)
        if wide:
            found.append(f"scrolls sideways at 320 px: {wide}")
        found += self._axe(page, " at 320 px")
        page.set_viewport_size({"width": 1280, "height": 900})
        self.visits += 1
        if found:
            self.problems[label] = found

    def _axe(self, page: Page, where: str) -> list[str]:
        axe = page.evaluate(AXE_RUN)
        self.rules = max(self.rules, axe["ran"])
        return [
            f"axe{where} {v['id']} ({v['impact']}) on {v['count']}: {v['nodes']}"
            for v in axe["violations"]
        ]

    def _unnamed_controls(self, page: Page) -> list[str]:
        """Each form control's accessible name as the browser computes it (the tree screen
        readers get), not as markup suggests."""
        cdp = page.context.new_cdp_session(page)
        try:
            nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
            unnamed = []
            for node in nodes:
                role = node.get("role", {}).get("value")
                name = str(node.get("name", {}).get("value") or "").strip()
                if node.get("ignored") or role not in CONTROL_ROLES or name:
                    continue
                described = cdp.send(
                    "DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]}
                )
                unnamed.append(f"{role} without a name: {described['node'].get('attributes')}")
            return unnamed
        finally:
            cdp.detach()

    def _skip_links(self, page: Page) -> list[str]:
        """The base template's skip link is the first Tab stop, shows when focused and moves
        focus where it says; so does each page's own."""
        found = []
        first = page.evaluate(FIRST_STOP)
        if "skip-link" not in first.split():
            found.append(f"the first Tab stop is not a skip link but .{first}")
        links = page.locator("a.skip-link")
        if links.count() == 0:
            found.append("no skip link")
        for i in range(links.count()):
            page.evaluate("window.scrollTo(0, 0)")
            link = links.nth(i)
            link.focus()
            box = link.bounding_box()
            if not box or box["y"] < 0 or box["height"] < 10:
                found.append(f"skip link {i + 1} is not shown when focused: {box}")
            page.keyboard.press("Enter")
            if not link.evaluate(SKIP_LANDED):
                found.append(f"skip link {i + 1} does not move focus to its target")
        return found
