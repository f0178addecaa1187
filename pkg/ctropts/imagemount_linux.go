package ctropts

import (
	"errors"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
)

// errImageMount is parseMount's answer to type=image, which imageMounts
// takes before it.
var errImageMount = errors.New("type=image is read by imageMounts")

func isImageMount(m string) bool {
	for _, f := range strings.Split(m, ",") {
		if f == "type=image" {
			return true
		}
	}
	return false
}

func withoutImageMounts(mounts []string) []string {
	var out []string
	for _, m := range mounts {
		if !isImageMount(m) {
			out = append(out, m)
		}
	}
	return out
}

// imageMounts reads --mount type=image,source=IMAGE,target=DIR[,rw=true]
// (podman's keys; readonly=false is rw=true).
func imageMounts(mounts []string) ([]runtime.ImageMount, error) {
	var out []runtime.ImageMount
	for _, m := range mounts {
		if !isImageMount(m) {
			continue
		}
		var im runtime.ImageMount
		for _, f := range strings.Split(m, ",") {
			k, v, _ := strings.Cut(f, "=")
			switch k {
			case "type":
			case "source", "src":
				im.Image = v
			case "target", "destination", "dst":
				im.Destination = v
			case "rw", "readwrite":
				im.RW = v == "" || v == "true" || v == "1"
			case "readonly", "ro":
				im.RW = v == "false" || v == "0"
			default:
				return nil, setting.Errorf("{mount} %q: unknown option %q for type=image (source, target, rw)", m, k)
			}
		}
		if im.Image == "" || im.Destination == "" {
			return nil, setting.Errorf("{mount} %q: type=image needs source= (the image) and target=", m)
		}
		dst, err := destination("{mount}", m, im.Destination)
		if err != nil {
			return nil, err
		}
		im.Destination = dst
		out = append(out, im)
	}
	return out, nil
}
