/* The Boost Graph Library side of the mincut benchmarks, implemented in bench_coh_boost.cpp (C++). */
#ifndef RVM_BENCH_COH_BOOST_H
#define RVM_BENCH_COH_BOOST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Stores graph `id` (0..BENCH_COH_BOOST_GRAPHS-1) as an undirected Boost graph built from the edge list. */
void bench_coh_boost_load(uint32_t id, uint32_t n, uint32_t m, const uint32_t *u, const uint32_t *v,
                          const uint64_t *w);
/* Runs Boost's stoer_wagner_min_cut on stored graph `id` and returns the cut weight. */
uint64_t bench_coh_boost_mincut(uint32_t id);

#define BENCH_COH_BOOST_GRAPHS 32u

#ifdef __cplusplus
}
#endif

#endif
