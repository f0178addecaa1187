#!/usr/bin/env bats
# husk login / logout against the test registry (which accepts anyone: the
# test is about where and how credentials are stored).

load helpers

# auth_keys FILE: the registry keys of an auth.json, space separated.
auth_keys() {
	python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1])).get("auths", {}))))' "$1"
}

@test "login --password-stdin writes \$XDG_RUNTIME_DIR/containers/auth.json; logout removes the entry" {
	use_store login-default
	local auth=$XDG_RUNTIME_DIR/containers/auth.json
	[[ ! -e $auth ]] || die "$auth exists before login"
	run_husk login --tls-verify=false -u u --password-stdin "$HUSK_TEST_REGISTRY" <<<"secret"
	expect_contains "$output" "Login Succeeded"
	[[ -f $auth ]] || die "login wrote no $auth"
	expect_eq "$(auth_keys "$auth")" "$HUSK_TEST_REGISTRY" "registries in auth.json"
	expect_eq "$(python3 -c 'import base64,json,sys; print(base64.b64decode(json.load(open(sys.argv[1]))["auths"][sys.argv[2]]["auth"]).decode())' "$auth" "$HUSK_TEST_REGISTRY")" \
		"u:secret" "stored credentials"
	expect_eq "$(stat -c %a "$auth")" 600 "mode of auth.json"

	run_husk logout "$HUSK_TEST_REGISTRY"
	expect_contains "$output" "Removed login credentials for $HUSK_TEST_REGISTRY"
	expect_eq "$(auth_keys "$auth")" "" "registries in auth.json after logout"

	run_husk 125 logout "$HUSK_TEST_REGISTRY"
	expect_one_error_line
}

@test "login without --tls-verify relies on registries.conf's insecure entry" {
	use_store login-insecure
	run_husk login -u u --password-stdin "$HUSK_TEST_REGISTRY" <<<"secret"
	expect_eq "$(auth_keys "$XDG_RUNTIME_DIR/containers/auth.json")" "$HUSK_TEST_REGISTRY" "registries in auth.json"
}

@test "login and logout --authfile; logout --all empties it" {
	local auth=$BATS_TEST_TMPDIR/auth/auth.json
	mkdir -p "${auth%/*}"
	run_husk login --authfile "$auth" --tls-verify=false -u u1 --password-stdin "$HUSK_TEST_REGISTRY" <<<"pw1"
	run_husk login --authfile "$auth" --tls-verify=false -u u2 --password-stdin "$HUSK_TEST_REGISTRY/bats-ns" <<<"pw2"
	expect_eq "$(auth_keys "$auth")" "$HUSK_TEST_REGISTRY $HUSK_TEST_REGISTRY/bats-ns" "registries in $auth"
	[[ ! -e $XDG_RUNTIME_DIR/containers/auth.json ]] || die "login --authfile also wrote the default auth.json"

	run_husk logout --authfile "$auth" "$HUSK_TEST_REGISTRY/bats-ns"
	expect_eq "$(auth_keys "$auth")" "$HUSK_TEST_REGISTRY" "registries after logout of one"

	run_husk login --authfile "$auth" --tls-verify=false -u u3 --password-stdin "$HUSK_TEST_REGISTRY/other" <<<"pw3"
	run_husk logout --authfile "$auth" --all
	expect_contains "$output" "all registries"
	expect_eq "$(auth_keys "$auth")" "" "registries after logout --all"
}

@test "login to an unreachable registry fails with one error line and stores nothing" {
	local auth=$BATS_TEST_TMPDIR/auth.json
	run_husk 125 login --authfile "$auth" --tls-verify=false -u u --password-stdin 127.0.0.1:1 <<<"pw"
	expect_one_error_line
	[[ ! -s $auth ]] || expect_eq "$(auth_keys "$auth")" "" "registries in $auth"
}
