package pod

import (
	"errors"
	"io/fs"

	"github.com/husk-dev/husk/internal/idfile"
)

// ReserveIDFile creates path (--pod-id-file) for the ID of a pod about to
// be made, refusing a file that exists (another pod may be using it), as
// podman's pod create does.
func ReserveIDFile(path string) (*idfile.File, error) {
	return idfile.Reserve(path, "pod-id-file", "pod")
}

// ReadIDFile is the pod ID a --pod-id-file holds (read bounded). With
// ignore, a file that does not exist is ErrPodUnknown, for callers that
// skip unknown pods (pod rm --ignore).
func ReadIDFile(path string, ignore bool) (string, error) {
	id, err := idfile.Read(path, "pod-id-file")
	if ignore && errors.Is(err, fs.ErrNotExist) {
		return "", ErrPodUnknown
	}
	return id, err
}
