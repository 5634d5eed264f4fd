// Package main is the bundled Go plugin: sync.Map, a map + sync.RWMutex and a plain map,
// each named after the toolchain that built it (go1.22-syncmap, ...). CMake builds it once per
// Go toolchain found (src/plugin/go/go_plugins.cmake); the cgo glue is in package mapstress.
package main

import "mapstress.local/mapstress"

func init() {
	t := mapstress.Toolchain()
	mapstress.Register(t+"-syncmap", mapstress.Weak,
		"Go sync.Map via Range, which per its doc \"does not necessarily correspond to any consistent "+
			"snapshot of the Map's contents: no key will be visited more than once\"",
		func(uint64) mapstress.Map { return &syncMap{} })
	mapstress.Register(t+"-rwmutex-map", mapstress.Snapshot,
		"Go map[uint64]uint64 behind a sync.RWMutex, iterated under the read lock",
		func(hint uint64) mapstress.Map { return &rwMap{m: make(map[uint64]uint64, presize(hint))} })
	mapstress.Register(t+"-map", mapstress.None,
		"Go map[uint64]uint64 without synchronisation: the Go runtime kills the process on "+
			"\"concurrent map writes\" or \"concurrent map iteration and map write\"",
		func(hint uint64) mapstress.Map { return &plainMap{m: make(map[uint64]uint64, presize(hint))} })
}

// A c-shared library still needs a main package with a main function; it is never run.
func main() {}
