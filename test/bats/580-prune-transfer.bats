#!/usr/bin/env bats
# What scripts written for podman 4.3.1 do with images beyond pull and
# run: save of several names or images (-m), load of every image of an
# archive and from an http:// URL, load refusing a terminal, push
# --format/--remove-signatures/--sign-by/--compression-format/--digestfile;
# system prune and the prune commands' --filter; system df. Compared with
# podman where it runs the same command line here.

load helpers
load podman-compare

setup_file() { podman_compare_setup_file busybox multilayer; }

teardown_file() {
	if [[ -n ${HTTP_PID:-} ]]; then
		kill "$HTTP_PID" 2>/dev/null || true
	fi
	podman_compare_teardown_file
}

# need_podman: skip when podman cannot be compared with.
need_podman() {
	[[ -n ${PODMAN_DIR:-} ]] || skip "$(podman_problem)"
}

# repotags FILE: the RepoTags of each image of a docker archive, sorted
# within and across images, one image a line.
repotags() {
	tar -xOf "$1" manifest.json | python3 -c '
import json, sys
for m in json.load(sys.stdin):
    print(" ".join(sorted(m.get("RepoTags") or [])))
' | sort
}

# start_http DIR: serve DIR on a free loopback port (HTTP_PORT); the
# server's PID is HTTP_PID, killed in teardown_file.
start_http() {
	need_cmd python3 curl
	HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 -m http.server --bind 127.0.0.1 --directory "$1" "$HTTP_PORT" >/dev/null 2>&1 3>&- &
	HTTP_PID=$!
	export HTTP_PID
	echo "$HTTP_PID" >"$BATS_FILE_TMPDIR/http.pid"
	local i
	for ((i = 0; i < 100; i++)); do
		curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/" 2>/dev/null && return 0
		sleep 0.1
	done
	die "the test's HTTP server did not answer on 127.0.0.1:$HTTP_PORT"
}

stop_http() {
	[[ -n ${HTTP_PID:-} ]] || return 0
	kill "$HTTP_PID" 2>/dev/null || true
	wait "$HTTP_PID" 2>/dev/null || true
	HTTP_PID=
}

# ------------------------------------------------------------ save and load

@test "save IMAGE NAME...: further names of the image; -m: further images (docker-archive only), as podman 4.3.1" {
	local d=$BATS_TEST_TMPDIR
	run_husk save -q -o "$d/names.tar" "$R/busybox" foo:1 bar
	expect_eq "$(repotags "$d/names.tar")" "$R/busybox:latest localhost/bar:latest localhost/foo:1"
	run_husk save -q -m -o "$d/multi.tar" "$R/busybox" "$R/multilayer"
	expect_eq "$(repotags "$d/multi.tar")" "$R/busybox:latest
$R/multilayer:latest"
	run_husk 125 save -m --format oci-archive -o "$d/multi.oci" "$R/busybox" "$R/multilayer"
	expect_contains "$stderr" 'unsupported format "oci-archive" for saving multiple images (only docker-archive)'
	[[ ! -e $d/multi.oci ]] || die "a refused save left $d/multi.oci"
	run_husk 125 save --format oci-archive -o "$d/names.oci" "$R/busybox" foo:1
	expect_contains "$stderr" "--format"
	need_podman
	pm save -q -o "$d/pm-names.tar" "$R/busybox" foo:1 bar
	pm save -q -m -o "$d/pm-multi.tar" "$R/busybox" "$R/multilayer"
	expect_eq "$(repotags "$d/names.tar")" "$(repotags "$d/pm-names.tar")" "names, husk and podman"
	expect_eq "$(repotags "$d/multi.tar")" "$(repotags "$d/pm-multi.tar")" "multi-image, husk and podman"
	run_pm 125 save -m --format oci-archive -o "$d/pm.oci" "$R/busybox" "$R/multilayer"
	expect_contains "$stderr" 'unsupported format "oci-archive" for saving multiple images (only docker-archive)'
}

