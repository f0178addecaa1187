package spec

import "testing"

func TestPrivilegedCapabilities(t *testing.T) {
	root := PrivilegedCapabilities(0)
	if len(root.Bounding) != len(allCapabilities()) || len(root.Effective) != len(root.Bounding) || len(root.Permitted) != len(root.Bounding) {
		t.Fatalf("root: %+v", root)
	}
	user := PrivilegedCapabilities(1000)
	if len(user.Bounding) != len(allCapabilities()) || user.Effective != nil || user.Permitted != nil || user.Inheritable != nil || user.Ambient != nil {
		t.Fatalf("uid 1000: %+v", user)
	}
}
