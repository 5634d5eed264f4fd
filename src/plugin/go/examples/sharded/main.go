// A sharded map as Go programs write it: N shards, each a map behind its own sync.RWMutex.
// Range locks one shard at a time, so it is weakly consistent: every key present throughout is
// visited once, but two shards are read at different instants (not a snapshot).
package main

import (
	"sync"

	"mapstress.local/mapstress"
)

const shardCount = 16

type shard struct {
	mu sync.RWMutex
	m  map[uint64]uint64
}

type ShardedMap struct{ shards [shardCount]shard }

func NewShardedMap(hint uint64) *ShardedMap {
	s := &ShardedMap{}
	for i := range s.shards {
		s.shards[i].m = make(map[uint64]uint64, int(hint/shardCount))
	}
	return s
}

func (s *ShardedMap) shardOf(key uint64) *shard {
	key ^= key >> 33 // spread sequential keys over the shards
	key *= 0xff51afd7ed558ccd
	return &s.shards[(key>>32)%shardCount]
}

func (s *ShardedMap) Store(key, value uint64) {
	sh := s.shardOf(key)
	sh.mu.Lock()
	sh.m[key] = value
	sh.mu.Unlock()
}

func (s *ShardedMap) Delete(key uint64) bool {
	sh := s.shardOf(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	_, ok := sh.m[key]
	delete(sh.m, key)
	return ok
}

func (s *ShardedMap) Load(key uint64) (uint64, bool) {
	sh := s.shardOf(key)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	v, ok := sh.m[key]
	return v, ok
}

func (s *ShardedMap) Range(f func(key, value uint64) bool) {
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.RLock()
		for k, v := range sh.m {
			if !f(k, v) {
				sh.mu.RUnlock()
				return
			}
		}
		sh.mu.RUnlock()
	}
}

func init() {
	mapstress.Register("go-sharded-map", mapstress.Weak,
		"16 shards, each a Go map behind a sync.RWMutex; Range locks one shard at a time",
		func(hint uint64) mapstress.Map { return NewShardedMap(hint) })
}

func main() {}
