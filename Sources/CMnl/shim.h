#ifndef CMNL_SHIM_H
#define CMNL_SHIM_H
#ifdef __linux__
#include <libmnl/libmnl.h>
#endif
#endif
