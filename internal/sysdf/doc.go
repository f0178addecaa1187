// Package sysdf is husk system df as podman 4.3.1 has it: the space
// images, containers and named volumes use and what of it is reclaimable,
// as a summary (table, JSON, template) or per item (-v).
package sysdf
