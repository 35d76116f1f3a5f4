/* zmq_utils.h - kept for programs that include it: everything it once
 * declared (stopwatch, sleep, threads, Z85, CURVE keys, atomic counters) is
 * declared by zmq.h. */
#ifndef __ZMQ_UTILS_H_INCLUDED__
#define __ZMQ_UTILS_H_INCLUDED__

#include "zmq.h"

#endif
