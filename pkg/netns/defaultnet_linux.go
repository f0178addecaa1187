package netns

import "os/exec"

// DefaultNetworkProblem says why the host cannot run the default network
// as a bridge ("" when it can). Without nft the rootless namespace has no
// source NAT, and pasta drops what the bridge sends out: containers then
// get a private namespace with a helper of their own, as with
// --network pasta (or slirp4netns), and husk info says so.
func DefaultNetworkProblem() string {
	if _, err := exec.LookPath("nft"); err != nil {
		return "nft is not installed (package nftables): each container gets a helper of its own"
	}
	return ""
}
