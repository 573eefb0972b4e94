/*
 * The directory's map: the positions of all organisations found, from the GeoJSON endpoint.
 *
 * Everything it needs comes from data- attributes of #directory-map (tile URL, attribution,
 * GeoJSON URL, texts), so there is no inline script (strict CSP). Without JavaScript or Leaflet
 * the container keeps its fallback text; when tiles fail to load the markers still show on a
 * plain background and a status line says so. After htmx replaces the results, the map reloads
 * its points from the new URL in #directory-map-data.
 */
(function () {
  "use strict";

  function setStatus(text) {
    var status = document.getElementById("directory-map-status");
    if (status) {
      status.textContent = text;
    }
  }

  function init() {
    var element = document.getElementById("directory-map");
    if (!element || typeof window.L === "undefined") {
      return;
    }
    var L = window.L;
    var data = element.dataset;
    element.textContent = "";
    element.classList.add("map--active");

    // Saxony as the first view; fitted to the points once they are loaded.
    var map = L.map(element, { preferCanvas: true, scrollWheelZoom: false }).setView([50.93, 13.46], 8);
    var tilesFailed = false;
    if (data.tileUrl) {
      var tiles = L.tileLayer(data.tileUrl, { attribution: data.attribution || "", maxZoom: 18 });
      tiles.on("tileerror", function () {
        if (!tilesFailed) {
          tilesFailed = true;
          element.classList.add("map--no-tiles");
          setStatus(data.labelTilesFailed || "");
        }
      });
      tiles.addTo(map);
    }
    var markers = L.layerGroup().addTo(map);
    var current = null;

    function popup(feature) {
      var link = document.createElement("a");
      link.href = feature.properties.url;
      link.textContent = feature.properties.name;
      return link;
    }

    function load(url) {
      if (!url || url === current) {
        return;
      }
      current = url;
      fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.statusText);
          }
          return response.json();
        })
        .then(function (collection) {
          if (url !== current) {
            return; // a newer search has started meanwhile
          }
          markers.clearLayers();
          var bounds = [];
          collection.features.forEach(function (feature) {
            var lonLat = feature.geometry.coordinates;
            var latLng = [lonLat[1], lonLat[0]];
            L.circleMarker(latLng, { radius: 6, weight: 1, color: "#063957", fillColor: "#0a4f7a", fillOpacity: 0.8 })
              .bindPopup(popup(feature))
              .addTo(markers);
            bounds.push(latLng);
          });
          if (bounds.length) {
            map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
          }
          var text = collection.features.length + " " + (data.labelPoints || "");
          if (collection.truncated) {
            text += ". " + (data.labelTruncated || "");
          }
          if (tilesFailed) {
            text += ". " + (data.labelTilesFailed || "");
          }
          setStatus(text);
        })
        .catch(function () {
          setStatus(data.labelFailed || "");
        });
    }

    load(data.geojsonUrl);
    document.body.addEventListener("htmx:afterSwap", function () {
      var source = document.getElementById("directory-map-data");
      if (source) {
        load(source.dataset.geojsonUrl);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
