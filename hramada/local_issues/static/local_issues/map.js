/* The map of a local issue (templates/local_issues/_map.html; docs/local-issues-map.md).
 *
 * "pick" (the raise form): clicking the map sets the point and fills the latitude and longitude
 * fields; typing in the fields moves the point. "show" (an issue's page): the issue's point.
 * Tiles only from the operator's tile server (data-tiles); without one, the countries' outlines
 * (map-outline.js). No inline scripts or styles (the site's CSP), and
 * nothing from other sites unless the operator configured a tile server there.
 */
(function () {
  "use strict";


  function number(value) {
    var n = parseFloat(String(value || "").replace(",", "."));
    return isFinite(n) ? n : null;
  }

  function pointFrom(lat, lng) {
    var a = number(lat), b = number(lng);
    if (a === null || b === null || a < -90 || a > 90 || b < -180 || b > 180) return null;
    return L.latLng(a, b);
  }

  function init(el) {
    if (!window.L || !window.HramadaMap || el.dataset.ready) return;
    el.dataset.ready = "1";
    var pick = el.dataset.mode === "pick";
    var latInput = pick ? document.getElementById(el.dataset.latInput) : null;
    var lngInput = pick ? document.getElementById(el.dataset.lngInput) : null;
    if (pick && (!latInput || !lngInput)) return;
    el.hidden = false;
    var help = el.parentNode.querySelector("[data-issue-map-help]");
    if (help) help.hidden = false;

    var tiles = el.dataset.tiles;
    var map = L.map(el, { minZoom: 2, maxZoom: tiles ? 19 : 12, worldCopyJump: true });
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    } else {
      HramadaMap.drawOutline(map, el, "issue-map--outline");
    }

    var marker = null;
    function place(point, zoom) {
      if (!point) {
        if (marker) { map.removeLayer(marker); marker = null; }
        return;
      }
      if (!marker) {
        marker = L.circleMarker(point, { radius: 8, color: "#b3261e", weight: 3, fillColor: "#e35d52", fillOpacity: 0.9 });
        marker.addTo(map);
      } else {
        marker.setLatLng(point);
      }
      if (zoom) map.setView(point, zoom);
    }

    var start = pick ? pointFrom(latInput.value, lngInput.value) : pointFrom(el.dataset.lat, el.dataset.lng);
    var centre = pointFrom(el.dataset.centerLat, el.dataset.centerLng);
    var near = tiles ? 15 : 9;
    if (start) {
      place(start, near);
    } else if (centre) {
      map.setView(centre, tiles ? 13 : 8);
    } else {
      map.fitBounds(HramadaMap.BELARUS);
    }

    if (!pick) return;
    map.on("click", function (event) {
      var point = event.latlng.wrap();
      latInput.value = point.lat.toFixed(6);
      lngInput.value = point.lng.toFixed(6);
      place(point);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
    });
    function typed() {
      var point = pointFrom(latInput.value, lngInput.value);
      place(point);
      if (point) map.panTo(point);
    }
    latInput.addEventListener("input", typed);
    lngInput.addEventListener("input", typed);
  }

  function start() {
    var maps = document.querySelectorAll("[data-issue-map]");
    for (var i = 0; i < maps.length; i++) init(maps[i]);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
