/* What both maps share (local_issues/map.js, reports/reach-map.js): without a tile server, the
 * countries' outlines from the vendored Natural Earth boundaries (world-atlas, turned into GeoJSON by
 * topojson-client), with Belarus, Armenia and Moldova drawn stronger; and Belarus's bounds, where a map
 * with nothing to show starts. Loaded before either map's script; sets window.HramadaMap.
 */
(function () {
  "use strict";

  var HOME = ["Belarus", "Armenia", "Moldova"];

  // ``cssClass`` marks the element as drawn without tiles (each map's stylesheet gives it a background).
  function drawOutline(map, el, cssClass) {
    el.classList.add(cssClass);
    map.attributionControl.addAttribution(el.dataset.outlineAttribution || "Natural Earth");
    if (!window.topojson || !window.fetch) return;
    fetch(el.dataset.atlas, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (topology) {
        var countries = topojson.feature(topology, topology.objects.countries);
        L.geoJSON(countries, {
          interactive: false,
          style: function (feature) {
            var home = HOME.indexOf(feature.properties && feature.properties.name) >= 0;
            return {
              color: home ? "#2f5d3a" : "#8a94a0",
              weight: home ? 1.6 : 0.6,
              fillColor: home ? "#f3f7ef" : "#eef0f2",
              fillOpacity: 1
            };
          }
        }).addTo(map).bringToBack();
      })
      .catch(function () { /* the map's own content (and the page's fields or table) still work */ });
  }

  window.HramadaMap = { drawOutline: drawOutline, BELARUS: [[51.2, 23.1], [56.2, 32.8]] };
})();
