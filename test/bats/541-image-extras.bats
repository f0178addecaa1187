#!/usr/bin/env bats
# The small image and container commands scripts use, as podman 4.3.1 has
# them: image exists, container exists (0 or 1), image untag and untag
# (names go, the image stays), image tree (compared with podman's output
# for the same images), container cleanup, and container checkpoint and
# restore refused with the reason.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox multilayer
	podman_optional_setup_file
}

teardown_file() { podman_optional_teardown_file; }

@test "image exists and container exists: 0, or 1 with nothing printed" {
	run_husk image exists "$R/busybox"
	expect_eq "$output$stderr" ""
	run_husk 1 image exists localhost/nosuch
	expect_eq "$output$stderr" "" "nothing printed for a missing image"
	run_husk create --name there "$R/busybox" true
	run_husk container exists there
	run_husk 1 container exists nosuch
	expect_eq "$output$stderr" ""
	run_husk rm there
	run_husk 1 container exists there
}

@test "untag removes the names given (every name without any); the image stays" {
	run_husk tag "$R/busybox" localhost/a:1 localhost/b:2
	run_husk image untag "$R/busybox" localhost/a:1
	expect_eq "$output" "" "untag prints nothing"
	run_husk images --format '{{.Repository}}:{{.Tag}}'
	expect_eq "$(grep ^localhost/ <<<"$output")" localhost/b:2
	run_husk 125 untag localhost/b:2 localhost/nosuch:1
	expect_contains "$stderr" "localhost/nosuch:1"
	run_husk untag localhost/b:2
	run_husk image inspect --format '{{json .RepoTags}}' "$(oci_image_id busybox)"
	expect_eq "$output" "[]" "every name went"
	run_husk image exists "$(oci_image_id busybox)"
	run_husk 125 image untag localhost/nosuch
	run_husk tag "$(oci_image_id busybox)" "$R/busybox:latest"
}

@test "image tree prints what podman's does for the same images" {
	run_husk image tree "$R/multilayer"
	expect_contains "$output" "Image ID: $(oci_image_id multilayer | cut -c1-12)"
	expect_contains "$output" "Top Layer of: [$R/multilayer:latest]"
	expect_eq "$(grep -c 'ID: .* Size:' <<<"$output")" 4 "layers of multilayer"
	local husk_out=$output
	[[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"
	local P=(pm --storage-driver overlay)
	"${P[@]}" pull -q --tls-verify=false "$R/busybox" "$R/multilayer" >/dev/null 2>&1 ||
		"${P[@]}" pull -q --tls-verify=false "$R/multilayer" >/dev/null 2>&1 || skip "podman cannot pull from the test registry"
	"${P[@]}" pull -q --tls-verify=false "$R/busybox" >/dev/null 2>&1
	run --separate-stderr "${P[@]}" image tree "$R/multilayer"
	expect_eq "$husk_out" "$output" "husk and podman image tree"
}

@test "container cleanup unmounts a stopped container's file system; --rm removes it; a running one is refused" {
	run_husk create --name cl "$R/busybox" true
	local id=$output
	"$HUSK" unshare "$HUSK" mount cl >/dev/null || die "husk mount cl"
	run_husk mount
	expect_contains "$output" "${id:0:12}" "mounted before cleanup"
	run_husk container cleanup cl
	expect_eq "$output" "$id"
	run_husk mount
	expect_not_contains "$output" "${id:0:12}" "mounted after cleanup"
	run_husk container cleanup --rm cl
	run_husk 1 container exists cl
	run_husk run -d --name clrun "$R/busybox" sleep 1000
	run_husk 125 container cleanup clrun
	expect_contains "$stderr" "running"
	run_husk rm -f clrun
}

@test "container checkpoint and restore are refused with the reason, as podman does rootless" {
	run_husk 125 container checkpoint anything
	expect_one_error_line
	expect_contains "$stderr" "requires root"
	run_husk 125 container restore anything
	expect_contains "$stderr" "requires root"
}
