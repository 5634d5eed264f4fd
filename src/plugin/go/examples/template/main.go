// The template for your own Go map: replace myMap with yours, keep the init and main.
// Build (src/plugin/README.md, "Your own Go map"):
//
//	go mod init mymap
//	go mod edit -require=mapstress.local/mapstress@v0.0.0 -replace=mapstress.local/mapstress=<mapstress>/src/plugin/go/mapstress
//	GOPROXY=off go build -buildmode=c-shared -o libmymap.so .
package main

import (
	"sync"

	"mapstress.local/mapstress"
)

// myMap is a Go map behind one sync.Mutex; Range holds it, so Range is a snapshot.
type myMap struct {
	mu sync.Mutex
	m  map[uint64]uint64
}

func newMyMap() *myMap { return &myMap{m: map[uint64]uint64{}} }

func (m *myMap) Store(key, value uint64) { m.mu.Lock(); m.m[key] = value; m.mu.Unlock() }

func (m *myMap) Delete(key uint64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.m[key]
	delete(m.m, key)
	return ok
}

func (m *myMap) Load(key uint64) (uint64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	return v, ok
}

func (m *myMap) Range(f func(key, value uint64) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range m.m {
		if !f(k, v) {
			return
		}
	}
}

func init() {
	mapstress.Register("my-map", mapstress.Snapshot, "a Go map behind one sync.Mutex",
		func(hint uint64) mapstress.Map { return newMyMap() })
}

func main() {}
