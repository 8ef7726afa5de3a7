"""Form labels read the same way in every form: a capital first letter ("Year", "Reason (sent to the
team)"), as Django gives fields made from models. Contest, award and review forms used to say "year".

Read from the source, without a database: every ``label=`` given to a form field in an app's forms.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABEL = re.compile(r'\blabel\s*=\s*(?:_|gettext_lazy|pgettext_lazy\([^,]*,)\(?\s*"(?P<text>[^"]*)"')


def labels():
    for path in sorted(ROOT.glob("*/forms.py")):
        for match in LABEL.finditer(path.read_text(encoding="utf-8")):
            yield path.relative_to(ROOT.parent), match["text"]


def test_the_check_sees_the_forms():
    found = {str(path) for path, _text in labels()}
    assert {"hramada/contests/forms.py", "hramada/awards/forms.py", "hramada/reviews/forms.py"} <= found


def test_every_form_label_begins_with_a_capital():
    lower = [f"{path}: {text!r}" for path, text in labels() if text[:1].islower()]
    assert lower == []
