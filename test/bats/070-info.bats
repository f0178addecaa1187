#!/usr/bin/env bats
# husk info: what husk will use on this host.

load helpers

@test "info shows the id mapping, storage driver, runtimes, cgroups and network helpers" {
	run_husk info
	expect_contains "$output" "subordinate-ids" "mapping"
	local u0
	u0=$(subid_start /etc/subuid)
	expect_contains "$output" "0 $(id -u) 1 ; 1 $u0 65536" "uid map"
	expect_match "$output" $'\n  driver: (overlay|fuse-overlayfs|vfs)\n' "driver"
	expect_contains "$output" "graph root: $XDG_DATA_HOME/husk/storage"
	expect_contains "$output" "runc" "runtimes"
	expect_contains "$output" "cgroups:" "cgroups section"
	expect_match "$output" 'pasta|slirp4netns' "network helpers"
	# The default network: one bridge served by one helper, or (without
	# nft for its NAT) a helper per container, saying why.
	if command -v nft >/dev/null; then
		expect_match "$output" $'\ndefault network: bridge podman \(10\.[0-9]+\.0\.0/16\), one helper for all containers\n' "default network"
	else
		expect_contains "$output" "default network: private namespace per container (nft is not installed"
		expect_contains "$output" "install the nftables package"
	fi
	expect_eq "$stderr" ""
}

@test "info --format json is valid JSON with the same facts" {
	run_husk info --format json
	expect_valid_json
	expect_eq "$(json 'd["userns"]["rootless"]')" True rootless
	expect_eq "$(json 'd["userns"]["mapping"]')" subordinate-ids mapping
	expect_eq "$(json 'd["store"]["graphRoot"]')" "$XDG_DATA_HOME/husk/storage" graphRoot
	expect_eq "$(json 'd["store"]["runRoot"]')" "$XDG_RUNTIME_DIR/husk/storage" runRoot
	expect_eq "$(json '"runc" in [r["name"] for r in d["runtimes"] if r.get("path")]')" True "runc found"
	expect_eq "$(json 'sorted(n["name"] for n in d["network"])')" '["pasta", "slirp4netns"]' "network helpers"
	expect_match "$(json 'd["defaultNetwork"]')" '^(bridge podman|private namespace per container)' "defaultNetwork"
	expect_match "$(json 'd["cgroups"]["mode"]')" '^(v2|hybrid|v1)$' "cgroups version"
}
