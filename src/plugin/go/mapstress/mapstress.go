// Package mapstress turns Go maps into a mapstress plugin: register each map in an init
// function of a main package, build it with `go build -buildmode=c-shared`, and pass the
// library to mapstress with --plugin. This package holds all the cgo and C (plugin.c); see
// src/plugin/README.md, "Your own Go map".
package mapstress

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <stdint.h>
#include "mapstress/plugin.h"

int msgo_call_visit(mapstress_visit_fn visit, void *ctx, uint64_t key, uint64_t value);
double msgo_thread_cpu(void);
*/
import "C"

import (
	"fmt"
	"regexp"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Map is what a Go map must offer; mapstress calls it from many OS threads at once.
type Map interface {
	Store(key, value uint64)              // insert or overwrite
	Delete(key uint64) bool               // true if this call removed the key
	Load(key uint64) (uint64, bool)       // the value and true if present
	Range(f func(key, value uint64) bool) // f for each entry until it returns false
}

// Guarantees a backend may declare for its Range (see src/plugin/README.md).
const (
	Snapshot = "snapshot" // Range returns the map's contents at one instant
	Weak     = "weak"     // keys present throughout are visited once, with a value they had; no snapshot
	None     = "none"     // no promise: concurrent Range and writes may misbehave or crash
)

// MaxBackends is how many backends one plugin may register (the C table is static).
const MaxBackends = 64

type backend struct {
	name, guarantee, description string
	create                       func(hint uint64) Map
	cName, cGuarantee, cDesc     *C.char
}

var (
	registry []backend
	frozen   atomic.Bool // set once mapstress has read the table
)

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Register adds a backend. Call it from an init function: mapstress reads the list once, after
// every package's init ran. It panics on a name that is not [a-z0-9][a-z0-9._-]*, a guarantee other than
// Snapshot, Weak or None, a duplicate name, a nil create, or more than MaxBackends backends.
func Register(name, guarantee, description string, create func(hint uint64) Map) {
	if frozen.Load() {
		panic("mapstress.Register(" + name + "): called after mapstress read the backend list; call it from init()")
	}
	if !namePattern.MatchString(name) {
		panic(fmt.Sprintf("mapstress.Register: backend name %q must match [a-z0-9][a-z0-9._-]*", name))
	}
	if guarantee != Snapshot && guarantee != Weak && guarantee != None {
		panic(fmt.Sprintf("mapstress.Register(%s): unknown guarantee %q (expected snapshot, weak or none)", name, guarantee))
	}
	if create == nil {
		panic("mapstress.Register(" + name + "): create is nil")
	}
	for _, b := range registry {
		if b.name == name {
			panic("mapstress.Register: backend name " + name + " registered twice")
		}
	}
	if len(registry) == MaxBackends {
		panic(fmt.Sprintf("mapstress.Register(%s): more than %d backends", name, MaxBackends))
	}
	registry = append(registry, backend{name: name, guarantee: guarantee, description: description, create: create})
}

var toolchainPattern = regexp.MustCompile(`^go[0-9]+\.[0-9]+`)

// Toolchain is the Go release this plugin was built with, "go1.22" for go1.22.12: the prefix
// the bundled Go backends put in their names ("go" for a development build).
func Toolchain() string {
	if t := toolchainPattern.FindString(runtime.Version()); t != "" {
		return t
	}
	return "go"
}

// Live maps, indexed by the handle C holds (a slot number + 1): a lock-free lookup per call,
// unlike cgo.Handle's map. Slots are reused after destroy.
const maxMaps = 1024

var (
	slots   [maxMaps]atomic.Pointer[mapSlot]
	slotsMu sync.Mutex
)

type mapSlot struct{ m Map }

func mapOf(handle C.uintptr_t) Map { return slots[handle-1].Load().m }

//export msgoBackendCount
func msgoBackendCount() C.int {
	frozen.Store(true)
	return C.int(len(registry))
}

//export msgoBackendName
func msgoBackendName(i C.int) *C.char {
	b := &registry[i]
	if b.cName == nil {
		// Never freed: the C table must stay valid while the library is loaded.
		b.cName, b.cGuarantee, b.cDesc = C.CString(b.name), C.CString(b.guarantee), C.CString(b.description)
	}
	return b.cName
}

//export msgoBackendGuarantee
func msgoBackendGuarantee(i C.int) *C.char { msgoBackendName(i); return registry[i].cGuarantee }

//export msgoBackendDescription
func msgoBackendDescription(i C.int) *C.char { msgoBackendName(i); return registry[i].cDesc }

var buildLine *C.char

//export msgoBuild
func msgoBuild() *C.char {
	if buildLine == nil {
		buildLine = C.CString(fmt.Sprintf("%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH))
	}
	return buildLine
}

//export msgoCreate
func msgoCreate(i C.int, hint C.uint64_t) C.uintptr_t {
	m := registry[i].create(uint64(hint))
	if m == nil {
		return 0
	}
	slotsMu.Lock()
	defer slotsMu.Unlock()
	for s := range slots {
		if slots[s].Load() == nil {
			slots[s].Store(&mapSlot{m})
			return C.uintptr_t(s + 1)
		}
	}
	return 0
}

//export msgoDestroy
func msgoDestroy(handle C.uintptr_t) {
	slotsMu.Lock()
	slots[handle-1].Store(nil)
	slotsMu.Unlock()
}

//export msgoStore
func msgoStore(handle C.uintptr_t, key, value C.uint64_t) {
	mapOf(handle).Store(uint64(key), uint64(value))
}

//export msgoErase
func msgoErase(handle C.uintptr_t, key C.uint64_t) C.int {
	if mapOf(handle).Delete(uint64(key)) {
		return 1
	}
	return 0
}

//export msgoLoad
func msgoLoad(handle C.uintptr_t, key C.uint64_t, valueOut *C.uint64_t) C.int {
	v, ok := mapOf(handle).Load(uint64(key))
	if !ok {
		return 0
	}
	*valueOut = C.uint64_t(v)
	return 1
}

//export msgoIterate
func msgoIterate(handle C.uintptr_t, visit C.mapstress_visit_fn, ctx unsafe.Pointer) {
	mapOf(handle).Range(func(key, value uint64) bool {
		return C.msgo_call_visit(visit, ctx, C.uint64_t(key), C.uint64_t(value)) == 0
	})
}

// batchOp mirrors C's mapstress_op (plugin.h): 24 bytes, no padding.
type batchOp struct {
	key, value   uint64
	kind, result uint32
}

const (
	opStore = 0 // MAPSTRESS_OP_STORE
	opErase = 1 // MAPSTRESS_OP_ERASE
	opLoad  = 2 // MAPSTRESS_OP_LOAD
)

// msgoBatch runs count point ops in order on this thread: one cgo call for all of them
// (mapstress_batch_for in plugin.c).
//
//export msgoBatch
func msgoBatch(handle C.uintptr_t, ops *C.mapstress_op, count C.uint32_t) {
	m := mapOf(handle)
	batch := unsafe.Slice((*batchOp)(unsafe.Pointer(ops)), int(count))
	for i := range batch {
		op := &batch[i]
		switch op.kind {
		case opStore:
			m.Store(op.key, op.value)
		case opErase:
			op.result = 0
			if m.Delete(op.key) {
				op.result = 1
			}
		case opLoad:
			v, ok := m.Load(op.key)
			op.result = 0
			if ok {
				op.value, op.result = v, 1
			}
		}
	}
}

// The plain-Go reference loop for tests/bench/plugin_call_bench: `threads` goroutines, each
// locked to its own OS thread, run `ops` Loads (op 0) or Stores (op 1) on one fresh map of
// backend `name`, prefilled with keys 0..keys-1, over the key stream (thread + i*threads) & (keys-1)
// that the bench's C++ threads and the engine's sequential order use. keys must be a power of two.
// Returns the seconds from the first goroutine's first op to the last one's last op (as the
// engine's recorded ops/s counts from the first call to the last return), or -1 for an unknown
// backend; *cpu gets the CPU seconds the goroutines' threads spent in that loop, summed.
//
//export mapstress_go_native_loop
func mapstress_go_native_loop(name *C.char, op C.int, threads C.int, ops C.uint64_t, keys C.uint64_t, cpu *C.double) C.double {
	var create func(uint64) Map
	for _, b := range registry {
		if b.name == C.GoString(name) {
			create = b.create
		}
	}
	if create == nil {
		return -1
	}
	m := create(uint64(keys))
	for k := uint64(0); k < uint64(keys); k++ {
		m.Store(k, k)
	}
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(int(threads))
	done.Add(int(threads))
	var sink atomic.Uint64
	began := make([]time.Time, threads)
	ended := make([]time.Time, threads)
	cpus := make([]float64, threads)
	for t := 0; t < int(threads); t++ {
		go func(t uint64) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			defer done.Done()
			mask, key, step, sum := uint64(keys)-1, t, uint64(threads), uint64(0)
			ready.Done()
			<-start
			began[t] = time.Now()
			cpu0 := C.msgo_thread_cpu()
			for i := uint64(0); i < uint64(ops); i++ {
				if op == 0 {
					v, _ := m.Load(key & mask)
					sum += v
				} else {
					m.Store(key&mask, key)
				}
				key += step
			}
			ended[t] = time.Now()
			cpus[t] = float64(C.msgo_thread_cpu() - cpu0)
			sink.Add(sum)
		}(uint64(t))
	}
	ready.Wait()
	close(start)
	done.Wait()
	first, last := began[0], ended[0]
	*cpu = 0
	for t := range began {
		*cpu += C.double(cpus[t])
		if began[t].Before(first) {
			first = began[t]
		}
		if ended[t].After(last) {
			last = ended[t]
		}
	}
	return C.double(last.Sub(first).Seconds())
}
