// Boost Graph Library's stoer_wagner_min_cut on the graphs bench_coh.c generates, for the same-run comparison.
#include "bench_coh_boost.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/stoer_wagner_min_cut.hpp>
#include <boost/property_map/property_map.hpp>

#include <cstdlib>

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, uint64_t>>;
Graph graphs[BENCH_COH_BOOST_GRAPHS];
} // namespace

void bench_coh_boost_load(uint32_t id, uint32_t n, uint32_t m, const uint32_t *u, const uint32_t *v,
                          const uint64_t *w)
{
    if (id >= BENCH_COH_BOOST_GRAPHS) {
        std::abort();
    }
    graphs[id] = Graph(n);
    for (uint32_t e = 0; e < m; e++) {
        boost::add_edge(u[e], v[e], w[e], graphs[id]);
    }
}

uint64_t bench_coh_boost_mincut(uint32_t id)
{
    Graph &g = graphs[id % BENCH_COH_BOOST_GRAPHS];
    return boost::stoer_wagner_min_cut(g, boost::get(boost::edge_weight, g));
}
