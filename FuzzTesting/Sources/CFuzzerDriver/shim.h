// libFuzzer's documented entry point for programs that have their own main (the Swift executable
// target always does); the symbol comes from the -sanitize=fuzzer runtime.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
