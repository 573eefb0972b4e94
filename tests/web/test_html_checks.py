"""The page checker must catch what it claims to catch (otherwise the page tests prove nothing)."""

from tests.web.html_checks import check_page

GOOD = """<!doctype html><html lang="de"><body><a class="skip-link" href="#main">Skip</a>
<header><nav aria-label="Main"></nav></header><main id="main"><h1>Title</h1>
<label for="x">Name</label><input id="x" name="x" aria-describedby="x_help">
<p id="x_help">Help</p><label><input type="checkbox" name="c"> Check</label>
<input type="hidden" name="h"></main><footer></footer></body></html>"""


def test_a_good_page_passes():
    assert check_page(GOOD) == []


def test_each_problem_is_found():
    cases = {
        'lang="de"': ("", "no lang"),
        "<h1>Title</h1>": ("", "0 h1"),
        'href="#main"': ('href="#nowhere"', "skip link target"),
        '<label for="x">Name</label>': ("", "has no label"),
        'aria-describedby="x_help"': ('aria-describedby="gone"', "points nowhere"),
        '<nav aria-label="Main">': ("<nav>", "without aria-label"),
        "<footer></footer>": ("", "<footer>"),
        "<p id": ('<p style="color:red" id', "style attribute"),
        "</main>": ("<script>alert(1)</script></main>", "inline <script>"),
    }
    for old, (new, expected) in cases.items():
        problems = check_page(GOOD.replace(old, new, 1))
        assert any(expected in p for p in problems), (old, problems)


def test_two_h1_are_reported():
    assert any("2 h1" in p for p in check_page(GOOD.replace("</main>", "<h1>Again</h1></main>")))