@test "load of a multi-image archive stores every image with all its names; one line per name as podman" {
	local d=$BATS_TEST_TMPDIR
	run_husk save -q -m -o "$d/multi.tar" "$R/busybox" "$R/multilayer"
	run_husk save -q -o "$d/names.tar" "$R/busybox" foo:1 bar
	use_store load-multi
	run_husk load -i "$d/multi.tar"
	local multi_out=$output
	expect_eq "$(sort <<<"$output")" "Loaded image: $R/busybox:latest
Loaded image: $R/multilayer:latest"
	run_husk load -q -i "$d/names.tar"
	local names_out=$output
	expect_eq "$(sort <<<"$output")" "Loaded image: $R/busybox:latest
Loaded image: localhost/bar:latest
Loaded image: localhost/foo:1"
	run_husk images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	expect_eq "$(sort <<<"$output")" "$R/busybox:latest $(oci_image_id busybox | cut -c1-12)
$R/multilayer:latest $(oci_image_id multilayer | cut -c1-12)
localhost/bar:latest $(oci_image_id busybox | cut -c1-12)
localhost/foo:1 $(oci_image_id busybox | cut -c1-12)"
	need_podman
	run_pm load -i "$d/multi.tar"
	expect_eq "$(sort <<<"$output")" "$(sort <<<"$multi_out")" "podman's load of the multi-image archive"
	run_pm load -q -i "$d/names.tar"
	expect_eq "$(sort <<<"$output")" "$(sort <<<"$names_out")" "podman's load of the archive with names"
}

@test "load with a terminal on stdin and no -i: 125 with podman's message" {
	need_cmd script
	local want='cannot read from terminal, use command-line redirection or the --input flag'
	run script -qec "$HUSK load" /dev/null </dev/null
	expect_eq "$status" 125 "exit code"
	expect_contains "$output" "husk: $want"
	need_podman
	run script -qec "podman --root $PODMAN_DIR/root --runroot $PODMAN_DIR/run load" /dev/null </dev/null
	expect_eq "$status" 125 "podman's exit code"
	expect_contains "$output" "Error: $want"
}

@test "load -i http://...: downloads into the store's temporary directory, loads, removes the download" {
	local d=$BATS_TEST_TMPDIR/www
	mkdir -p "$d"
	run_husk save -q -m -o "$d/multi.tar" "$R/busybox" "$R/multilayer"
	chmod -R a+rX "$d"
	start_http "$d"
	use_store load-url
	run_husk load -i "http://127.0.0.1:$HTTP_PORT/multi.tar"
	local husk_out=$output
	expect_eq "$(sort <<<"$output")" "Loaded image: $R/busybox:latest
Loaded image: $R/multilayer:latest"
	run_husk image exists "$R/multilayer"
	local left
	left=$(find "$XDG_DATA_HOME" -name 'download.tar' 2>/dev/null)
	expect_eq "$left" "" "the download is removed"
	left=$(find "$TMPDIR" -mindepth 1 2>/dev/null)
	expect_eq "$left" "" "nothing in TMPDIR"
	run_husk 125 load -i "http://127.0.0.1:$HTTP_PORT/nosuch.tar"
	expect_contains "$stderr" "404"
	expect_one_error_line
	if [[ -n ${PODMAN_DIR:-} ]]; then
		run_pm load -i "http://127.0.0.1:$HTTP_PORT/multi.tar"
		expect_eq "$(sort <<<"$output")" "$(sort <<<"$husk_out")" "podman's load from the URL"
	fi
	stop_http
	run_husk 125 load -i "http://127.0.0.1:$HTTP_PORT/multi.tar"
	expect_one_error_line
}

# ------------------------------------------------------------ push

# manifest_type DIR: the mediaType of a dir: destination's manifest
# (docker schema 2 and OCI both say it; schema 1 says schemaVersion 1).
manifest_type() {
	python3 -c '
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
print(m.get("mediaType") or "schemaVersion %s" % m.get("schemaVersion"))
' "$1"
}

@test "push --format oci|v2s2|v2s1 writes that manifest type; --digestfile gets its digest" {
	local d=$BATS_TEST_TMPDIR
	run_husk push -q --format oci "$R/busybox" "dir:$d/oci"
	expect_eq "$(manifest_type "$d/oci")" application/vnd.oci.image.manifest.v1+json
	run_husk push -q --format v2s2 --digestfile "$d/digest" "$R/busybox" "dir:$d/v2s2"
	expect_eq "$(manifest_type "$d/v2s2")" application/vnd.docker.distribution.manifest.v2+json
	expect_eq "$(cat "$d/digest")" "sha256:$(sha256sum <"$d/v2s2/manifest.json" | cut -d' ' -f1)" "--digestfile"
	run_husk push -q -f v2s1 "$R/busybox" "dir:$d/v2s1"
	expect_eq "$(manifest_type "$d/v2s1")" "schemaVersion 1"
	run_husk 125 push --format v2 "$R/busybox" "dir:$d/bad"
	expect_contains "$stderr" '"v2"'
	expect_one_error_line
	need_podman
	run_pm push -q --format v2s2 "$R/busybox" "dir:$d/pm-v2s2"
	expect_eq "$(manifest_type "$d/pm-v2s2")" "$(manifest_type "$d/v2s2")" "podman's v2s2"
	run_pm 125 push --format v2 "$R/busybox" "dir:$d/pm-bad"
}

