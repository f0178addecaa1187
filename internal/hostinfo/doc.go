// Package hostinfo is husk info: it checks the host for what rootless
// containers need (subordinate ids, newuidmap, a storage driver, an OCI
// runtime, delegated cgroups, a network helper, lingering) and says, for
// every missing piece, how to fix it.
package hostinfo
