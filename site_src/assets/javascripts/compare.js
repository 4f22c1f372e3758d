/* Observatoire social et médico-social de Mayotte — « Comparer des territoires ».
 *
 * Progressive enhancement of territoires/comparer/ (observatory/pages/compare.py): without
 * JavaScript the page holds one complete table per indicator. With it, the reader picks
 * 2 to 6 territories and the indicators; the tables keep only those rows and sections,
 * a bar chart (inline SVG) is drawn for each indicator, and the choice is written in the
 * address (?territoires=97611~97610&indicateurs=a~b) so that it can be shared. Nothing is
 * loaded from anywhere.
 */
(function () {
  "use strict";

  var root = document.getElementById("obs-compare");
  if (!root) {
    return;
  }
  var MAX = 6;
  var sections = Array.prototype.slice.call(document.querySelectorAll(".obs-compare-indicator"));
  if (!sections.length) {
    return;
  }
  var params = new URLSearchParams(window.location.search);
  function list(name) {
    return (params.get(name) || "").split("~").filter(function (x) { return x; });
  }
  var chosen = list("territoires").slice(0, MAX);
  var indicators = list("indicateurs");

  var names = {};
  Array.prototype.forEach.call(sections[0].querySelectorAll("tbody tr"), function (tr) {
    names[tr.getAttribute("data-code")] = tr.querySelector("th").textContent;
  });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  // The form: territories (2 to 6) and indicators.
  var form = el("form", { "class": "obs-compare-form", "aria-label": "Choisir les territoires et les indicateurs" });
  var who = el("fieldset");
  who.appendChild(el("legend", {}, "Territoires (2 à 6)"));
  Object.keys(names).forEach(function (code) {
    var label = el("label");
    var box = el("input", { type: "checkbox", name: "territoire", value: code });
    box.checked = chosen.indexOf(code) >= 0;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + names[code]));
    who.appendChild(label);
  });
  var what = el("fieldset");
  what.appendChild(el("legend", {}, "Indicateurs (aucun coché : tous)"));
  sections.forEach(function (section) {
    var id = section.getAttribute("data-indicator");
    var label = el("label");
    var box = el("input", { type: "checkbox", name: "indicateur", value: id });
    box.checked = indicators.indexOf(id) >= 0;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + section.querySelector("h2 a").textContent));
    what.appendChild(label);
  });
  var status = el("p", { "class": "obs-compare-status", role: "status" });
  form.appendChild(who);
  form.appendChild(what);
  form.appendChild(status);
  root.appendChild(form);

  function checked(name) {
    return Array.prototype.slice.call(form.querySelectorAll("input[name=" + name + "]:checked"))
      .map(function (box) { return box.value; });
  }

  function chart(section, rows) {
    var old = section.querySelector(".obs-compare-chart");
    if (old) { old.remove(); }
    var values = rows.map(function (tr) { return parseFloat(tr.getAttribute("data-value")); });
    var known = values.filter(function (v) { return !isNaN(v); });
    if (known.length < 1) { return; }
    var top = Math.max.apply(null, known.map(Math.abs)) || 1;
    var ns = "http://www.w3.org/2000/svg";
    var height = rows.length * 26 + 10;
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "obs-compare-chart");
    svg.setAttribute("viewBox", "0 0 560 " + height);
    svg.setAttribute("width", "560");
    svg.setAttribute("role", "img");
    var title = section.querySelector("h2 a").textContent;
    svg.setAttribute("aria-label", title + " : " + rows.map(function (tr) {
      return tr.querySelector("th").textContent + " " + tr.querySelector("td.obs-num").textContent;
    }).join(" ; "));
    rows.forEach(function (tr, i) {
      var y = 6 + i * 26;
      var text = document.createElementNS(ns, "text");
      text.setAttribute("x", "0");
      text.setAttribute("y", String(y + 15));
      text.setAttribute("font-size", "12");
      text.textContent = tr.querySelector("th").textContent;
      svg.appendChild(text);
      var v = values[i];
      if (!isNaN(v)) {
        var bar = document.createElementNS(ns, "rect");
        bar.setAttribute("x", "180");
        bar.setAttribute("y", String(y));
        bar.setAttribute("height", "20");
        bar.setAttribute("width", String(Math.max(1, 190 * Math.abs(v) / top)));
        bar.setAttribute("fill", "#225ea8");
        svg.appendChild(bar);
      }
      var label = document.createElementNS(ns, "text");
      label.setAttribute("x", String(isNaN(v) ? 180 : 185 + 190 * Math.abs(v) / top));
      label.setAttribute("y", String(y + 15));
      label.setAttribute("font-size", "12");
      label.textContent = tr.querySelector("td.obs-num").textContent;
      svg.appendChild(label);
    });
    section.insertBefore(svg, section.querySelector(".obs-table"));
  }

  function apply(write) {
    var places = checked("territoire");
    var wanted = checked("indicateur");
    var active = places.length >= 2 && places.length <= MAX;
    status.textContent = places.length > MAX
      ? "Choisissez au plus " + MAX + " territoires."
      : active ? places.length + " territoires comparés." : "Choisissez de 2 à " + MAX + " territoires.";
    sections.forEach(function (section) {
      var shown = !wanted.length || wanted.indexOf(section.getAttribute("data-indicator")) >= 0;
      section.hidden = !shown;
      var rows = Array.prototype.slice.call(section.querySelectorAll("tbody tr"));
      rows.forEach(function (tr) {
        tr.hidden = active && places.indexOf(tr.getAttribute("data-code")) < 0;
      });
      var old = section.querySelector(".obs-compare-chart");
      if (old) { old.remove(); }
      if (active && shown) {
        chart(section, rows.filter(function (tr) { return !tr.hidden; }));
      }
    });
    if (write) {
      var query = new URLSearchParams();
      if (places.length) { query.set("territoires", places.join("~")); }
      if (wanted.length) { query.set("indicateurs", wanted.join("~")); }
      var text = query.toString().replace(/%7E/g, "~");
      window.history.replaceState(null, "", window.location.pathname + (text ? "?" + text : ""));
    }
  }

  form.addEventListener("change", function () { apply(true); });
  apply(false);
})();
