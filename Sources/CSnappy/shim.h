#ifndef JANUS_CSNAPPY_SHIM_H
#define JANUS_CSNAPPY_SHIM_H
#include <snappy-c.h>
#endif
