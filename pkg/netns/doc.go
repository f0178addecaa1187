// Package netns owns container networking: the network drivers (none,
// host, pasta, slirp4netns, user networks), published ports and DNS. For
// now it finds the helper programs for husk info.
package netns
