#include "engine/symbolizer.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <fmt/format.h>
#include <link.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace mapstress {
namespace {

struct Symbol {
  uint64_t start = 0;
  uint64_t size = 0;
  std::string name;
};

// One ELF file's function symbols, sorted by address; `relative`: addresses are offsets from
// the load base (shared objects and PIE executables).
struct SymbolTable {
  std::vector<Symbol> symbols;
  bool relative = true;

  const Symbol* Find(uint64_t address) const {
    auto it = std::upper_bound(symbols.begin(), symbols.end(), address,
                               [](uint64_t a, const Symbol& s) { return a < s.start; });
    if (it == symbols.begin()) return nullptr;
    --it;
    if (address >= it->start + std::max<uint64_t>(it->size, 1)) return nullptr;
    return &*it;
  }
};

template <typename T>
bool ReadAt(const std::string& data, uint64_t offset, T* out) {
  if (offset > data.size() || data.size() - offset < sizeof(T)) return false;
  std::memcpy(out, data.data() + offset, sizeof(T));
  return true;
}

SymbolTable LoadTable(const std::string& path) {
  SymbolTable table;
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Elf64_Ehdr eh;
  if (!ReadAt(data, 0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64) {
    return table;
  }
  table.relative = eh.e_type == ET_DYN;
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  for (size_t i = 0; i < sections.size(); ++i) {
    if (!ReadAt(data, eh.e_shoff + i * eh.e_shentsize, &sections[i])) return table;
  }
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) continue;
    if (sh.sh_link >= sections.size() || sh.sh_entsize == 0) continue;
    const Elf64_Shdr& strings = sections[sh.sh_link];
    for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sh.sh_entsize) {
      Elf64_Sym sym;
      if (!ReadAt(data, sh.sh_offset + off, &sym)) break;
      if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0 || sym.st_name >= strings.sh_size) continue;
      const char* name = data.data() + strings.sh_offset + sym.st_name;
      table.symbols.push_back(Symbol{sym.st_value, sym.st_size, name});
    }
  }
  std::sort(table.symbols.begin(), table.symbols.end(),
            [](const Symbol& a, const Symbol& b) { return a.start < b.start; });
  return table;
}

std::string Demangle(const std::string& name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : name;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string SymbolizeAddress(uintptr_t address, bool return_address) {
  static std::mutex mu;
  static std::map<std::string, SymbolTable> tables;
  Dl_info info{};
  const uintptr_t lookup = return_address && address > 0 ? address - 1 : address;
  if (dladdr(reinterpret_cast<void*>(lookup), &info) == 0 || info.dli_fname == nullptr) {
    return fmt::format("{:#x}", address);
  }
  // The main program's dli_fname may be a relative argv[0]: read it through /proc.
  std::string file = info.dli_fname;
  void* self = dlopen(nullptr, RTLD_NOW | RTLD_NOLOAD);
  link_map* main_map = nullptr;
  if (self && dlinfo(self, RTLD_DI_LINKMAP, &main_map) == 0 && main_map &&
      reinterpret_cast<uintptr_t>(info.dli_fbase) == main_map->l_addr) {
    file = "/proc/self/exe";
  }
  if (self) dlclose(self);
  const std::string module = BaseName(file == "/proc/self/exe" ? std::string(info.dli_fname) : file);
  const uintptr_t base = reinterpret_cast<uintptr_t>(info.dli_fbase);
  std::lock_guard lock(mu);
  auto it = tables.find(file);
  if (it == tables.end()) it = tables.emplace(file, LoadTable(file)).first;
  const SymbolTable& table = it->second;
  const uint64_t key = table.relative ? lookup - base : lookup;
  if (const Symbol* s = table.Find(key)) {
    return fmt::format("{}+{:#x} ({})", Demangle(s->name), key - s->start + (lookup != address), module);
  }
  if (info.dli_sname != nullptr) {
    return fmt::format("{}+{:#x} ({})", Demangle(info.dli_sname), address - reinterpret_cast<uintptr_t>(info.dli_saddr),
                       module);
  }
  return fmt::format("{:#x} ({}+{:#x})", address, module, address - base);
}

}  // namespace mapstress
