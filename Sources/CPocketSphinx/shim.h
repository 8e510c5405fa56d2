// The PocketSphinx 5prealpha C API (Debian 12 libpocketsphinx-dev) as one header for Swift.
#ifndef NOTEBRIDGE_CPOCKETSPHINX_SHIM_H
#define NOTEBRIDGE_CPOCKETSPHINX_SHIM_H
#include <stdio.h>
#include <pocketsphinx.h>
#include <err.h>
#include <cmd_ln.h>
#endif
