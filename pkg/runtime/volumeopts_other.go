//go:build !linux

package runtime

import "errors"

// CheckVolumeOptions refuses volume options: mounting them is Linux's.
func CheckVolumeOptions(opts map[string]string) error {
	if len(opts) > 0 {
		return errors.New("volume options need Linux")
	}
	return nil
}

func unmountVolume(*Volume) error { return nil }
