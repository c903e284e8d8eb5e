// Report form: recompute the derived investment figures as the officer types this period's amount.
// The server computes the same figures on save; this only saves a round trip.
(function () {
  "use strict";
  var box = document.getElementById("report-figures");
  if (!box) { return; }
  var input = box.querySelector("input[name=invested_wan]");
  if (!input) { return; }
  var yearBefore = parseFloat(box.dataset.yearBefore) || 0;
  var cumulativeBefore = parseFloat(box.dataset.cumulativeBefore) || 0;
  var plan = parseFloat(box.dataset.annualPlan);

  function show(name, text) {
    var el = box.querySelector('output[data-figure="' + name + '"]');
    if (el) { el.textContent = text; }
  }
  function money(x) {
    // The amount rule of portfolio/numbers.py (format_wan): separators, at most two places.
    return x.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function update() {
    var current = parseFloat(input.value);
    if (isNaN(current) || current < 0) { current = 0; }
    var year = yearBefore + current;
    show("year", money(year));
    show("cumulative", money(cumulativeBefore + current));
    if (plan > 0) { show("rate", (Math.round(year / plan * 1000) / 10).toFixed(1) + "%"); }
  }
  input.addEventListener("input", update);
})();

// The same for funds received by source (本期到位资金): each row adds this period's amount to what
// approved reports already received.
(function () {
  "use strict";
  var box = document.getElementById("report-funds");
  if (!box) { return; }
  box.querySelectorAll("tr[data-cumulative-before]").forEach(function (row) {
    var input = row.querySelector("input[type=number]");
    if (!input) { return; }
    var yearBefore = parseFloat(row.dataset.yearBefore) || 0;
    var cumulativeBefore = parseFloat(row.dataset.cumulativeBefore) || 0;
    function money(x) {
      return x.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    input.addEventListener("input", function () {
      var current = parseFloat(input.value);
      if (isNaN(current) || current < 0) { current = 0; }
      row.querySelector('output[data-figure="year"]').textContent = money(yearBefore + current);
      row.querySelector('output[data-figure="cumulative"]').textContent = money(cumulativeBefore + current);
    });
  });
})();