@test "push --remove-signatures works; --sign-by is refused with the reason (husk cannot sign)" {
	local d=$BATS_TEST_TMPDIR
	run_husk push -q --remove-signatures "$R/busybox" "dir:$d/nosig"
	[[ -f $d/nosig/manifest.json ]] || die "no image pushed"
	run_husk 125 push --sign-by test@example.org "$R/busybox" "dir:$d/signed"
	expect_contains "$stderr" "--sign-by"
	expect_contains "$stderr" "cannot sign"
	expect_one_error_line
	[[ ! -e $d/signed ]] || die "a refused push wrote $d/signed"
}

@test "push --compression-format zstd compresses the layers with zstd; an unknown one is refused" {
	local d=$BATS_TEST_TMPDIR
	run_husk push -q --format oci --compression-format zstd "$R/busybox" "oci:$d/z:latest"
	run python3 -c '
import json, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))
m = idx["manifests"][0]["digest"].split(":")[1]
man = json.load(open(d + "/blobs/sha256/" + m))
print(" ".join(l["mediaType"] for l in man["layers"]))
' "$d/z"
	expect_eq "$output" application/vnd.oci.image.layer.v1.tar+zstd
	run_husk 125 push --compression-format lz4x "$R/busybox" "oci:$d/bad:latest"
	expect_contains "$stderr" '"lz4x"'
	expect_one_error_line
}

# ------------------------------------------------------------ prune

# prune_out: $1 with the container IDs (not the same with husk and
# podman) after "Deleted Containers" replaced by CID, and each section's
# lines sorted (podman lists networks in no fixed order).
prune_out() {
	awk '/^Deleted |^Total /{sec=$2; n++; print n " 0 " $0; next}
		sec=="Containers" && /^[0-9a-f]+$/ && length($0) == 64 {print n " 1 CID"; next}
		{print n " 1 " $0}' <<<"$1" | sort -k1,1n -k2,2n -k3 | cut -d' ' -f3-
}

# prune_fixture RUNNER: a stopped container with label a=1 and one
# without, an unused network and volume with label a=1 and ones without,
# and multilayer made dangling.
prune_fixture() {
	local run=$1
	$run create --name prc1 --label a=1 "$R/busybox" true >/dev/null
	$run create --name prc2 "$R/busybox" true >/dev/null
	$run network create --label a=1 prn1 >/dev/null
	$run network create prn2 >/dev/null
	$run volume create --label a=1 prv1 >/dev/null
	$run volume create prv2 >/dev/null
	$run untag "$R/multilayer" >/dev/null
}

@test "system prune asks as podman (the question on stdout, a y answer), EOF is an error; -f does not ask" {
	use_store prune-ask
	"$HUSK" pull -q "$R/busybox" >/dev/null
	run_husk create --name kept "$R/busybox" true
	run_husk system prune --volumes -a <<<"n"
	local want
	want=$(printf '%s\n' 'WARNING! This command removes:' '	- all stopped containers' '	- all networks not used by at least one container' \
		'	- all volumes not used by at least one container' '	- all images without at least one container associated with them' \
		'	- all build cache' '' 'Are you sure you want to continue? [y/N] ')
	expect_eq "$output" "${want%$'\n'}" "the question"
	run_husk container exists kept
	run_husk 125 system prune </dev/null
	expect_contains "$stderr" "EOF"
	expect_one_error_line
	run_husk container exists kept
	run_husk system prune <<<"Yes"
	expect_contains "$output" "Deleted Containers"
	run_husk 1 container exists kept
	need_podman
	run_pm system prune --volumes -a <<<"n"
	expect_eq "$output" "${want%$'\n'}" "podman's question"
	run_pm 125 system prune </dev/null
}

