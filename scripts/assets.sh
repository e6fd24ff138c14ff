#!/usr/bin/env bash
# Copies the front-end libraries installed by npm into the package's static folder (served
# locally: bureau networks are offline, so there is no CDN).
set -euo pipefail
dest=precinct/web/static/vendor
rm -rf "$dest" && mkdir -p "$dest/leaflet" "$dest/swagger-ui"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/"
cp node_modules/cytoscape/dist/cytoscape.min.js "$dest/"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$dest/leaflet/"
cp -r node_modules/leaflet/dist/images "$dest/leaflet/"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
   "$dest/swagger-ui/"
