/* Observatoire social et médico-social de Mayotte — interactive charts and maps, on request.
 *
 * Progressive enhancement: every page reads without JavaScript (charts and maps are
 * inline SVG, data are in tables). This script only reveals, next to each chart and map,
 * a button that loads the interactive version from the site itself (assets/vendor/,
 * copied from node_modules at build time) — nothing is fetched before the click, and
 * nothing from another host.
 *
 * Markup (observatory/compute/charts.py figure_html, compute/leaflet.py leaflet_html):
 *   <figure data-obs-chart> .obs-chart-static (SVG), script.obs-chart-spec (Vega-Lite
 *     JSON), button.obs-interactive[hidden]
 *   <div class="obs-map-choice"> (templates/_macros.md.j2 map_choice): one .obs-map-layout
 *     per year (static SVG, legend, script.obs-leaflet-year: that year's styles and values),
 *     then <div data-obs-map="ID" data-leaflet-css data-leaflet-js data-leaflet-map
 *     data-leaflet-layer> button.obs-interactive[hidden], <template> (folium map: div +
 *     script). The interactive map takes the place of the shown year's static map and
 *     follows the year chosen (event "obs-map-year" from map-years.js); each territory
 *     opens its portrait on click or Enter.
 */
(function () {
  "use strict";

  var here = document.currentScript && document.currentScript.src;
  var vendor = here ? here.replace(/javascripts\/interactive\.js(\?.*)?$/, "vendor/") : "assets/vendor/";
  var loaded = {};

  function load(url, kind) {
    if (!loaded[url]) {
      loaded[url] = new Promise(function (resolve, reject) {
        var el;
        if (kind === "css") {
          el = document.createElement("link");
          el.rel = "stylesheet";
          el.href = url;
        } else {
          el = document.createElement("script");
          el.src = url;
          el.async = false;
        }
        el.onload = function () { resolve(); };
        el.onerror = function () {
          // forget the failure so that a later click tries again (e.g. back online)
          delete loaded[url];
          el.parentNode.removeChild(el);
          reject(new Error(url));
        };
        document.head.appendChild(el);
      });
    }
    return loaded[url];
  }

  function status(host) {
    var box = host.querySelector(".obs-status");
    if (!box) {
      box = document.createElement("p");
      box.className = "obs-status";
      box.setAttribute("role", "status");
      // before a figure's caption, which HTML wants last
      host.insertBefore(box, host.querySelector(":scope > figcaption"));
    }
    return box;
  }

  function reveal(button) {
    // md-button is added here: its display rule would override the hidden attribute
    button.classList.add("md-button");
    button.hidden = false;
  }

  // hidden alone does not hide an <svg> (the UA rule is for HTML elements): set display too
  function setHidden(el, hide) {
    el.hidden = hide;
    el.style.display = hide ? "none" : "";
  }

  function toggle(button, staticEl, liveEl, labels) {
    var live = !liveEl.hidden;
    setHidden(liveEl, live);
    setHidden(staticEl, !live);
    // the label says what the button does next (no aria-pressed: the label changes)
    button.textContent = live ? labels[0] : labels[1];
  }

  var frLocale = {
    decimal: ",", thousands: "\u202f", grouping: [3], currency: ["", "\u202f€"],
    minus: "\u2212", percent: "\u202f%"
  };

  // Vega labels marks in English (aria-roledescription "rect mark container"...): keep only
  // the French description on the root <svg>, now and after every re-render (zoom).
  function frenchAria(host) {
    function clean() {
      var root = host.querySelector("svg");
      if (!root) return;
      var labelled = [host].concat(Array.prototype.slice.call(
        host.querySelectorAll("[role], [aria-roledescription], [aria-label]")));
      labelled.forEach(function (el) {
        if (el === root) return;
        if (!root.hasAttribute("aria-label") && el.hasAttribute("aria-label")) {
          root.setAttribute("aria-label", el.getAttribute("aria-label"));
        }
        el.removeAttribute("role");
        el.removeAttribute("aria-roledescription");
        el.removeAttribute("aria-label");
      });
      if (root.getAttribute("role") !== "img") root.setAttribute("role", "img");
      if (root.hasAttribute("aria-roledescription")) root.removeAttribute("aria-roledescription");
    }
    clean();
    new MutationObserver(clean).observe(host, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ["role", "aria-roledescription", "aria-label"]
    });
  }

  function enhanceChart(figure) {
    var button = figure.querySelector(".obs-interactive");
    var specEl = figure.querySelector(".obs-chart-spec");
    var staticEl = figure.querySelector(".obs-chart-static");
    if (!button || !specEl || !staticEl) return;
    var labels = ["Afficher le graphique interactif", "Revenir au graphique statique"];
    var liveEl = null;
    var zoomable = false;
    reveal(button);
    button.addEventListener("click", function () {
      if (liveEl) { toggle(button, staticEl, liveEl, labels); return; }
      button.disabled = true;
      status(figure).textContent = "Chargement du graphique interactif…";
      Promise.all([
        load(vendor + "vega/vega.min.js"),
        load(vendor + "vega-lite/vega-lite.min.js"),
        load(vendor + "vega-embed/vega-embed.min.js")
      ]).then(function () {
        var spec = JSON.parse(specEl.textContent);
        zoomable = Boolean(spec.params);
        liveEl = document.createElement("div");
        liveEl.className = "obs-chart-live";
        liveEl.hidden = true;
        staticEl.parentNode.insertBefore(liveEl, staticEl.nextSibling);
        return window.vegaEmbed(liveEl, spec, {
          actions: false, renderer: "svg", mode: "vega-lite",
          formatLocale: frLocale, i18n: { CLICK_TO_VIEW_ACTIONS: "Actions" }
        });
      }).then(function () {
        frenchAria(liveEl);
        toggle(button, staticEl, liveEl, labels);
        status(figure).textContent = "Graphique interactif affiché : survolez " +
          (zoomable ? "les points pour lire les valeurs, faites défiler pour zoomer."
                    : "les barres pour lire les valeurs.");
      }).catch(function () {
        status(figure).textContent =
          "Le graphique interactif n'a pas pu être chargé ; le graphique statique reste affiché.";
        liveEl = null;
      }).then(function () { button.disabled = false; });
    });
  }

  // Scripts of a cloned template may or may not run on insertion depending on the browser:
  // take them out of the fragment, insert it, then run fresh copies exactly once.
  function insertWithScripts(fragment, parent) {
    var codes = [];
    fragment.querySelectorAll("script").forEach(function (old) {
      codes.push(old.textContent);
      old.parentNode.removeChild(old);
    });
    parent.appendChild(fragment);
    codes.forEach(function (code) {
      var s = document.createElement("script");
      s.textContent = code;
      parent.appendChild(s);
    });
  }

  // Leaflet labels its controls in English: French names, and a name for the map itself.
  function frenchLeaflet(root, staticEl) {
    var names = { ".leaflet-control-zoom-in": "Zoom avant", ".leaflet-control-zoom-out": "Zoom arrière" };
    Object.keys(names).forEach(function (sel) {
      root.querySelectorAll(sel).forEach(function (el) {
        el.setAttribute("title", names[sel]);
        el.setAttribute("aria-label", names[sel]);
        el.style.textDecoration = "none"; // the site underlines links; not these buttons
      });
    });
    var title = staticEl.querySelector("title");
    root.querySelectorAll(".leaflet-container").forEach(function (el) {
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "Carte interactive. " + (title ? title.textContent : ""));
    });
  }

  // The year's map on screen in a .obs-map-choice (map-years.js or CSS :target shows one).
  function shownLayout(choice) {
    var all = choice.querySelectorAll(".obs-map-layout");
    for (var i = 0; i < all.length; i++) {
      if (window.getComputedStyle(all[i]).display !== "none") return all[i];
    }
    return all[0];
  }

  // Each area: a link to its portrait (click, or Tab then Enter), its tooltip on focus too.
  function linkAreas(layer) {
    layer.eachLayer(function (area) {
      var el = area.getElement && area.getElement();
      var props = area.feature.properties;
      if (!el || !props.url) return;
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "link");
      function go() { window.location.href = props.url; }
      area.on("click", go);
      el.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); go(); }
      });
      el.addEventListener("focus", function () { area.openTooltip(); });
      el.addEventListener("blur", function () { area.closeTooltip(); });
    });
  }

  // The chosen year: each area's style, value, year and source; the circles of a count.
  function showYear(live, layout) {
    var dataEl = layout.querySelector(".obs-leaflet-year");
    if (!dataEl || !live.layer) return;
    var data = JSON.parse(dataEl.textContent);
    live.layer.eachLayer(function (area) {
      var props = area.feature.properties;
      var zone = data.zones[props.code];
      if (!zone) return;
      area.setStyle(zone.style);
      props.valeur = zone.valeur;
      props.annee = data.annee;
      props.source = data.source;
      var el = area.getElement && area.getElement();
      if (el) {
        el.setAttribute("aria-label", props.lien + " : " + zone.valeur +
          " " + (data.quand || "en " + data.annee) + " (source : " + data.source + ")");
      }
    });
    if (live.circles) live.circles.clearLayers();
    Object.keys(data.zones).forEach(function (code) {
      var c = data.zones[code].cercle;
      if (!c) return;
      if (!live.circles) live.circles = window.L.layerGroup().addTo(live.map);
      window.L.circleMarker([c[0], c[1]], {
        radius: c[2], color: "#ffffff", weight: 1, fillColor: "#2c6e9b", fillOpacity: 0.75,
        interactive: false
      }).addTo(live.circles);
    });
    var figure = layout.querySelector("figure");
    figure.insertBefore(live.el, figure.querySelector("figcaption"));
    live.map.invalidateSize();
  }

  function enhanceMap(box) {
    var button = box.querySelector(".obs-interactive");
    var template = box.querySelector("template");
    var choice = box.closest(".obs-map-choice");
    if (!button || !template || !choice) return;
    var labels = ["Afficher la carte interactive", "Revenir à la carte statique"];
    var live = null;
    reveal(button);
    function setLive(on) {
      setHidden(live.el, !on);
      choice.classList.toggle("obs-leaflet-on", on);
      button.textContent = on ? labels[1] : labels[0];
      if (on) showYear(live, shownLayout(choice));
    }
    choice.addEventListener("obs-map-year", function () {
      if (live && !live.el.hidden) showYear(live, shownLayout(choice));
    });
    button.addEventListener("click", function () {
      if (live) { setLive(live.el.hidden); return; }
      button.disabled = true;
      status(box).textContent = "Chargement de la carte interactive…";
      Promise.all([
        load(box.getAttribute("data-leaflet-css"), "css"),
        load(box.getAttribute("data-leaflet-js"))
      ]).then(function () {
        var layout = shownLayout(choice);
        var figure = layout.querySelector("figure");
        live = { el: document.createElement("div") };
        live.el.className = "obs-leaflet-live";
        figure.insertBefore(live.el, figure.querySelector("figcaption"));
        choice.classList.add("obs-leaflet-on");
        insertWithScripts(template.content.cloneNode(true), live.el);
        live.map = window[box.getAttribute("data-leaflet-map")];
        live.layer = window[box.getAttribute("data-leaflet-layer")];
        frenchLeaflet(live.el, layout.querySelector("svg.obs-map-svg"));
        linkAreas(live.layer);
        setLive(true);
        status(box).textContent = "Carte interactive affichée : survolez un territoire pour " +
          "lire sa valeur ; cliquez-le, ou atteignez-le avec Tab puis Entrée, pour ouvrir son portrait.";
      }).catch(function () {
        status(box).textContent =
          "La carte interactive n'a pas pu être chargée ; la carte statique reste affichée.";
        if (live) { live.el.parentNode.removeChild(live.el); choice.classList.remove("obs-leaflet-on"); }
        live = null;
      }).then(function () { button.disabled = false; });
    });
  }

  function init() {
    document.querySelectorAll("[data-obs-chart]").forEach(enhanceChart);
    document.querySelectorAll("[data-obs-map]").forEach(enhanceMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
