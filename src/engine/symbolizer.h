// Code addresses of this process to "function+0x1c (module)": the ELF symbol tables of the
// executable and shared objects (static functions included, unlike backtrace_symbols), names
// demangled. Not async-signal-safe: the parent symbolises what a crashed child recorded (the
// child is a fork, so its addresses are the parent's).
#pragma once

#include <cstdint>
#include <string>

namespace mapstress {

// "mapstress::CrashMap::Store(unsigned long, unsigned long)+0x2a (mapstress)", or
// "0x55d1c3a0 (libfoo.so+0x1a2b)" when no symbol covers the address. `return_address`: the
// address follows a call (every frame but a signal's), so the call itself is looked up.
std::string SymbolizeAddress(uintptr_t address, bool return_address = true);

}  // namespace mapstress
