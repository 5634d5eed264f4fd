// STUB
#include <cstdio>
int main() { std::puts("mapstress: not built yet"); return 0; }
