package netns

import (
	"errors"
	"net"
	"testing"
)

func TestNetworks(t *testing.T) {
	s, err := OpenNetworks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Create("front", NetworkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Driver != "bridge" || a.Subnet == "" || a.Gateway == "" || len(a.ID) != 64 {
		t.Errorf("%+v", a)
	}
	b, err := s.Create("back", NetworkOptions{Subnet: "10.90.0.0/24", Gateway: "10.90.0.254", Internal: true})
	if err != nil || b.Gateway != "10.90.0.254" || !b.Internal {
		t.Fatalf("%+v %v", b, err)
	}
	if _, err := s.Create("front", NetworkOptions{}); !errors.Is(err, ErrNetworkExists) {
		t.Errorf("duplicate: %v", err)
	}
	for _, bad := range []string{"host", "none", "pasta", "bridge"} {
		if _, err := s.Create(bad, NetworkOptions{}); !errors.Is(err, ErrNetworkReserved) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	for _, blank := range []string{"", " "} {
		if _, err := s.Get(blank); !errors.Is(err, ErrEmptyName) {
			t.Errorf("Get(%q): %v", blank, err)
		}
		if _, err := s.Remove(blank); !errors.Is(err, ErrEmptyName) {
			t.Errorf("Remove(%q): %v", blank, err)
		}
		if _, err := s.Create(blank, NetworkOptions{}); !errors.Is(err, ErrEmptyName) {
			t.Errorf("Create(%q): %v", blank, err)
		}
	}
	if _, err := s.Create("-x", NetworkOptions{}); err == nil {
		t.Error("bad name accepted")
	}
	if _, err := s.Create("c", NetworkOptions{Subnet: "10.90.0.128/25"}); err == nil {
		t.Error("overlapping subnet accepted")
	}
	c, err := s.Create("c", NetworkOptions{})
	if err != nil || c.Subnet == a.Subnet {
		t.Errorf("second automatic subnet: %+v %v", c, err)
	}
	all, err := s.List()
	// The built-in default network is listed with the others, by name.
	if err != nil || len(all) != 4 || all[0].Name != "back" || all[3].Name != DefaultNetworkName || !IsDefaultNetwork(all[3]) {
		t.Errorf("%+v %v", all, err)
	}
	if got, err := s.Get(DefaultNetworkName); err != nil || got.Subnet != DefaultNetwork().Subnet {
		t.Errorf("Get(default): %+v %v", got, err)
	}
	if _, err := s.Remove(DefaultNetworkName); !errors.Is(err, ErrDefaultNetwork) {
		t.Errorf("Remove(default): %v", err)
	}
	if _, err := s.Create(DefaultNetworkName, NetworkOptions{}); !errors.Is(err, ErrNetworkExists) {
		t.Errorf("Create(default's name): %v", err)
	}
	if got, err := s.Get(a.ID[:12]); err != nil || got.Name != "front" {
		t.Errorf("by id: %+v %v", got, err)
	}
	if _, err := s.Remove("front"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("front"); !errors.Is(err, ErrNoSuchNetwork) {
		t.Errorf("after remove: %v", err)
	}
}

func TestChooseSubnetAvoidsRoutes(t *testing.T) {
	_, r, _ := net.ParseCIDR("10.89.0.0/23")
	sn, gw, err := chooseSubnet(NetworkOptions{}, nil, []Route{{Net: r, Iface: "eth0"}})
	if err != nil || sn.String() != "10.89.2.0/24" || gw.String() != "10.89.2.1" {
		t.Errorf("%v %v %v", sn, gw, err)
	}
	if _, _, err := chooseSubnet(NetworkOptions{Subnet: "10.1.0.0/24", Gateway: "10.2.0.1"}, nil, nil); err == nil {
		t.Error("gateway outside the subnet accepted")
	}
}
