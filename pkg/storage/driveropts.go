package storage

// driverOptions are the --storage-opt values for the driver: an empty
// one gives nothing (podman's --storage-opt "" clears storage.conf's
// options; husk has none of its own to clear).
func driverOptions(given []string) []string {
	var out []string
	for _, o := range given {
		if o != "" {
			out = append(out, o)
		}
	}
	return out
}
