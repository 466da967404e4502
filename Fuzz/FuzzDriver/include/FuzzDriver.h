#ifndef JANUS_FUZZ_DRIVER_H
#define JANUS_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (in compiler-rt's libFuzzer, linked by -sanitize=fuzzer): runs the fuzzing
/// loop with the given command line, calling `callback` for each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
