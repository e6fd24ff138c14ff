// Camera points on an offline map: no tile server, just the cameras and their view directions.
// Streets are inferred from intersection camera names ("沌阳大道与车城大道路口(东北角)"): the
// cameras sharing a street name are joined in order along the street's longer extent.
function drawStreets(map, cameras) {
  const streets = new Map();
  for (const c of cameras) {
    const m = /^(.+?)与(.+?)路口/.exec(c.name);
    if (!m) continue;
    for (const name of [m[1], m[2]]) {
      if (!streets.has(name)) streets.set(name, []);
      streets.get(name).push([c.lat, c.lon]);
    }
  }
  for (const [name, pts] of streets) {
    if (pts.length < 2) continue;
    const lats = pts.map((p) => p[0]), lons = pts.map((p) => p[1]);
    const alongLon = Math.max(...lons) - Math.min(...lons) > Math.max(...lats) - Math.min(...lats);
    pts.sort((a, b) => (alongLon ? a[1] - b[1] : a[0] - b[0]));
    L.polyline(pts, { color: "#9aa5b8", weight: 5, opacity: 0.6, interactive: false })
      .bindTooltip(name).addTo(map);
  }
}

(function () {
  const cameras = JSON.parse(document.getElementById("camera-data").textContent);
  const map = L.map("map", { zoomSnap: 0.25, attributionControl: false });
  const points = [];
  drawStreets(map, cameras);
  for (const c of cameras) {
    const at = [c.lat, c.lon];
    points.push(at);
    L.circleMarker(at, { radius: 6, color: "#1d3f8f", fillColor: "#f5c542", fillOpacity: 0.9, weight: 2 })
      .bindTooltip(c.code + " " + c.name).addTo(map);
    if (c.heading_deg !== null) {
      const rad = (c.heading_deg * Math.PI) / 180, len = 0.0012;
      const tip = [c.lat + len * Math.cos(rad), c.lon + (len * Math.sin(rad)) / Math.cos((c.lat * Math.PI) / 180)];
      L.polyline([at, tip], { color: "#1d3f8f", weight: 2, opacity: 0.7 }).addTo(map);
    }
  }
  if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.1));
  else map.setView([30.497, 114.165], 14);
  window.precinctMap = map;
})();
