// Calibration points on one camera's still: a click adds a line "x,y=" to the points box (the
// officer then types the point's latitude,longitude or metres east,north after the "="); the
// points already in the box are drawn, numbered, on the still.
(function () {
  const img = document.getElementById("cal-still");
  const svg = document.getElementById("cal-svg");
  const box = document.getElementById("cal-points");
  if (!img || !svg || !box) return;
  const NS = "http://www.w3.org/2000/svg";

  function pixels() {
    return box.value.split("\n").map((line) => line.split("=")[0].split(",").map(Number))
      .filter((p) => p.length === 2 && !isNaN(p[0]) && !isNaN(p[1]));
  }

  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    if (!img.naturalWidth) return;
    svg.setAttribute("viewBox", "0 0 " + img.naturalWidth + " " + img.naturalHeight);
    const size = Math.max(3, img.naturalWidth / 200);
    pixels().forEach(function (p, i) {
      const dot = document.createElementNS(NS, "circle");
      dot.setAttribute("cx", p[0]); dot.setAttribute("cy", p[1]); dot.setAttribute("r", size);
      dot.setAttribute("fill", "#b3261e");
      const label = document.createElementNS(NS, "text");
      label.setAttribute("x", p[0] + size * 1.5); label.setAttribute("y", p[1] - size);
      label.setAttribute("fill", "#f5c542"); label.setAttribute("font-size", size * 5);
      label.textContent = String(i + 1);
      svg.appendChild(dot); svg.appendChild(label);
    });
  }

  img.addEventListener("load", draw);
  img.addEventListener("click", function (e) {
    const r = img.getBoundingClientRect();
    const x = Math.round((e.clientX - r.left) * img.naturalWidth / r.width);
    const y = Math.round((e.clientY - r.top) * img.naturalHeight / r.height);
    const text = box.value.replace(/\s+$/, "");
    box.value = (text ? text + "\n" : "") + x + "," + y + "=";
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    draw();
  });
  box.addEventListener("input", draw);
  document.getElementById("cal-clear-points").addEventListener("click", function () {
    box.value = ""; draw();
  });
  if (img.complete) draw();
})();
