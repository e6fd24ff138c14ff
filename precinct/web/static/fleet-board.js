// The traffic board: live robotaxi alerts on the offline map (no tile server), with the cameras
// for orientation. Stuck cars are red, acknowledged ones orange; a click opens the vehicle page.
(function () {
  const alerts = JSON.parse(document.getElementById("alert-data").textContent);
  const cameras = JSON.parse(document.getElementById("camera-data").textContent);
  const map = L.map("map", { zoomSnap: 0.25, attributionControl: false });
  const points = [];
  for (const c of cameras) {
    points.push([c.lat, c.lon]);
    L.circleMarker([c.lat, c.lon], { radius: 4, color: "#8a93a6", weight: 1, fillOpacity: 0.6 })
      .bindTooltip(c.code + " " + c.name).addTo(map);
  }
  for (const a of alerts) {
    const at = [a.lat, a.lon];
    points.push(at);
    const colour = a.status === "open" ? "#c62828" : "#ef8f00";
    L.circleMarker(at, { radius: 11, color: colour, fillColor: colour, fillOpacity: 0.85, weight: 3, className: "fleet-alert" })
      .bindTooltip(a.plate + " · " + a.fleet_number + " · " + a.camera, { permanent: true, direction: "top" })
      .on("click", () => { window.location.href = "/fleet/vehicles/" + encodeURIComponent(a.plate); })
      .addTo(map);
  }
  if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.1));
  else map.setView([30.497, 114.165], 14);
  window.precinctMap = map;
  window.precinctAlerts = alerts.length;
})();
