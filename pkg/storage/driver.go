package storage

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// Driver names a way of storing layers. "fuse-overlayfs" is the overlay
// graph driver with fuse-overlayfs as its mount program.
type Driver string

const (
	DriverAuto    Driver = ""
	DriverOverlay Driver = "overlay"
	DriverFuse    Driver = "fuse-overlayfs"
	DriverVFS     Driver = "vfs"
)

// ErrDriverMismatch is returned when a store was created with one driver
// and another is requested.
var ErrDriverMismatch = errors.New("storage driver differs from the store's")

// ParseDriver validates a --storage-driver value.
func ParseDriver(s string) (Driver, error) {
	switch Driver(s) {
	case DriverAuto, DriverOverlay, DriverFuse, DriverVFS:
		return Driver(s), nil
	}
	return "", fmt.Errorf("unknown storage driver %q: use overlay, fuse-overlayfs or vfs", s)
}

// driverFile remembers the driver a store was created with: the layers of
// one driver are invisible to another.
const driverFile = "husk-driver"

func recordedDriver(graphRoot string) (Driver, error) {
	b, err := os.ReadFile(filepath.Join(graphRoot, driverFile))
	if os.IsNotExist(err) {
		return DriverAuto, nil
	}
	if err != nil {
		return "", fmt.Errorf("read store driver: %w", err)
	}
	return ParseDriver(strings.TrimSpace(string(b)))
}

// recordDriver writes the driver file atomically; concurrent first
// commands each write their own temporary file.
func recordDriver(graphRoot string, d Driver) error {
	f, err := os.CreateTemp(graphRoot, driverFile+".tmp*")
	if err != nil {
		return fmt.Errorf("record store driver: %w", err)
	}
	_, werr := f.WriteString(string(d) + "\n")
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("record store driver: %w", err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("record store driver: %w", err)
	}
	if err := os.Rename(f.Name(), filepath.Join(graphRoot, driverFile)); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("record store driver: %w", err)
	}
	return nil
}

// candidates lists the drivers to try, in order, for a store.
func candidates(requested, recorded Driver, graphRoot string) ([]Driver, error) {
	if recorded != DriverAuto {
		if requested != DriverAuto && requested != recorded {
			return nil, setting.Errorf("%w: the store at %q uses %q, not %q; pass {storage-driver} %s, use another {root}, or remove everything with 'husk system reset'",
				ErrDriverMismatch, graphRoot, recorded, requested, recorded)
		}
		return []Driver{recorded}, nil
	}
	if requested != DriverAuto {
		return []Driver{requested}, nil
	}
	return []Driver{DriverOverlay, DriverFuse, DriverVFS}, nil
}

// graphDriver maps a Driver onto the storage library's driver name and
// options.
func graphDriver(d Driver, ignoreChown bool) (string, []string, error) {
	switch d {
	case DriverOverlay:
		opts := []string{}
		if ignoreChown {
			opts = append(opts, "overlay.ignore_chown_errors=true")
		}
		return "overlay", opts, nil
	case DriverFuse:
		p, err := exec.LookPath("fuse-overlayfs")
		if err != nil {
			return "", nil, fmt.Errorf("storage driver fuse-overlayfs: fuse-overlayfs not found; install the fuse-overlayfs package")
		}
		opts := []string{"overlay.mount_program=" + p}
		if ignoreChown {
			opts = append(opts, "overlay.ignore_chown_errors=true")
		}
		return "overlay", opts, nil
	case DriverVFS:
		opts := []string{}
		if ignoreChown {
			opts = append(opts, "vfs.ignore_chown_errors=true")
		}
		return "vfs", opts, nil
	}
	return "", nil, fmt.Errorf("unknown storage driver %q", d)
}

// ContainersDir is where the store opts opens keeps its containers'
// directories (GRAPHROOT/DRIVER-containers), when its driver is known
// without opening it: given, or recorded by an earlier command.
func ContainersDir(opts Options) (string, bool) {
	d := opts.Driver
	if d == DriverAuto {
		r, err := recordedDriver(opts.GraphRoot)
		if err != nil {
			return "", false
		}
		d = r
	}
	name := ""
	switch d {
	case DriverOverlay, DriverFuse:
		name = "overlay"
	case DriverVFS:
		name = "vfs"
	default:
		return "", false
	}
	return filepath.Join(opts.GraphRoot, name+"-containers"), true
}
