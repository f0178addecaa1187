// Package hooks reads OCI hook files (hooks.d, version 1.0.0, the format
// podman and CRI-O read: see oci-hooks(5)) and adds the hooks that match a
// container to its runtime config, where the OCI runtime runs them at
// their stages. The schema, its validation and the matching rules
// ("when": always, annotations, commands, hasBindMounts) are those of
// go.podman.io/common/pkg/hooks/1.0.0; reading the directories, their
// precedence and the errors are here.
package hooks
