"""The map of local issues: the snippet A's pages include, the vendored files and the tile setting.
The browser side (map.js) is checked in e2e; here: what the server sends."""

import hashlib
import re
from decimal import Decimal
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

import hramada.local_issues

VENDOR = Path(hramada.local_issues.__file__).parent / "static" / "vendor"


def render(**context):
    return render_to_string("local_issues/_map.html", context)


def test_the_show_mode_carries_the_point_without_inline_code(settings):
    settings.LOCAL_ISSUES_TILE_URL = ""
    html = render(map_mode="show", map_latitude=Decimal("53.902284"), map_longitude=Decimal("27.561831"))
    assert 'data-mode="show"' in html
    assert 'data-lat="53.902284"' in html and 'data-lng="27.561831"' in html
    assert 'data-tiles=""' in html  # no tile server: the outline map
    assert "world-atlas/countries-50m.json" in html
    assert " hidden" in html  # nothing to see without JavaScript
    # The CSP forbids inline scripts and styles: every script has a src, no style attribute or element.
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "style=" not in html and "<style" not in html
    assert "http://" not in html and "https://" not in html  # nothing from other sites


def test_the_pick_mode_names_the_form_s_fields(settings):
    html = render(map_mode="pick")
    assert 'data-mode="pick"' in html
    assert 'data-lat-input="id_latitude"' in html and 'data-lng-input="id_longitude"' in html
    assert 'data-lat=""' in html
    html = render(map_mode="pick", map_lat_id="id_lat", map_lng_id="id_lng")
    assert 'data-lat-input="id_lat"' in html and 'data-lng-input="id_lng"' in html


def test_a_tile_server_is_used_only_when_the_operator_sets_one(settings):
    settings.LOCAL_ISSUES_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.LOCAL_ISSUES_TILE_ATTRIBUTION = "© OpenStreetMap <contributors>"
    html = render(map_mode="show")
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "&lt;contributors&gt;" in html and "<contributors>" not in html


def test_the_tile_setting_is_empty_by_default_and_the_csp_strict():
    from django.conf import settings as real

    assert real.LOCAL_ISSUES_TILE_URL == ""
    assert real.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


def test_the_vendored_files_are_found_and_match_their_source_notes():
    for name in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/marker-icon.png",
        "vendor/topojson-client/topojson-client.min.js",
        "vendor/world-atlas/countries-50m.json",
        "local_issues/map.js",
        "local_issues/map-outline.js",
        "local_issues/map.css",
    ):
        assert finders.find(name), name
    for folder in ("leaflet", "topojson-client", "world-atlas"):
        assert (VENDOR / folder / "LICENSE").exists()
        note = (VENDOR / folder / "SOURCE.txt").read_text()
        for digest, filename in re.findall(r"sha256 ([0-9a-f]{64})  (\S+)", note):
            assert hashlib.sha256((VENDOR / folder / filename).read_bytes()).hexdigest() == digest, filename
    # The outline shows the three countries the platform works in.
    atlas = (VENDOR / "world-atlas" / "countries-50m.json").read_text()
    for country in ("Belarus", "Armenia", "Moldova"):
        assert f'"name":"{country}"' in atlas


def test_a_tile_server_elsewhere_is_allowed_by_the_csp_for_images_only():
    """The settings add the tile server's origin (Leaflet's {s} subdomains as *.) to img-src."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, hramada.settings as s; "
        "print(json.dumps({k: [str(v) for v in s.CONTENT_SECURITY_POLICY['DIRECTIVES'][k]] "
        "for k in ('img-src', 'connect-src', 'script-src')}))"
    )
    env = {**os.environ, "LOCAL_ISSUES_TILE_URL": "https://{s}.tiles.example.org/{z}/{x}/{y}.png"}
    env.pop("HRAMADA_ENV", None)
    out = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    directives = json.loads(out.stdout)
    assert directives["img-src"] == ["'self'", "data:", "https://*.tiles.example.org"]
    assert directives["connect-src"] == ["'self'"] and directives["script-src"] == ["'self'"]


def test_the_attribution_links_are_underlined():
    """Leaflet's own CSS draws the attribution links ("Leaflet", a tile server's) without underline,
    in a colour too close to the text around them: axe-core reported link-in-text-block (serious) on
    every page with a map (e2e/test_local_issues.py). Red without the rule at the end of map.css."""
    css = Path(finders.find("local_issues/map.css")).read_text(encoding="utf-8")
    rule = re.search(r"\.issue-map \.leaflet-control-attribution a\s*\{([^}]*)\}", css)
    assert rule is not None and "text-decoration: underline" in rule.group(1)
