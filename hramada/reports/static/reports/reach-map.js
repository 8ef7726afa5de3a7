/* Reach by settlement on a map (templates/reports/_reach.html; docs/reports.md, "Reach on the map").
 *
 * Reads the page's GeoJSON (data-url: the same filters as the page) and draws a circle per settlement,
 * its area by the people reached there. Settlements whose figure is withheld ("<5" or hidden) all get
 * the same smallest circle with a dashed edge, so their size says nothing. Each circle is a Leaflet
 * marker: reachable with Tab, Enter opens its figures. The table under the map has the same figures
 * and is what works without JavaScript.
 * Leaflet, topojson-client and world-atlas are the vendored files of the local issues map, and the
 * outlines are drawn by its local_issues/map-outline.js; no tiles unless the operator set a tile
 * server. No inline
 * scripts or styles (the site's CSP); nothing is fetched from another site.
 */
(function () {
  "use strict";

  var SMALLEST = 14;  // px, the circle of a withheld figure and of the smallest shown one
  var LARGEST = 56;

  function shown(value) {
    return typeof value === "number";
  }

  // Area proportional to people: the diameter grows with the square root.
  function diameter(people, most) {
    if (!shown(people) || !most) return SMALLEST;
    return Math.round(SMALLEST + (LARGEST - SMALLEST) * Math.sqrt(people / most));
  }

  function text(value, el) {
    return value === "hidden" ? el.dataset.labelHidden : String(value);
  }

  function figures(props, el) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = props.name;
    box.appendChild(title);
    if (props.region) box.appendChild(document.createTextNode(" (" + props.region + ")"));
    [[el.dataset.labelPeople, props.people], [el.dataset.labelParticipations, props.participations]]
      .forEach(function (pair) {
        var line = document.createElement("div");
        line.textContent = pair[0] + ": " + text(pair[1], el);
        box.appendChild(line);
      });
    return box;
  }

  function legend(el, most) {
    var box = el.parentNode.querySelector("[data-reach-legend]");
    if (!box) return;
    var list = box.querySelector("[data-reach-legend-samples]");
    var samples = ["<5"];
    if (most >= 5) {
      [5, Math.round(most / 4), most].forEach(function (n) {
        if (n >= 5 && samples.indexOf(n) < 0) samples.push(n);
      });
    }
    samples.forEach(function (n) {
      var item = document.createElement("li");
      var dot = document.createElement("span");
      var size = diameter(n, most);
      dot.className = "reach-dot" + (shown(n) ? "" : " reach-dot--withheld");
      dot.style.width = size + "px";
      dot.style.height = size + "px";
      item.appendChild(dot);
      item.appendChild(document.createTextNode(String(n)));
      list.appendChild(item);
    });
    box.hidden = false;
  }

  function draw(el, data) {
    var features = (data && data.features) || [];
    if (!features.length) return;  // nothing with coordinates: the table alone
    el.hidden = false;
    var tiles = el.dataset.tiles;
    var map = L.map(el, { minZoom: 2, maxZoom: tiles ? 19 : 12, worldCopyJump: true });
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    } else {
      HramadaMap.drawOutline(map, el, "reach-map--outline");
    }
    var most = 0;
    features.forEach(function (f) {
      if (shown(f.properties.people) && f.properties.people > most) most = f.properties.people;
    });
    // The view first: Leaflet draws markers (and their elements exist) once the map has one.
    var points = features.map(function (f) {
      return L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
    });
    if (points.length === 1) {
      map.setView(points[0], tiles ? 11 : 8);
    } else {
      map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: tiles ? 12 : 9 });
    }
    if (!map.getBounds().isValid()) map.fitBounds(HramadaMap.BELARUS);
    // In the answer's order (by name, as the table), so Tab goes through them alphabetically; smaller
    // circles stack above larger ones, so none is hidden under another.
    features.forEach(function (f) {
      var c = f.geometry.coordinates;
      var point = L.latLng(c[1], c[0]);
      var size = diameter(f.properties.people, most);
      var props = f.properties;
      var label = props.name + ": " + el.dataset.labelPeople + " " + text(props.people, el);
      var marker = L.marker(point, {
        icon: L.divIcon({
          className: "reach-marker" + (shown(props.people) ? "" : " reach-marker--withheld"),
          iconSize: [size, size],
          html: ""
        }),
        keyboard: true,
        title: label,
        zIndexOffset: (LARGEST - size) * 1000,
        riseOnHover: true
      });
      marker.bindPopup(figures(props, el));
      marker.addTo(map);
      var icon = marker.getElement();
      if (icon) icon.setAttribute("aria-label", label);
    });
    legend(el, most);
  }

  function init(el) {
    if (!window.L || !window.fetch || !window.HramadaMap || el.dataset.ready) return;
    el.dataset.ready = "1";
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) { draw(el, data); })
      .catch(function () { /* the table is enough */ });
  }

  function start() {
    var maps = document.querySelectorAll("[data-reach-map]");
    for (var i = 0; i < maps.length; i++) init(maps[i]);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