@test "system prune -f --volumes: podman's sections, order and total; -a takes unused images" {
	use_store prune-sys
	"$HUSK" pull -q "$R/busybox" "$R/multilayer" >/dev/null 2>&1 ||
		{ "$HUSK" pull -q "$R/busybox" >/dev/null && "$HUSK" pull -q "$R/multilayer" >/dev/null; }
	prune_fixture "$HUSK"
	run_husk system prune -f --volumes
	local husk_out=$output
	expect_eq "$(prune_out "$output")" "Deleted Containers
CID
CID
Deleted Volumes
prv1
prv2
Deleted Images
$(oci_image_id multilayer)
Deleted Networks
prn1
prn2
Total reclaimed space: 3.2MB"
	run_husk image exists "$R/busybox"
	run_husk system prune -f -a
	expect_eq "$output" "Deleted Images
$(oci_image_id busybox)
Total reclaimed space: 2.129MB"
	run_husk images -q
	expect_eq "$output" ""
	need_podman
	pm pull -q --tls-verify=false "$R/multilayer" >/dev/null
	prune_fixture pm
	run_pm system prune -f --volumes
	# The total is not compared: an image's size counts its manifest,
	# which depends on how the image came into podman's store (the load
	# tests above gave it a docker-archive one).
	expect_eq "$(prune_out "$output" | grep -v '^Total ')" "$(prune_out "$husk_out" | grep -v '^Total ')" "husk and podman"
	expect_match "$output" $'\nTotal reclaimed space: 3.2[0-9]*MB$' "podman's total"
	pm pull -q --tls-verify=false "$R/multilayer" >/dev/null
}

@test "system prune --filter label=|label!=|until= limits containers, networks, volumes and images as podman's" {
	use_store prune-filter
	"$HUSK" pull -q "$R/busybox" >/dev/null
	"$HUSK" pull -q "$R/multilayer" >/dev/null
	prune_fixture "$HUSK"
	run_husk system prune -f --volumes --filter label=a
	local husk_label=$output
	expect_eq "$(prune_out "$output")" "Deleted Containers
CID
Deleted Volumes
prv1
Deleted Networks
prn1
Total reclaimed space: 0B"
	run_husk container exists prc2
	run_husk system prune -f --filter until=1h
	expect_eq "$output" "Deleted Images
$(oci_image_id multilayer)
Total reclaimed space: 3.2MB" "only the image was created before an hour ago"
	run_husk system prune -f --filter until=0s --filter label!=a
	expect_eq "$(prune_out "$output")" "Deleted Containers
CID
Deleted Networks
prn2
Total reclaimed space: 0B"
	run_husk 125 system prune -f --filter foo=1
	expect_eq "$stderr" "husk: foo is an invalid filter"
	run_husk volume inspect prv2
	need_podman
	pm pull -q --tls-verify=false "$R/multilayer" >/dev/null
	prune_fixture pm
	run_pm system prune -f --volumes --filter label=a
	expect_eq "$(prune_out "$output")" "$(prune_out "$husk_label")" "label=a, husk and podman"
	run_pm 125 system prune -f --filter foo=1
	expect_eq "$stderr" "Error: foo is an invalid filter"
	pm volume rm prv2 >/dev/null
	pm rm prc2 >/dev/null
	pm network rm prn2 >/dev/null
	pm pull -q --tls-verify=false "$R/multilayer" >/dev/null
}

