/* digibudget: draw every chart whose figure the server embedded in data-figure (plotly.js from the package). */
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
      var fig = JSON.parse(el.getAttribute("data-figure"));
      Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true,
                                                 modeBarButtonsToRemove: ["sendDataToCloud"]});
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
