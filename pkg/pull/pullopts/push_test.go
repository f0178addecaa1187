package pullopts

import "testing"

func TestManifestMIMEType(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"oci", "application/vnd.oci.image.manifest.v1+json"},
		{"v2s2", "application/vnd.docker.distribution.manifest.v2+json"},
		{"v2s1", "application/vnd.docker.distribution.manifest.v1+prettyjws"},
	} {
		got, err := PushOptions{ManifestType: c.in}.ManifestMIMEType()
		if err != nil || got != c.want {
			t.Errorf("%q: %q %v, want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"OCI", "v2", "docker", "v2s2 "} {
		if _, err := (PushOptions{ManifestType: bad}).ManifestMIMEType(); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
