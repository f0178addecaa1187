#!/usr/bin/env bash
# Network integration tests of pkg/netns, run as root: builds the package's
# test binary and runs it as an unprivileged user inside a user+mount
# namespace of its own (uid 0 there, like husk inside its pause process),
# with HUSK_NET_IT=1. Real pasta and slirp4netns; loopback only.
#
# For the DNS check a stub resolver (the test binary itself) answers on the
# host's 127.0.0.1:53, and the test's mount namespace sees a resolv.conf
# naming it, so nothing leaves the machine.
#
#   test/net-integration.sh [USER]     (default: $HUSK_NET_USER or husknet)
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh
TEST_USER=${1:-${HUSK_NET_USER:-husknet}}
id "$TEST_USER" >/dev/null
uid=$(id -u "$TEST_USER")
mkdir -p "/run/user/$uid" && chown "$TEST_USER:" "/run/user/$uid" && chmod 700 "/run/user/$uid"
chmod 666 /dev/net/tun

dir=$(mktemp -d /var/tmp/husk-netit.XXXXXX)
stub=
cleanup() {
	[[ -n $stub ]] && kill "$stub" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
"$GO" test -c -tags "$TAGS" -o "$dir/netns.test" ./pkg/netns
printf 'nameserver 127.0.0.1\noptions ndots:1\n' >"$dir/resolv.conf"
chmod -R a+rX "$dir"

dns=
if ! ss -Hlun 'sport = :53' | grep -q .; then
	HUSK_NET_IT_DNS_STUB=127.0.0.1:53 "$dir/netns.test" &
	stub=$!
	dns=1
fi

# In the test's own mount namespace: the stub's resolv.conf, for pasta and
# slirp4netns to read.
as_user env HUSK_NET_IT=1 HUSK_NET_IT_DNS="$dns" unshare -Urm sh -c '
	if [ -n "$HUSK_NET_IT_DNS" ]; then mount --bind "$1/resolv.conf" /etc/resolv.conf; fi
	cd "$1" && exec ./netns.test -test.v -test.count=1 -test.run "Integration" -test.timeout=5m
' sh "$dir"
