#!/usr/bin/env bats
# husk commit, diff, history, export and import, as the test user: a
# container's changes become an image that runs (with --change applied and
# without what was mounted into the container), diff shows A/C/D lines in
# podman's order and JSON shape, history shows the steps of a build and of
# a commit with their sizes, export streams the container's file system as
# a tar, import makes a one-layer image of it that runs. Bad input is one
# error line and exit 125, and creates no image.

load helpers

setup_file() {
	husk_setup_run_file busybox
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

# changed_ctr NAME: an exited container that added, changed and deleted
# files.
changed_ctr() {
	run_husk run --name "$1" "$R/busybox" sh -c 'echo hi > /new; echo x >> /etc/passwd; rm /bin/true; mkdir -p /d/e; echo f > /d/e/f'
}

# inspect_image REF EXPR: EXPR on husk image inspect's first entry (as d).
inspect_image() {
	run_husk image inspect "$1"
	output=$(json "d[0]")
	json "$2"
}

@test "commit: the container's files are in the new image, which runs; the base image is unchanged" {
	changed_ctr c1
	run_husk commit -q c1 localhost/c1img
	expect_match "$output" "$HEX64"
	local id=$output
	run_husk images -q --no-trunc localhost/c1img
	expect_eq "${output#sha256:}" "$id"
	run_husk run --rm localhost/c1img sh -c 'cat /new /d/e/f; tail -n1 /etc/passwd; test -e /bin/true || echo no-true'
	expect_eq "$output" $'hi\nf\nx\nno-true'
	run_husk run --rm "$R/busybox" sh -c 'test -e /new || echo clean; test -e /bin/true && echo has-true'
	expect_eq "$output" $'clean\nhas-true'
	# One layer more than the base image: the container's.
	expect_eq "$(inspect_image localhost/c1img 'len(d["RootFS"]["Layers"])')" \
		"$(($(inspect_image "$R/busybox" 'len(d["RootFS"]["Layers"])') + 1))" "layers"
	# The command the container ran is the image's command, as podman.
	expect_eq "$(inspect_image localhost/c1img 'd["Config"]["Cmd"][0]')" sh
}

@test "commit --change: CMD, ENTRYPOINT, ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL; -a; progress on stderr, ID on stdout" {
	changed_ctr c2
	run_husk commit -c 'CMD ["cat", "/new"]' -c 'ENV GREETING=hello' -c 'LABEL org.example.k=v' \
		-c 'WORKDIR /d' -c 'USER 1000' -c 'EXPOSE 8080/udp' -c 'VOLUME /data' -c 'STOPSIGNAL SIGINT' \
		-a 'Ann <ann@example.org>' c2 localhost/c2img
	expect_match "$output" "$HEX64"
	expect_contains "$stderr" "Writing manifest"
	run_husk run --rm localhost/c2img
	expect_eq "$output" hi
	run_husk run --rm localhost/c2img sh -c 'echo $GREETING; pwd; id -u'
	expect_eq "$output" $'hello\n/d\n1000'
	run_husk image inspect localhost/c2img
	output=$(json "d[0]")
	expect_eq "$(json 'd["Config"]["Labels"]["org.example.k"]')" v
	expect_eq "$(json 'sorted(d["Config"]["ExposedPorts"])')" '["8080/udp"]'
	expect_eq "$(json 'sorted(d["Config"]["Volumes"])')" '["/data"]'
	# As podman, the signal's number.
	expect_eq "$(json 'd["Config"]["StopSignal"]')" 2
	expect_eq "$(json 'd["Author"]')" 'Ann <ann@example.org>'
	expect_eq "$(json 'd["ManifestType"]')" application/vnd.oci.image.manifest.v1+json
	# ENTRYPOINT replaces the image's, CMD its arguments.
	run_husk commit -q -c 'ENTRYPOINT ["cat"]' -c 'CMD ["/d/e/f"]' c2 localhost/c2ep
	run_husk run --rm localhost/c2ep
	expect_eq "$output" f
}

@test "commit -f docker -m: the comment and the docker manifest; -m without docker is refused as podman does" {
	changed_ctr c3
	run_husk commit -q -f docker -m 'my message' c3 localhost/c3img
	run_husk image inspect localhost/c3img
	output=$(json "d[0]")
	expect_eq "$(json 'd["ManifestType"]')" application/vnd.docker.distribution.manifest.v2+json
	run_husk 125 commit -m 'my message' c3 localhost/c3oci
	expect_one_error_line
	expect_contains "$stderr" "--format=docker"
}

@test "commit: the container's environment and user come with it; an unnamed commit is listed as <none>" {
	run_husk run --name c4 -e FROM_RUN=yes -u 1000 -w /tmp "$R/busybox" true
	run_husk commit -q c4
	local id=$output
	run_husk run --rm "$id" sh -c 'echo $FROM_RUN; id -u; pwd'
	expect_eq "$output" $'yes\n1000\n/tmp'
	run_husk images --format '{{.Repository}} {{.ID}}'
	expect_contains "$output" "<none> ${id:0:12}"
	run_husk rmi "$id"
}

@test "commit: volumes, tmpfs and /etc/hosts mounted into the container are not in the image" {
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir -p "$vol"
	echo secret >"$vol/secret.txt"
	run_husk run --name c5 -v "$vol:/mnt/data" --tmpfs /scratch --add-host special.example:10.9.8.7 "$R/busybox" \
		sh -c 'echo more > /mnt/data/also; echo t > /scratch/t; echo kept > /kept; grep -c special.example /etc/hosts'
	expect_eq "$output" 1
	run_husk commit -q c5 localhost/c5img
	run_husk run --rm localhost/c5img sh -c 'cat /kept; ls -A /mnt/data /scratch; cat /etc/hosts | grep -c special.example || true'
	expect_eq "$output" $'kept\n/mnt/data:\n\n/scratch:\n0'
	run_husk diff localhost/c5img
	expect_not_contains "$output" secret
	expect_not_contains "$output" "/scratch/t"
	expect_contains "$output" "A /kept"
	# The files of the layer itself: the mount points are empty.
	run_husk create --name c5b localhost/c5img
	run bash -c '"$HUSK" export c5b | tar -t'
	expect_not_contains "$output" "mnt/data/secret.txt"
	expect_not_contains "$output" "mnt/data/also"
	expect_not_contains "$output" "scratch/t"
	run bash -c '"$HUSK" export c5b | tar -xO etc/hosts | wc -c'
	expect_eq "$output" 0 "size of etc/hosts in the image"
}

@test "commit --pause: a running container is frozen during the commit and runs on afterwards" {
	run_husk run -d --name c6 "$R/busybox" sh -c 'echo started > /started; while :; do date >> /ticks; sleep 0.2; done'
	wait_until 10 "$HUSK" exec c6 test -e /started
	if ! "$HUSK" pause c6 >/dev/null 2>"$BATS_TEST_TMPDIR/pause.err"; then
		# No cgroup of its own to freeze here: --pause says so.
		run_husk 125 commit -q -p c6 localhost/c6img
		expect_one_error_line
		expect_contains "$stderr" "pause"
		skip "husk pause cannot freeze containers here: $(cat "$BATS_TEST_TMPDIR/pause.err")"
	fi
	run_husk unpause c6
	run_husk commit -q -p c6 localhost/c6img
	expect_eq "$(ctr_status c6)" running
	run_husk inspect --format '{{.State.Paused}}' c6
	expect_eq "$output" false
	run_husk run --rm localhost/c6img cat /started
	expect_eq "$output" started
	# A container paused by the user stays paused.
	run_husk pause c6
	run_husk commit -q -p c6 localhost/c6img2
	run_husk inspect --format '{{.State.Paused}}' c6
	expect_eq "$output" true
	run_husk unpause c6
}

@test "commit of a running container without --pause takes its layer as it is" {
	run_husk run -d --name c7 "$R/busybox" sh -c 'echo up > /up; sleep 1000'
	wait_until 10 "$HUSK" exec c7 test -e /up
	run_husk commit -q c7 localhost/c7img
	expect_eq "$(ctr_status c7)" running
	run_husk run --rm localhost/c7img cat /up
	expect_eq "$output" up
}

@test "commit: bad input is one error line, exit 125, and no new image" {
	changed_ctr c8
	local before
	before=$(image_ids)
	run_husk 125 commit nosuch localhost/x
	expect_one_error_line
	expect_contains "$stderr" nosuch
	local c
	for c in 'FOO bar' 'CMD' 'EXPOSE abc' 'EXPOSE 99999' 'LABEL' 'ENV'; do
		run_husk 125 commit -c "$c" c8 localhost/x
		expect_one_error_line
		expect_contains "$stderr" "$c"
	done
	run_husk 125 commit c8 'Bad Name'
	expect_one_error_line
	run_husk 125 commit -f xml c8 localhost/x
	expect_one_error_line
	run_husk 125 commit
	expect_one_error_line
	expect_eq "$(image_ids)" "$before" "image IDs"
}

@test "diff: a container's A/C/D lines sorted by path as podman, without mount points; --format json in podman's shape" {
	changed_ctr d1
	run_husk diff d1
	expect_eq "$output" 'C /bin
D /bin/true
A /d
A /d/e
A /d/e/f
C /etc
C /etc/passwd
A /new'
	run_husk diff --format json d1
	expect_eq "$(json 'sorted(d)')" '["added", "changed", "deleted"]'
	expect_eq "$(json 'd["added"]')" '["/d", "/d/e", "/d/e/f", "/new"]'
	expect_eq "$(json 'd["changed"]')" '["/bin", "/etc", "/etc/passwd"]'
	expect_eq "$(json 'd["deleted"]')" '["/bin/true"]'
	# An unchanged container: nothing, and {} as JSON.
	run_husk create --name d2 "$R/busybox"
	run_husk diff d2
	expect_eq "$output" ""
	run_husk diff --format json d2
	expect_eq "$(json 'd')" '{}'
	run_husk 125 diff --format '{{.Path}}' d1
	expect_one_error_line
	run_husk 125 diff nosuch
	expect_one_error_line
	expect_contains "$stderr" nosuch
}

@test "diff IMAGE: what its top layer changed; a one-layer image adds everything" {
	changed_ctr d3
	run_husk commit -q d3 localhost/d3img
	run_husk diff localhost/d3img
	expect_contains "$output" "A /new"
	expect_contains "$output" "D /bin/true"
	expect_not_contains "$output" "/etc/hosts"
	run_husk diff "$R/busybox"
	expect_contains "$output" "A /bin/busybox"
	expect_not_contains "$output" "D "
}

@test "history: a build's steps and a commit's, with layer sizes; --no-trunc, -q, -H=false, json and templates" {
	printf 'FROM %s\nRUN echo built > /built && dd if=/dev/zero of=/blob bs=1k count=300 2>/dev/null\nLABEL stage=one\n' "$R/busybox" >"$BATS_TEST_TMPDIR/Containerfile"
	run_husk build -q -t localhost/hbuilt -f "$BATS_TEST_TMPDIR/Containerfile" "$BATS_TEST_TMPDIR"
	local built=$output
	run_husk run --name h1 localhost/hbuilt sh -c 'echo c > /committed'
	run_husk commit -q -c 'CMD ["cat", "/committed"]' h1 localhost/hcommitted
	local committed=$output

	run_husk history localhost/hcommitted
	expect_match "${lines[0]}" '^ID +CREATED +CREATED BY +SIZE +COMMENT$'
	expect_eq "${#lines[@]}" 5 "lines (header, commit, LABEL, RUN, base)"
	expect_match "${lines[1]}" "^${committed:0:12} +"
	expect_contains "${lines[1]}" "FROM localhost/hbuilt"
	expect_contains "${lines[2]}" "LABEL stage=one"
	expect_match "${lines[2]}" ' 0 B '
	expect_contains "${lines[3]}" "/bin/sh -c echo built"
	expect_match "${lines[3]}" ' 3[01][0-9] kB '
	expect_contains "${lines[4]}" imagegen
	# The built image ends with its LABEL step; the RUN step with the image
	# the layer cache keeps for it (same layer, one step less).
	expect_match "${lines[2]}" "^${built:0:12} "
	expect_match "${lines[3]}" '^[0-9a-f]{12} '
	local runstep=${lines[3]:0:12}
	[[ $runstep != "${built:0:12}" ]] || die "the RUN step shows the built image's ID"
	# Long CREATED BY cut to 45 characters.
	expect_contains "${lines[4]}" "..."

	run_husk history --no-trunc localhost/hcommitted
	expect_match "${lines[1]}" "^$committed "
	expect_contains "${lines[3]}" "dd if=/dev/zero of=/blob bs=1k count=300"
	run_husk history -q localhost/hcommitted
	expect_eq "$output" "${committed:0:12}
${built:0:12}
$runstep
$(inspect_image "$R/busybox" 'd["Id"][:12]')"
	run_husk history -q --no-trunc localhost/hcommitted
	expect_eq "${lines[0]}" "$committed"
	run_husk history -H=false localhost/hbuilt
	expect_match "${lines[1]}" ' [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z '

	run_husk history --format json localhost/hcommitted
	expect_eq "$(json 'len(d)')" 4
	expect_eq "$(json 'd[0]["id"]')" "$committed"
	expect_eq "$(json 'd[2]["id"][:12]')" "$runstep"
	expect_eq "$(json 'd[2]["size"] > 300000')" True
	expect_eq "$(json 'd[1]["size"]')" 0
	expect_contains "$(json 'd[2]["CreatedBy"]')" "echo built"
	run_husk history --format '{{.ID}}|{{.Comment}}|{{len .Tags}}' localhost/hcommitted
	expect_eq "${lines[0]}" "${committed:0:12}|FROM localhost/hbuilt:latest|1"
	run_husk history --format 'table {{.ID}} {{.CreatedBy}}' localhost/hcommitted
	expect_eq "${lines[0]}" "ID CREATEDBY"
	run_husk 125 history nosuch
	expect_one_error_line
	run_husk 125 history --format '{{.Nope}}' localhost/hcommitted
	expect_one_error_line
}

@test "export: the container's file system as a tar on stdout or -o, streamed; bad input refused" {
	changed_ctr e1
	run bash -c '"$HUSK" export e1 | tar -t'
	expect_eq "$status" 0
	expect_contains "$output" "bin/busybox"
	expect_contains "$output" "d/e/f"
	expect_not_contains "$output" "bin/true"$'\n'
	run bash -c '"$HUSK" export e1 | tar -xO new'
	expect_eq "$output" hi
	run_husk export -o "$BATS_TEST_TMPDIR/e1.tar" e1
	expect_eq "$output" ""
	run tar -xOf "$BATS_TEST_TMPDIR/e1.tar" d/e/f
	expect_eq "$output" f
	# Owners inside the tar are the container's (root), not the host's.
	run bash -c 'tar -tvf "$1" new' _ "$BATS_TEST_TMPDIR/e1.tar"
	expect_match "$output" '^-rw-r--r-- (root/root|0/0) '
	run_husk 125 export nosuch
	expect_one_error_line
	run_husk 125 export -o /nonexistent-dir/x.tar e1
	expect_one_error_line
	[[ ! -e /nonexistent-dir/x.tar ]]
	# A running container exports too.
	run_husk run -d --name e2 "$R/busybox" sh -c 'echo live > /live; sleep 1000'
	wait_until 10 "$HUSK" exec e2 test -e /live
	run bash -c '"$HUSK" export e2 | tar -xO live'
	expect_eq "$output" live
}

@test "import: an exported container (stdin, gzip, xz) becomes a one-layer image that runs; --change, -m; bad input refused" {
	changed_ctr i1
	run bash -c '"$HUSK" export i1 | "$HUSK" import -q - localhost/imp1'
	expect_eq "$status" 0
	expect_match "$output" '^sha256:[0-9a-f]{64}$'
	local id=${output#sha256:}
	run_husk run --rm localhost/imp1 sh -c 'cat /new /d/e/f'
	expect_eq "$output" $'hi\nf'
	expect_eq "$(inspect_image localhost/imp1 'len(d["RootFS"]["Layers"])')" 1 "layers"
	expect_eq "$(inspect_image localhost/imp1 'd["Id"]')" "$id"

	"$HUSK" export -o "$BATS_TEST_TMPDIR/i1.tar" i1
	gzip -c "$BATS_TEST_TMPDIR/i1.tar" >"$BATS_TEST_TMPDIR/i1.tar.gz"
	run_husk import -c 'CMD ["cat", "/new"]' -c 'ENV IMPORTED=1' -m 'from a backup' "$BATS_TEST_TMPDIR/i1.tar.gz" localhost/imp2
	expect_contains "$stderr" "Writing manifest"
	run_husk run --rm localhost/imp2
	expect_eq "$output" hi
	run_husk run --rm localhost/imp2 sh -c 'echo $IMPORTED'
	expect_eq "$output" 1
	run_husk history --no-trunc --format '{{.CreatedBy}}|{{.Comment}}' localhost/imp2
	expect_match "$output" '^/bin/sh -c #\(nop\) ADD file:[0-9a-f]{64} in /\|from a backup$'
	if command -v xz >/dev/null; then
		xz -c "$BATS_TEST_TMPDIR/i1.tar" >"$BATS_TEST_TMPDIR/i1.tar.xz"
		run_husk import -q "$BATS_TEST_TMPDIR/i1.tar.xz" localhost/imp3
		run_husk run --rm localhost/imp3 cat /new
		expect_eq "$output" hi
	fi

	local before
	before=$(image_ids)
	run_husk 125 import "$BATS_TEST_TMPDIR/nonexistent.tar"
	expect_one_error_line
	echo 'not a tar' >"$BATS_TEST_TMPDIR/bad.tar"
	run_husk 125 import "$BATS_TEST_TMPDIR/bad.tar"
	expect_one_error_line
	expect_contains "$stderr" "not a tar archive"
	run_husk 125 import - </dev/null
	expect_one_error_line
	expect_contains "$stderr" empty
	run_husk 125 import -c 'FOO bar' "$BATS_TEST_TMPDIR/i1.tar"
	expect_one_error_line
	run_husk 125 import "$BATS_TEST_TMPDIR/i1.tar" 'Bad Name'
	expect_one_error_line
	expect_eq "$(image_ids)" "$before" "image IDs"
}
