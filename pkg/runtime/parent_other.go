//go:build !linux

package runtime

import "errors"

func setChildSubreaper() error { return errors.New("containers run on Linux only") }
