#!/usr/bin/env bash
# make demo: husk's main job on a built-in local image, as an ordinary
# user (the test user): pull into the per-user store, list, inspect, run
# in the foreground and detached (with a published port), exec, stats, logs;
# then build an image from a Containerfile, run it, and build it again
# unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh
mkdir -p "$STAGE"
# Replace by rename: a running pause process may be executing the old copy.
for b in husk husk-transfer husk-compose husk-reexec; do
	cp "bin/$b" "$STAGE/$b.new"
	mv -f "$STAGE/$b.new" "$STAGE/$b"
	chmod a+rx "$STAGE/$b"
done
chmod a+rx "$STAGE"

show() {
	printf '\n$ %s\n' "$*"
	as_user "$@"
}
as_user "$STAGE/husk" rm -f husk-demo >/dev/null 2>&1 || true
echo "husk demo as user '$TEST_USER' (no root, no daemon), registry $REGISTRY"
show "$STAGE/husk" --version
show "$STAGE/husk" pull --tls-verify=false "$REGISTRY/husk-test/busybox:latest"
show "$STAGE/husk" pull --tls-verify=false "$REGISTRY/husk-test/multilayer:latest"
show "$STAGE/husk" images
show "$STAGE/husk" image inspect --format '{{.ID}} {{.Architecture}} {{len .Layers}} layers' "$REGISTRY/husk-test/multilayer:latest"
show "$STAGE/husk" run --rm "$REGISTRY/husk-test/busybox:latest" sh -c 'echo "hello from $(hostname), uid $(id -u) inside"; ls /data 2>/dev/null || true'
show "$STAGE/husk" run --rm "$REGISTRY/husk-test/multilayer:latest" ls -l /data
show "$STAGE/husk" run -d --name husk-demo -p 80 "$REGISTRY/husk-test/busybox:latest" sh -c 'echo serving; while true; do echo "hello over the published port from $(hostname)" | nc -l -p 80; done'
show "$STAGE/husk" ps
show "$STAGE/husk" port husk-demo
addr=$(as_user "$STAGE/husk" port husk-demo 80)
show socat -T2 - "TCP:127.0.0.1:${addr##*:}"
show "$STAGE/husk" exec husk-demo sh -c 'echo "exec sees: $(cat /etc/hostname)"'
show "$STAGE/husk" stats --no-stream husk-demo
show "$STAGE/husk" logs husk-demo
show "$STAGE/husk" rm -f husk-demo
ctx=$STAGE/demo-build
rm -rf "$ctx"
mkdir -p "$ctx"
printf 'FROM %s\nRUN echo "built by husk build, run by husk run" > /built\nCMD ["cat", "/built"]\n' \
	"$REGISTRY/husk-test/busybox:latest" >"$ctx/Containerfile"
chmod -R a+rX "$ctx"
show "$STAGE/husk" build -t localhost/husk-demo-built "$ctx"
show "$STAGE/husk" run --rm localhost/husk-demo-built
show "$STAGE/husk" build -t localhost/husk-demo-built "$ctx"
show "$STAGE/husk" system df
show "$STAGE/husk" info
