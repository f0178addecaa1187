#!/usr/bin/env bats
# Small things scripts meet, as podman 4.3.1 has them: /run/.containerenv
# in every container (empty; podman's keys with --privileged), --memory=0
# meaning no limit, sizes with fractions (--log-opt max-size=3.055m).

load helpers

setup_file() { husk_setup_run_file busybox; }

@test "/run/.containerenv: in every container, empty; with --privileged it has podman's keys" {
	run_husk run --rm "$R/busybox" sh -c 'test -f /run/.containerenv && wc -c </run/.containerenv'
	expect_eq "$output" 0 "size of /run/.containerenv"
	run_husk run --rm --privileged --name priv "$R/busybox" cat /run/.containerenv
	expect_contains "$output" 'engine="husk"'
	expect_contains "$output" 'name="priv"'
	expect_contains "$output" "image=\"$R/busybox\""
	expect_contains "$output" "imageid=\"$(oci_image_id busybox)\""
	expect_contains "$output" "rootless=1"
	expect_match "$output" 'id="[0-9a-f]{64}"'
}

@test "--memory=0 is no limit, as podman has it" {
	run_husk run --rm --memory=0 "$R/busybox" echo unlimited
	expect_eq "$output" unlimited
	run_husk create --name lim0 --memory=0 "$R/busybox" true
	run_husk container inspect --format '{{.HostConfig.Memory}}' lim0
	expect_eq "$output" 0 "HostConfig.Memory"
	run_husk rm lim0
}

@test "sizes take fractions, as podman's: --log-opt max-size=3.055m, --shm-size=1.5m" {
	run_husk create --name frac --log-opt max-size=3.055m "$R/busybox" true
	run_husk container inspect --format '{{.HostConfig.LogConfig.Size}}' frac
	expect_contains "$output" "MB" "the log size is kept"
	run_husk rm frac
	run_husk run --rm --shm-size=1.5m "$R/busybox" sh -c 'df -k /dev/shm | tail -n 1'
	expect_contains "$output" " 1536 " "a 1.5 MiB /dev/shm"
	run_husk 125 run --rm --log-opt max-size=1.2.3m "$R/busybox" true
	expect_contains "$stderr" "invalid size"
}
