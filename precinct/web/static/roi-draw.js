// Region of interest on one camera's view: a still of the camera (in the footage's pixels) on
// which clicked points become the search's `roi` field ("x,y;x,y;…"); an area for "inside /
// entered / left", a line of two points for "crossed".
(function () {
  const camera = document.getElementById("roi-camera");
  const field = document.getElementById("roi");
  const rule = document.getElementById("roi-rule");
  const view = document.getElementById("roi-view");
  const img = document.getElementById("roi-still");
  const svg = document.getElementById("roi-svg");
  const start = document.querySelector("#video-search-form [name=start]");
  if (!camera || !field || !img || !svg) return;
  const NS = "http://www.w3.org/2000/svg";

  function parse(text) {
    return text.split(";").map((p) => p.split(",").map(Number))
      .filter((p) => p.length === 2 && !isNaN(p[0]) && !isNaN(p[1]));
  }
  let points = parse(field.value);

  function draw() {
    field.value = points.map((p) => p[0] + "," + p[1]).join(";");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    if (!img.naturalWidth) return;
    svg.setAttribute("viewBox", "0 0 " + img.naturalWidth + " " + img.naturalHeight);
    const stroke = Math.max(2, img.naturalWidth / 320);
    const shape = document.createElementNS(NS, rule.value === "crossed" ? "polyline" : "polygon");
    shape.setAttribute("points", points.map((p) => p.join(",")).join(" "));
    shape.setAttribute("fill", rule.value === "crossed" ? "none" : "rgba(245,197,66,0.3)");
    shape.setAttribute("stroke", "#b3261e");
    shape.setAttribute("stroke-width", stroke);
    svg.appendChild(shape);
    for (const p of points) {
      const dot = document.createElementNS(NS, "circle");
      dot.setAttribute("cx", p[0]); dot.setAttribute("cy", p[1]); dot.setAttribute("r", stroke * 2);
      dot.setAttribute("fill", "#b3261e");
      svg.appendChild(dot);
    }
  }

  function open() {
    const code = camera.value.trim();
    if (!code) { camera.focus(); return; }
    const at = start && start.value ? "?at=" + encodeURIComponent(start.value) : "";
    img.src = "/video/cameras/" + encodeURIComponent(code) + "/still.jpg" + at;
    view.hidden = false;
  }

  img.addEventListener("load", draw);
  img.addEventListener("click", function (e) {
    const box = img.getBoundingClientRect();
    const x = Math.round((e.clientX - box.left) * img.naturalWidth / box.width);
    const y = Math.round((e.clientY - box.top) * img.naturalHeight / box.height);
    if (rule.value === "crossed" && points.length >= 2) points = [];
    points.push([x, y]);
    draw();
  });
  document.getElementById("roi-draw").addEventListener("click", open);
  document.getElementById("roi-clear").addEventListener("click", function () { points = []; draw(); });
  camera.addEventListener("change", function () { points = []; draw(); if (!view.hidden) open(); });
  rule.addEventListener("change", draw);
  if (camera.value && points.length) open();
})();
