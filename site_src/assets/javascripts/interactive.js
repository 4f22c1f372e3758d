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
 *   <div data-obs-map="ID" data-leaflet-css data-leaflet-js> button.obs-interactive[hidden],
 *     <template> (folium map: div + script) ; the static map is #ID-svg
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

  function enhanceMap(box) {
    var button = box.querySelector(".obs-interactive");
    var template = box.querySelector("template");
    var staticEl = document.getElementById(box.getAttribute("data-obs-map") + "-svg");
    if (!button || !template || !staticEl) return;
    var labels = ["Afficher la carte interactive", "Revenir à la carte statique"];
    var liveEl = null;
    reveal(button);
    button.addEventListener("click", function () {
      if (liveEl) { toggle(button, staticEl, liveEl, labels); return; }
      button.disabled = true;
      status(box).textContent = "Chargement de la carte interactive…";
      Promise.all([
        load(box.getAttribute("data-leaflet-css"), "css"),
        load(box.getAttribute("data-leaflet-js"))
      ]).then(function () {
        liveEl = document.createElement("div");
        liveEl.className = "obs-leaflet-live";
        liveEl.hidden = true;
        box.insertBefore(liveEl, template);
        toggle(button, staticEl, liveEl, labels);
        insertWithScripts(template.content.cloneNode(true), liveEl);
        frenchLeaflet(liveEl, staticEl);
        status(box).textContent = "Carte interactive affichée : survolez un territoire pour lire sa valeur.";
      }).catch(function () {
        status(box).textContent =
          "La carte interactive n'a pas pu être chargée ; la carte statique reste affichée.";
        liveEl = null;
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
