#!/bin/sh
# The image's entry point (docs/deployment.md): the first argument names the
# CareTrail process, and the rest goes to it. These are the files
# `infra/scripts/build-app.mjs <app>` writes and the apps' `serve` targets run.
#
#   entrypoint.sh api | projector | relay | cli <command...>
#
# Anything else runs as given (`sh`, `node -e ...`). exec: the process gets
# SIGTERM from the container runtime itself and shuts down cleanly.
set -eu
cd "$(dirname "$0")/../.."
app="${1:-api}"
case "$app" in
  api | projector | relay | cli)
    if [ "$#" -gt 0 ]; then shift; fi
    exec node --enable-source-maps "dist/apps/$app/apps/$app/src/main.js" "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
