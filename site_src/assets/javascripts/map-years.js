/* Observatoire social et médico-social de Mayotte — the year of an indicator's map.
 *
 * Progressive enhancement of each .obs-map-choice (templates/_macros.md.j2 map_choice, on
 * indicateurs/<id>/ and on the theme pages): it holds a static map per drawable year;
 * without JavaScript, links (#carte-<id>-<year>) show one (CSS :target). This script
 * replaces the links by a labelled range input (keyboard: arrows, Home, End) that shows the
 * chosen year's map, announces it, keeps it in the address, and tells the interactive map
 * (interactive.js) with an "obs-map-year" event on the .obs-map-choice.
 */
(function () {
  "use strict";

  Array.prototype.forEach.call(document.querySelectorAll("[data-obs-map-years]"), function (nav) {
    var host = nav.parentElement;
    var maps = Array.prototype.slice.call(host.querySelectorAll(".obs-map-layout[data-year]"));
    if (maps.length < 2) {
      return;
    }
    maps.sort(function (a, b) { return a.getAttribute("data-year") - b.getAttribute("data-year"); });
    var years = maps.map(function (m) { return m.getAttribute("data-year"); });
    var byDefault = nav.querySelector("a[data-year]").getAttribute("data-year");
    // each year's name as the links give it: the year, or the source's period (« 2012-2017 »)
    var names = {};
    Array.prototype.forEach.call(nav.querySelectorAll("a[data-year]"), function (a) {
      names[a.getAttribute("data-year")] = a.textContent;
    });
    var word = nav.getAttribute("data-word") || "Année";

    var id = nav.getAttribute("data-obs-map-years") + "-annee";
    var label = document.createElement("label");
    label.setAttribute("for", id);
    var input = document.createElement("input");
    input.type = "range";
    input.id = id;
    input.min = "0";
    input.max = String(years.length - 1);
    input.step = "1";
    var live = document.createElement("p");
    live.className = "obs-status";
    live.setAttribute("role", "status");

    function show(index, announce) {
      var year = years[index];
      var name = names[year] || year;
      maps.forEach(function (m, i) {
        if (i === index) { m.setAttribute("data-shown", ""); } else { m.removeAttribute("data-shown"); }
      });
      input.value = String(index);
      input.setAttribute("aria-valuetext", name);
      label.textContent = word + " de la carte : " + name + " ";
      if (announce) {
        live.textContent = "Carte de " + name +
          (year === byDefault ? " (" + word.toLowerCase() + " par défaut)." : ".");
        window.history.replaceState(null, "", "#" + maps[index].id);
      }
      host.dispatchEvent(new CustomEvent("obs-map-year", { detail: { year: year } }));
    }

    var p = nav.querySelector("p");
    var intro = document.createElement("p");
    intro.textContent = "Par défaut, la carte de " + (names[byDefault] || byDefault) +
      " : la dernière année où chaque territoire a une valeur, sinon la mieux couverte.";
    var row = document.createElement("p");
    row.appendChild(label);
    row.appendChild(input);
    nav.replaceChild(row, p);
    nav.insertBefore(intro, row);
    nav.appendChild(live);
    host.classList.add("obs-map-years-js");
    input.addEventListener("input", function () { show(Number(input.value), true); });
    var wanted = window.location.hash.slice(1);
    var start = years.indexOf(byDefault);
    maps.forEach(function (m, i) { if (m.id === wanted) { start = i; } });
    show(start, false);
  });
})();
