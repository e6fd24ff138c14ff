// The link chart of a case (persons, phones, bikes, prior cases, pawned items) with cytoscape.js,
// served locally. Reads its elements from the JSON script next to the #link-chart box.
(function () {
  const COLOURS = {
    "this-case": "#b3261e", case: "#e08a2c", person: "#1d3f8f", phone: "#2f7d4f",
    bike: "#3aa17e", item: "#8a4fbf", id: "#5b6b86", address: "#a0702a",
  };
  function draw() {
    const box = document.getElementById("link-chart");
    const data = document.getElementById("link-chart-data");
    if (!box || !data || box.dataset.drawn) return;
    const elements = JSON.parse(data.textContent);
    const chart = cytoscape({
      container: box,
      elements: elements,
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 },
      style: [
        { selector: "node", style: {
          label: "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3,
          "background-color": (n) => COLOURS[n.data("kind")] || "#666", width: 18, height: 18 } },
        { selector: 'node[kind = "this-case"]', style: { width: 30, height: 30, shape: "diamond" } },
        { selector: "edge", style: {
          label: "data(label)", "font-size": 8, width: 1.5, "line-color": "#9aa5b8",
          "curve-style": "bezier", "target-arrow-shape": "triangle", "target-arrow-color": "#9aa5b8" } },
      ],
    });
    box.dataset.drawn = "1";
    box.dataset.nodes = String(chart.nodes().length);
    window.precinctLinkChart = chart;
  }
  window.precinctDrawLinkChart = draw;
  if (window.cytoscape) { draw(); return; }
  const script = document.createElement("script");
  script.src = "/static/vendor/cytoscape.min.js";
  script.onload = draw;
  document.head.appendChild(script);
})();
