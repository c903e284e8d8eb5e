// Draws the dashboard's charts with the vendored ECharts; without JavaScript the data tables stand alone.
(function () {
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") return;
  var options = JSON.parse(source.textContent);
  var charts = [];
  document.querySelectorAll("div.chart[data-chart]").forEach(function (el) {
    var option = options[el.getAttribute("data-chart")];
    if (!option) return;
    // An empty chart element is hidden (.chart:empty) so that without JavaScript only the table shows; show
    // it before ECharts measures it, or the chart is drawn at the 100 px fallback width until a resize.
    el.style.display = "block";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    el.parentNode.classList.add("drawn"); // the chart carries its own title, also in a saved PNG
    // The chart now shows the figures; keep their table one click away.
    var details = el.parentNode.querySelector("details.chart-data");
    if (details) details.removeAttribute("open");
  });
  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resizeAll);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) print.addEventListener("change", resizeAll);
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  document.querySelectorAll("button.js-print").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
