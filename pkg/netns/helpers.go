package netns

import (
	"os"
	"os/exec"
)

// Helper is a network helper program and whether the host can use it.
type Helper struct {
	Name    string
	Path    string // "" when not installed
	Package string // Debian package that provides it
	// Problem says why an installed helper cannot work ("" when fine).
	Problem string
}

// FindHelpers looks for pasta and slirp4netns and the /dev/net/tun device
// both need.
func FindHelpers() []Helper {
	helpers := []Helper{{Name: "pasta", Package: "passt"}, {Name: "slirp4netns", Package: "slirp4netns"}}
	tunProblem := ""
	if f, err := os.OpenFile("/dev/net/tun", os.O_RDWR, 0); err != nil {
		tunProblem = "/dev/net/tun is not usable (" + err.Error() + "); as root: chmod 0666 /dev/net/tun"
	} else {
		f.Close()
	}
	for i := range helpers {
		if p, err := exec.LookPath(helpers[i].Name); err == nil {
			helpers[i].Path = p
			helpers[i].Problem = tunProblem
		}
	}
	return helpers
}

// HelperInstalled reports whether pasta or slirp4netns is installed
// (usable or not): then a private network is the default.
func HelperInstalled() bool {
	for _, name := range []string{"pasta", "slirp4netns"} {
		if _, err := exec.LookPath(name); err == nil {
			return true
		}
	}
	return false
}
