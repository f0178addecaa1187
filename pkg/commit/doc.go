// Package commit makes images from a container's layer (husk commit) and
// from a tarball (husk import), as podman does: commit with buildah's
// library (ImportBuilder and Builder.Commit), so the new image is the
// container's layer on top of its image's layers with the image's config,
// the container's settings and the --change instructions, and a history
// step; import with containers/image's tarball transport, one layer and a
// history step. Only a layer's diff goes into an image: what is mounted
// into a container (volumes, secrets, /etc/hosts) is not in its layer.
//
// Only the helper binary (bin/husk-transfer) links this package; the
// command binary checks the flags with commitopts and hands the work over.
package commit
