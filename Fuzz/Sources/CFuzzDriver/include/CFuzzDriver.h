// libFuzzer's driver entry point (compiler-rt, FuzzerInterface.h). SwiftPM links an executable with its module's
// own entry point (`<Module>_main`), so each target defines that and hands control to libFuzzer through this.
#ifndef NOTEBRIDGE_CFUZZDRIVER_H
#define NOTEBRIDGE_CFUZZDRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
