// Package main is a c-shared mapstress plugin with three Go maps; backends.c holds the C
// side of the ABI (src/plugin/include/mapstress/plugin.h) and calls the functions exported here.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#include <stdint.h>
#include "mapstress/plugin.h"

int msgo_call_visit(mapstress_visit_fn visit, void *ctx, uint64_t key, uint64_t value);
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// Backend kinds, matching the order of the table in backends.c.
const (
	kindSyncMap = iota
	kindRWMutexMap
	kindPlainMap
)

// Maps are handed to C as cgo.Handle integers: cgo forbids keeping Go pointers in C memory.
func mapOf(handle C.uintptr_t) goMap { return cgo.Handle(handle).Value().(goMap) }

//export msgoCreate
func msgoCreate(kind C.int, capacityHint C.uint64_t) C.uintptr_t {
	var m goMap
	switch kind {
	case kindSyncMap:
		m = &syncMap{}
	case kindRWMutexMap:
		m = &rwMap{m: make(map[uint64]uint64, presize(uint64(capacityHint)))}
	case kindPlainMap:
		m = &plainMap{m: make(map[uint64]uint64, presize(uint64(capacityHint)))}
	default:
		return 0
	}
	return C.uintptr_t(cgo.NewHandle(m))
}

//export msgoDestroy
func msgoDestroy(handle C.uintptr_t) { cgo.Handle(handle).Delete() }

//export msgoStore
func msgoStore(handle C.uintptr_t, key, value C.uint64_t) {
	mapOf(handle).store(uint64(key), uint64(value))
}

//export msgoErase
func msgoErase(handle C.uintptr_t, key C.uint64_t) C.int {
	if mapOf(handle).erase(uint64(key)) {
		return 1
	}
	return 0
}

//export msgoLoad
func msgoLoad(handle C.uintptr_t, key C.uint64_t, valueOut *C.uint64_t) C.int {
	v, ok := mapOf(handle).load(uint64(key))
	if !ok {
		return 0
	}
	*valueOut = C.uint64_t(v)
	return 1
}

//export msgoIterate
func msgoIterate(handle C.uintptr_t, visit C.mapstress_visit_fn, ctx unsafe.Pointer) {
	mapOf(handle).iterate(func(key, value uint64) bool {
		return C.msgo_call_visit(visit, ctx, C.uint64_t(key), C.uint64_t(value)) == 0
	})
}

// A c-shared library still needs a main package with a main function; it is never run.
func main() {}