@test "image, container, volume and network prune --filter: only what matches, IDs or names one a line" {
	use_store prune-kinds
	"$HUSK" pull -q "$R/busybox" >/dev/null
	"$HUSK" pull -q "$R/multilayer" >/dev/null
	prune_fixture "$HUSK"
	local id1
	id1=$("$HUSK" container inspect --format '{{.Id}}' prc1)
	run_husk container prune -f --filter label=a
	expect_eq "$output" "$id1"
	run_husk container exists prc2
	run_husk 1 container exists prc1
	run_husk container prune -f --filter until=1h
	expect_eq "$output" "" "prc2 is younger than an hour"
	run_husk volume prune -f --filter label!=a
	expect_eq "$output" prv2
	run_husk network prune -f --filter label=a=1
	expect_eq "$output" prn1
	run_husk network prune -f --filter label=a=2
	expect_eq "$output" ""
	run_husk image prune -f --filter label=nosuch
	expect_eq "$output" "" "the dangling image has no such label"
	run_husk image prune -f --filter until=87600h
	expect_eq "$output" "" "the dangling image was created in the last ten years"
	run_husk image prune -f --filter until=1h
	expect_eq "$output" "$(oci_image_id multilayer)" "the dangling image, created before an hour ago"
	run_husk image prune -f -a --filter until=24h --filter label!=nosuch
	expect_eq "$output" "" "busybox: prc2 uses it"
	run_husk rm prc2
	run_husk image prune -f -a --filter until=24h --filter label!=nosuch
	expect_eq "$output" "$(oci_image_id busybox)"
	local verb
	run_husk 125 image prune --filter foo=1
	expect_eq "$stderr" 'husk: unsupported image filter "foo"'
	run_husk 125 container prune --filter foo=1
	expect_eq "$stderr" 'husk: foo is an invalid filter'
	run_husk 125 volume prune --filter foo=1
	expect_eq "$stderr" 'husk: "foo" is an invalid volume filter'
	run_husk 125 network prune --filter foo=1
	expect_eq "$stderr" 'husk: invalid filter "foo"'
	need_podman
	for verb in image container volume network; do
		run_husk 125 $verb prune --filter foo=1
		local husk_err=${stderr#husk: }
		run_pm 125 $verb prune -f --filter foo=1
		expect_eq "${stderr#Error: }" "$husk_err" "$verb prune --filter foo=1, podman and husk"
	done
}

@test "image, container, volume and network prune ask as podman without -f: the warning, y goes on, n stops, EOF is 125" {
	use_store prune-ask-kinds
	"$HUSK" pull -q "$R/busybox" >/dev/null
	local verb warn
	run_husk volume prune </dev/null
	expect_eq "$output" "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:
No dangling volumes found" "volume prune with nothing to remove: podman 4.3.1 does not ask"
	run_husk volume create pkv
	for verb in container image volume network; do
		run_husk 125 $verb prune </dev/null
		expect_contains "$stderr" "EOF" "$verb prune without an answer"
	done
	run_husk create --name pk "$R/busybox" true
	run_husk network create pkn
	warn=$(printf '%s\n' 'WARNING! This will remove all non running containers.' 'Are you sure you want to continue? [y/N] ')
	run_husk container prune <<<"n"
	expect_eq "$output" "${warn%$'\n'}" "container prune's question"
	run_husk container exists pk
	warn=$(printf '%s\n' 'WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:' pkv 'Are you sure you want to continue? [y/N] ')
	run_husk volume prune <<<"n"
	expect_eq "$output" "${warn%$'\n'}" "volume prune's question"
	run_husk volume exists pkv
	warn=$(printf '%s\n' 'WARNING! This will remove all networks not used by at least one container.' 'Are you sure you want to continue? [y/N] ')
	run_husk network prune <<<"no"
	expect_eq "$output" "${warn%$'\n'}" "network prune's question"
	run_husk network exists pkn
	warn=$(printf '%s\n' 'WARNING! This command removes all dangling images.' 'Are you sure you want to continue? [y/N] ')
	run_husk image prune <<<"n"
	expect_eq "$output" "${warn%$'\n'}" "image prune's question"
	warn=$(printf '%s\n' 'WARNING! This command removes all images without at least one container associated with them.' 'Are you sure you want to continue? [y/N] ')
	run_husk image prune -a <<<"n"
	expect_eq "$output" "${warn%$'\n'}" "image prune -a's question"
	local pkid
	pkid=$("$HUSK" container inspect --format '{{.Id}}' pk)
	run_husk container prune <<<"y"
	expect_contains "$output" "$pkid" "what container prune removed"
	run_husk 1 container exists pk
	run_husk volume prune <<<"Y"
	expect_contains "$output" pkv
	run_husk 1 volume exists pkv
	run_husk network prune <<<"yes"
	expect_contains "$output" pkn
	run_husk 1 network exists pkn

	need_podman
	on_both volume create pkv2
	local hout pout
	for verb in container image volume network; do
		both $verb prune </dev/null
		expect_eq "$HUSK_RC" "$PM_RC" "$verb prune with no answer: husk and podman's exit codes"
		# Each reads its own answer (a shared stdin is read by the first).
		hout=$("$HUSK" $verb prune <<<"n")
		pout=$(pm $verb prune <<<"n")
		if [[ $verb == volume ]]; then
			# The list names each store's unused volumes: compare the rest.
			hout=$(sed -n '1p;$p' <<<"$hout") pout=$(sed -n '1p;$p' <<<"$pout")
		fi
		expect_eq "$hout" "$pout" "$verb prune's question: husk and podman"
	done
	on_both volume rm pkv2
}

# ------------------------------------------------------------ system df

# df_fixture RUNNER: two images, one with a second name; a created
# container and one that wrote 100 KiB and a 3-byte file into a volume.
df_fixture() {
	local run=$1
	$run pull -q --tls-verify=false "$R/busybox" >/dev/null
	$run pull -q --tls-verify=false "$R/multilayer" >/dev/null
	$run tag "$R/busybox" localhost/other:2
	$run create --name dfc "$R/busybox" true >/dev/null
	$run run --name dfr -v dfv:/v "$R/busybox" sh -c 'dd if=/dev/zero of=/big bs=1k count=100 2>/dev/null; echo hi >/v/f' >/dev/null
}

# pmdf ARGS...: podman with a store of this test only (under PODMAN_DIR,
# which teardown_file removes).
pmdf() {
	local d=$PODMAN_DIR/df
	mkdir -p "$d/root" "$d/run" "$d/tmp"
	XDG_RUNTIME_DIR=$PODMAN_XDG TMPDIR=$d/tmp podman --root "$d/root" --runroot "$d/run" \
		--cgroup-manager cgroupfs --events-backend file --runtime runc "$@"
}

@test "system df: podman's TYPE/TOTAL/ACTIVE/SIZE/RECLAIMABLE rows, {{json .}}, templates and -v sections" {
	use_store df
	df_fixture "$HUSK"
	run_husk system df
	local husk_df=$output
	expect_eq "$(sed -E 's/  +/|/g' <<<"$output")" "TYPE|TOTAL|ACTIVE|SIZE|RECLAIMABLE
Images|3|2|7.458MB|3.2MB (43%)
Containers|2|0|102.4kB|102.4kB (100%)
Local Volumes|1|1|3B|0B (0%)"
	run_husk system df --format json
	expect_eq "$(json '[(r["Type"], r["Total"], r["Active"]) for r in d]')" '[["Images", 3, 2], ["Containers", 2, 0], ["Local Volumes", 1, 1]]'
	run_husk system df --format '{{json .}}'
	local husk_json=$output
	expect_eq "${lines[1]}" '{"Type":"Containers","Total":2,"Active":0,"Size":102400,"Reclaimable":102400}'
	run_husk system df --format 'table {{.Type}} {{.Reclaimable}}'
	expect_eq "$(sed -E 's/  +/|/g' <<<"$output")" "TYPE|RECLAIMABLE
Images|3.2MB (43%)
Containers|102.4kB (100%)
Local Volumes|0B (0%)"
	run_husk system df -v
	local husk_v=$output
	expect_contains "$output" "Images space usage:

REPOSITORY "
	expect_match "$output" $'\n'"localhost/other +2 +$(oci_image_id busybox | cut -c1-12) +2 years +2.129MB +0B +2.129MB +2"$'\n'
	expect_match "$output" $'\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n'
	expect_match "$output" '  1 +102.4kB .* exited +dfr'$'\n'
	expect_match "$output" $'\nLocal Volumes space usage:\n\nVOLUME NAME +LINKS +SIZE\ndfv +1 +3B$'
	run_husk 125 system df -v --format json
	need_podman
	df_fixture pmdf
	run pmdf system df
	expect_eq "$output" "$husk_df" "husk and podman system df"
	run pmdf system df --format '{{json .}}'
	# The writable layers differ by the few bytes each engine writes
	# into the root file system (102412 bytes with podman here).
	local nosize='s/"(Size|Reclaimable)":[0-9]+/"\1":N/g'
	expect_eq "$(sed -n 1p <<<"$output")$(sed -n 3p <<<"$output")" "$(sed -n 1p <<<"$husk_json")$(sed -n 3p <<<"$husk_json")" "husk and podman {{json .}}: images and volumes"
	expect_eq "$(sed -n 2p <<<"$output" | sed -E "$nosize")" "$(sed -n 2p <<<"$husk_json" | sed -E "$nosize")" "husk and podman {{json .}}: containers"
	run pmdf system df -v
	expect_eq "$(sed -n '/^Images/,/^Containers/p' <<<"$output" | sort)" "$(sed -n '/^Images/,/^Containers/p' <<<"$husk_v" | sort)" "the images section"
	expect_eq "$(sed -n '/^Local Volumes/,$p' <<<"$output")" "$(sed -n '/^Local Volumes/,$p' <<<"$husk_v")" "the volumes section"
	pmdf rm -a -f >/dev/null 2>&1 || true
}
