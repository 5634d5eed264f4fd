// A versioned copy-on-write map: writers copy the current version under a mutex and publish
// the copy atomically; IterateSnapshot walks one immutable version, so Range is a snapshot.
package main

import (
	"sync"
	"sync/atomic"

	"mapstress.local/mapstress"
)

type version struct {
	seq uint64
	m   map[uint64]uint64 // never written after it is published
}

type COWMap struct {
	mu      sync.Mutex // serialises writers
	current atomic.Pointer[version]
}

func NewCOWMap(hint uint64) *COWMap {
	c := &COWMap{}
	c.current.Store(&version{m: make(map[uint64]uint64, int(hint))})
	return c
}

// update publishes a copy of the current version changed by edit (no copy when edit declines).
func (c *COWMap) update(edit func(m map[uint64]uint64) bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.current.Load()
	next := make(map[uint64]uint64, len(old.m)+1)
	for k, v := range old.m {
		next[k] = v
	}
	if !edit(next) {
		return false
	}
	c.current.Store(&version{seq: old.seq + 1, m: next})
	return true
}

func (c *COWMap) Store(key, value uint64) {
	c.update(func(m map[uint64]uint64) bool { m[key] = value; return true })
}

func (c *COWMap) Delete(key uint64) bool {
	if _, ok := c.current.Load().m[key]; !ok {
		return false // absent in the newest version: nothing to copy
	}
	return c.update(func(m map[uint64]uint64) bool {
		_, ok := m[key]
		delete(m, key)
		return ok
	})
}

func (c *COWMap) Load(key uint64) (uint64, bool) {
	v, ok := c.current.Load().m[key]
	return v, ok
}

// IterateSnapshot calls f for each entry of one version, the newest when it starts.
func (c *COWMap) IterateSnapshot(f func(key, value uint64) bool) {
	for k, v := range c.current.Load().m {
		if !f(k, v) {
			return
		}
	}
}

func (c *COWMap) Range(f func(key, value uint64) bool) { c.IterateSnapshot(f) }

func init() {
	mapstress.Register("go-cow-map", mapstress.Snapshot,
		"versioned copy-on-write Go map: writers publish a new version, Range walks one version",
		func(hint uint64) mapstress.Map { return NewCOWMap(hint) })
}

func main() {}
