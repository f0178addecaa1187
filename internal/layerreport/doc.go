// Package layerreport shows what is in an image's or a container's
// layers as podman does: husk diff's A/C/D lines or JSON, and husk
// history's table, IDs, JSON or rows through a template.
package layerreport
