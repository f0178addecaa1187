# Shared settings of the test scripts (sourced).
TEST_USER=${HUSK_TEST_USER:-husktest}
STAGE=${STAGE:-/var/tmp/husk-test-run}
# How many bats files run side by side (test/bats-parallel.sh).
BATS_JOBS=${BATS_JOBS:-3}
IMAGES_DIR=${HUSK_TEST_IMAGES_DIR:-/var/tmp/husk-test-images}
REGISTRY=$("$(dirname "${BASH_SOURCE[0]}")/setup/registry.sh" addr)
GO=${GO:-$(command -v go 2>/dev/null || echo /usr/local/go/bin/go)}
TAGS=containers_image_openpgp,exclude_graphdriver_btrfs

# test_cgroup prints the cgroup v2 directory delegated to the test user ("" if
# none).
test_cgroup() {
	local d
	for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		if [[ -d $d/husk-delegate-$TEST_USER && $(stat -f -c %T "$d") == cgroup2fs ]]; then
			echo "$d/husk-delegate-$TEST_USER"
			return
		fi
	done
}

# as_user CMD...: run a command as the unprivileged test user with a clean
# login-like environment (what a user on a shared server has).
as_user() {
	local uid
	uid=$(id -u "$TEST_USER")
	# Sessions start in the cgroup delegated to the test user (see
	# ensure_cgroup_delegation in setup/setup.sh), as systemd arranges; a
	# caller that placed the shell in a cgroup of its own (bench/lib.sh
	# times each run in one) keeps it there.
	local cg
	cg=$(test_cgroup)
	if [[ -n $cg && $(sed -n 's/^0:://p' /proc/$BASHPID/cgroup) == / ]]; then
		echo "$BASHPID" >"$cg/cgroup.procs" 2>/dev/null || true
	fi
	runuser -u "$TEST_USER" -- env -i \
		HOME="$(getent passwd "$TEST_USER" | cut -d: -f6)" \
		USER="$TEST_USER" LOGNAME="$TEST_USER" \
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
		XDG_RUNTIME_DIR="/run/user/$uid" \
		LANG=C.UTF-8 TERM="${TERM:-dumb}" \
		HUSK="$STAGE/husk" \
		HUSK_TEST_REGISTRY="$REGISTRY" \
		HUSK_TEST_IMAGES="$IMAGES_DIR" \
		HUSK_TEST_STAGE="$STAGE" \
		"$@"
}
