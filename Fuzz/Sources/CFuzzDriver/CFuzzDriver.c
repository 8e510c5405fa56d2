// Intentionally empty: the header declares a function that libFuzzer defines.
#include "CFuzzDriver.h"
