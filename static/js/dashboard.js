// Draws the dashboard's charts with the vendored ECharts; without JavaScript the data tables stand alone.
(function () {
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") return;
  var options = JSON.parse(source.textContent);
  var charts = [];
  var printing = false;
  // A bar chart with a rule for narrow widths (dashboard/charts.py) lays its bars on their side there, one
  // row per label: give it the height its rows need. Printed charts keep the stylesheet's height.
  function fitHeight(el, option) {
    var rows = Number(el.getAttribute("data-rows") || 0);
    var rule = option.media && option.media[0] && option.media[0].query;
    var sideways = rows && rule && !printing && el.clientWidth <= rule.maxWidth;
    el.style.height = sideways ? Math.max(rule.minHeight, 120 + rows * 34) + "px" : "";
  }
  document.querySelectorAll("div.chart[data-chart]").forEach(function (el) {
    var option = options[el.getAttribute("data-chart")];
    if (!option) return;
    // An empty chart element is hidden (.chart:empty) so that without JavaScript only the table shows; show
    // it before ECharts measures it, or the chart is drawn at the 100 px fallback width until a resize.
    el.style.display = "block";
    fitHeight(el, option);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    chart.fitHeight = function () { fitHeight(el, option); };
    charts.push(chart);
    el.parentNode.classList.add("drawn"); // the chart carries its own title, also in a saved PNG
    // The chart now shows the figures; keep their table one click away.
    var details = el.parentNode.querySelector("details.chart-data");
    if (details) details.removeAttribute("open");
  });
  function resizeAll() { charts.forEach(function (c) { c.fitHeight(); c.resize(); }); }
  window.addEventListener("resize", resizeAll);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) print.addEventListener("change", function (e) { printing = e.matches; resizeAll(); });
  }
  window.addEventListener("beforeprint", function () { printing = true; resizeAll(); });
  window.addEventListener("afterprint", function () { printing = false; resizeAll(); });
  document.querySelectorAll("button.js-print").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
