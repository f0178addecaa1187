//go:build !linux

package oci

// deleteStopped leaves every delete to the runtime where runc's state
// cannot be vouched for.
func (r *CLI) deleteStopped(id, keepCgroup string) bool { return false }
