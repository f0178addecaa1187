// Package ctrlist is containers as husk's commands show and pick them:
// which ones ps lists (running ones, or all; --filter) and the rows it
// shows of them, as a table, JSON or through a template; what inspect
// shows of one; which ones prune removes.
package ctrlist
