// Package quadlet turns podman's Quadlet files (podman-systemd.unit(5):
// NAME.container, NAME.volume, NAME.network, NAME.kube in
// ~/.config/containers/systemd and /etc/containers/systemd/users) into
// systemd user units that run husk. cmd/husk-systemd-generator calls it as
// a systemd generator: at boot and at each "systemctl --user
// daemon-reload" it writes the units into the directory systemd gives it.
//
// The translation follows podman's: the [Container] (or [Volume],
// [Network], [Kube]) section becomes the ExecStart command line and is
// kept as [X-Container] for reference; every other section passes
// through; a key the translation does not know makes the file fail (it
// gets no unit) with an error naming the file and the key, as podman's
// generator does, while the other files are still written.
package quadlet
