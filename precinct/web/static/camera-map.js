// Camera points on an offline map: no tile server, just the cameras and their view directions.
(function () {
  const cameras = JSON.parse(document.getElementById("camera-data").textContent);
  const map = L.map("map", { zoomSnap: 0.25, attributionControl: false });
  const points = [];
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
