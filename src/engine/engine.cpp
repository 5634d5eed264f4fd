// STUB (engine being written).
#include "engine/engine.h"
