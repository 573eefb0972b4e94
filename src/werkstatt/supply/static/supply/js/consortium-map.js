/*
 * The consortium page's map: the route from step to step and on to the delivery place.
 *
 * Data comes from the json_script element #consortium-map-data ({buyer, options: [{legs, points}]})
 * and texts from data- attributes of #consortium-map: no inline script (strict CSP). Without
 * JavaScript or Leaflet the fallback text stays, and the tables below carry every number.
 * The buttons "Show on the map" switch between the best consortium and the alternatives.
 */
(function () {
  "use strict";

  var COLOURS = ["#0a4f7a", "#8a3b12", "#2f6b2f", "#6b2f6b"];

  function init() {
    var element = document.getElementById("consortium-map");
    var source = document.getElementById("consortium-map-data");
    if (!element || !source || typeof window.L === "undefined") {
      return;
    }
    var L = window.L;
    var data = JSON.parse(source.textContent);
    var texts = element.dataset;
    var status = document.getElementById("consortium-map-status");
    element.textContent = "";
    element.classList.add("map--active");
    var map = L.map(element, { scrollWheelZoom: false }).setView([50.93, 13.46], 8);
    if (texts.tileUrl) {
      var tiles = L.tileLayer(texts.tileUrl, { attribution: texts.attribution || "", maxZoom: 18 });
      var failed = false;
      tiles.on("tileerror", function () {
        if (!failed && status) {
          failed = true;
          element.classList.add("map--no-tiles");
          status.textContent = texts.labelTilesFailed || "";
        }
      });
      tiles.addTo(map);
    }
    var layer = L.layerGroup().addTo(map);

    function show(index) {
      var option = data.options[index];
      if (!option) {
        return;
      }
      layer.clearLayers();
      var bounds = [];
      var colour = COLOURS[index % COLOURS.length];
      option.legs.forEach(function (leg) {
        var line = [[leg.from[0], leg.from[1]], [leg.to[0], leg.to[1]]];
        L.polyline(line, { color: colour, weight: 4, opacity: 0.85 })
          .bindTooltip(leg.label + ": " + leg.km_text + " km")
          .addTo(layer);
        bounds.push(line[0], line[1]);
      });
      option.points.forEach(function (point) {
        L.circleMarker([point.lat, point.lon], { radius: 7, weight: 2, color: colour, fillColor: "#ffffff", fillOpacity: 1 })
          .bindTooltip(point.label)
          .addTo(layer);
        bounds.push([point.lat, point.lon]);
      });
      if (data.buyer) {
        L.circleMarker([data.buyer.lat, data.buyer.lon], { radius: 9, weight: 3, color: "#000000", fillColor: "#f2c200", fillOpacity: 1 })
          .bindTooltip((texts.labelBuyer || "") + ": " + data.buyer.label)
          .addTo(layer);
        bounds.push([data.buyer.lat, data.buyer.lon]);
      }
      if (bounds.length) {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
      }
      document.querySelectorAll(".supply-option").forEach(function (section) {
        section.classList.toggle("supply-option--current", section.dataset.option === String(index));
      });
      element.dataset.shown = String(index);
    }

    document.querySelectorAll(".supply-show-route").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        show(parseInt(button.dataset.option, 10));
        element.scrollIntoView({ behavior: "smooth", block: "center" });
      });
    });
    show(0);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
