// Declarations only (include/FuzzDriver.h); SwiftPM wants one source file in a C target.
#include "FuzzDriver.h"
