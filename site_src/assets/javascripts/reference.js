/* Observatoire social et médico-social de Mayotte — the reference territory of a portrait.
 *
 * Progressive enhancement of territoires/<code>/ (observatory/pages/territories.py): each
 * indicator table already holds, in hidden cells (.obs-ref[data-ref=CODE]), the value of
 * every other territory of the same level; without JavaScript the portrait lists links to
 * the comparison page instead. This script replaces that list by a « Territoire de
 * référence » selector that shows the chosen territory's column in every table, announces
 * it (live region) and keeps the choice in the address (?reference=CODE). Nothing is loaded.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-obs-reference]");
  if (!box) {
    return;
  }
  var links = Array.prototype.slice.call(box.querySelectorAll("a[data-code]"));
  var cells = Array.prototype.slice.call(document.querySelectorAll(".obs-ref[data-ref]"));
  if (!links.length || !cells.length) {
    return;
  }

  var label = document.createElement("label");
  label.setAttribute("for", "obs-reference-select");
  label.textContent = "Territoire de référence";
  var select = document.createElement("select");
  select.id = "obs-reference-select";
  select.setAttribute("aria-describedby", "obs-reference-help");
  var none = document.createElement("option");
  none.value = "";
  none.textContent = "Aucun";
  select.appendChild(none);
  links.forEach(function (a) {
    var option = document.createElement("option");
    option.value = a.getAttribute("data-code");
    option.textContent = a.textContent;
    select.appendChild(option);
  });
  var live = document.createElement("p");
  live.className = "obs-status";
  live.setAttribute("role", "status");
  var list = box.querySelector(".obs-reference-links");
  var compare = document.createElement("a");
  compare.className = "obs-reference-compare";
  compare.hidden = true;
  compare.textContent = "Comparer sur la page « Comparer des territoires »";
  var row = document.createElement("p");
  row.appendChild(label);
  row.appendChild(select);
  row.appendChild(document.createTextNode(" "));
  row.appendChild(compare);
  box.replaceChild(row, list);
  box.appendChild(live);

  // each table's caption names the reference territory too
  var captions = [];
  Array.prototype.forEach.call(document.querySelectorAll("table"), function (table) {
    if (table.caption && table.querySelector(".obs-ref")) {
      var span = document.createElement("span");
      span.className = "obs-ref-caption";
      table.caption.appendChild(span);
      captions.push(span);
    }
  });

  function show(code, announce) {
    var name = "";
    cells.forEach(function (cell) {
      cell.hidden = cell.getAttribute("data-ref") !== code;
    });
    links.forEach(function (a) {
      if (a.getAttribute("data-code") === code) {
        name = a.textContent;
        compare.href = a.getAttribute("href");
      }
    });
    captions.forEach(function (span) {
      span.textContent = name ? " ; territoire de référence : " + name : "";
    });
    compare.hidden = !name;
    if (announce) {
      live.textContent = name
        ? "Colonne « " + name + " » ajoutée à chaque tableau d'indicateurs."
        : "Aucun territoire de référence : les tableaux ne montrent plus de colonne de référence.";
    }
    var url = new URL(window.location.href);
    if (name) {
      url.searchParams.set("reference", code);
    } else {
      url.searchParams.delete("reference");
    }
    window.history.replaceState(null, "", url.toString());
  }

  select.addEventListener("change", function () { show(select.value, true); });
  var wanted = new URLSearchParams(window.location.search).get("reference") || "";
  if (wanted && links.some(function (a) { return a.getAttribute("data-code") === wanted; })) {
    select.value = wanted;
    show(wanted, false);
  }
})();
