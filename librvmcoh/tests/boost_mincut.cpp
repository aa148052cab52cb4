// Differential test: runs the generator given on the command line, recomputes every graph's minimum cut with
// Boost Graph Library's stoer_wagner_min_cut and fails on the first value that differs from librvmcoh's.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/stoer_wagner_min_cut.hpp>
#include <boost/property_map/property_map.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, unsigned long long>>;

int main(int argc, char **argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: boost_mincut GENERATOR COUNT SEED\n");
        return 2;
    }
    std::string cmd = std::string(argv[1]) + " " + argv[2] + " " + argv[3];
    FILE *in = popen(cmd.c_str(), "r");
    if (in == nullptr) {
        std::perror("popen");
        return 1;
    }
    unsigned long compared = 0;
    char tag = 0;
    while (std::fscanf(in, " %c", &tag) == 1 && tag == 'G') {
        unsigned n = 0;
        unsigned m = 0;
        unsigned long long ours = 0;
        if (std::fscanf(in, "%u %u %llu", &n, &m, &ours) != 3) {
            break;
        }
        Graph g(n);
        for (unsigned e = 0; e < m; e++) {
            unsigned u = 0;
            unsigned v = 0;
            unsigned long long w = 0;
            if (std::fscanf(in, "%u %u %llu", &u, &v, &w) != 3) {
                std::fprintf(stderr, "truncated graph %lu\n", compared);
                return 1;
            }
            boost::add_edge(u, v, w, g);
        }
        unsigned long long theirs = boost::stoer_wagner_min_cut(g, boost::get(boost::edge_weight, g));
        if (theirs != ours) {
            std::fprintf(stderr, "graph %lu (n=%u m=%u): librvmcoh %llu, Boost %llu\n", compared, n, m, ours, theirs);
            return 1;
        }
        compared++;
    }
    int status = pclose(in);
    if (tag != 'E' || status != 0) {
        std::fprintf(stderr, "generator failed (status %d)\n", status);
        return 1;
    }
    std::printf("%lu graphs: every minimum cut matches Boost\n", compared);
    return compared >= 2000 ? 0 : 1;
}
