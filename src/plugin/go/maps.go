package main

import "sync"

// maxPresize bounds the capacity hint passed to make(), so a huge hint cannot exhaust memory.
const maxPresize = 1 << 22

func presize(hint uint64) int {
	if hint > maxPresize {
		return maxPresize
	}
	return int(hint)
}

// syncMap is Go's sync.Map, iterated with Range.
type syncMap struct{ m sync.Map }

func (s *syncMap) Store(key, value uint64) { s.m.Store(key, value) }

func (s *syncMap) Delete(key uint64) bool {
	_, loaded := s.m.LoadAndDelete(key)
	return loaded
}

func (s *syncMap) Load(key uint64) (uint64, bool) {
	v, ok := s.m.Load(key)
	if !ok {
		return 0, false
	}
	return v.(uint64), true
}

func (s *syncMap) Range(visit func(key, value uint64) bool) {
	s.m.Range(func(k, v any) bool { return visit(k.(uint64), v.(uint64)) })
}

// rwMap is a built-in map behind a sync.RWMutex; iteration holds the read lock throughout.
type rwMap struct {
	mu sync.RWMutex
	m  map[uint64]uint64
}

func (r *rwMap) Store(key, value uint64) {
	r.mu.Lock()
	r.m[key] = value
	r.mu.Unlock()
}

func (r *rwMap) Delete(key uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.m[key]
	delete(r.m, key)
	return ok
}

func (r *rwMap) Load(key uint64) (uint64, bool) {
	r.mu.RLock()
	v, ok := r.m[key]
	r.mu.RUnlock()
	return v, ok
}

func (r *rwMap) Range(visit func(key, value uint64) bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for k, v := range r.m {
		if !visit(k, v) {
			return
		}
	}
}

// plainMap is a built-in map with no synchronisation at all: concurrent use is a data race,
// which the Go runtime usually detects and answers by killing the process.
type plainMap struct{ m map[uint64]uint64 }

func (p *plainMap) Store(key, value uint64) { p.m[key] = value }

func (p *plainMap) Delete(key uint64) bool {
	_, ok := p.m[key]
	delete(p.m, key)
	return ok
}

func (p *plainMap) Load(key uint64) (uint64, bool) {
	v, ok := p.m[key]
	return v, ok
}

func (p *plainMap) Range(visit func(key, value uint64) bool) {
	for k, v := range p.m {
		if !visit(k, v) {
			return
		}
	}
}
