// Package logs is husk logs over runtime.FollowLog: the --since value
// read as a time, and a follow that gives up soon after the command is
// stopped. (A new directory beside pkg/runtime.)
package logs
