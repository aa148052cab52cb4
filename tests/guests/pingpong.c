/*
 * Guests `ping` and `pong`: one source, built twice with GUEST_NAME set.
 * Each prints PINGPONG_LINES numbered lines with PINGPONG_WORK_MS of busy
 * work between them and never yields, so the only way the two outputs can
 * interleave is the hypervisor's timer preempting one for the other. Exit 0.
 *
 * Console lines (the tests match them):
 *   <name>: line <i>/<n> partition <id>      for i = 1..n
 *   <name>: done
 */
#include "guest.h"

#ifndef GUEST_NAME
#error "meson.build defines GUEST_NAME for each build of this guest"
#endif

enum {
    PINGPONG_LINES = 10,
    /* Long enough that one guest's run spans several time slices of any sane scheduler. */
    PINGPONG_WORK_MS = 40,
};

int main(void)
{
    guest_line_t line;
    rvm_hc_result_t self = rvm_hc_call(RVM_HC_FID(RVM_HC_SELF_ID), 0, 0, 0, 0, 0, 0);
    for (int i = 1; i <= PINGPONG_LINES; i++) {
        guest_spin_ms(PINGPONG_WORK_MS);
        guest_line_start(&line, GUEST_NAME ": line ");
        guest_line_dec(&line, i);
        guest_line_str(&line, "/");
        guest_line_dec(&line, PINGPONG_LINES);
        guest_line_str(&line, " partition ");
        guest_line_dec(&line, self.status == 0 ? (int64_t)self.r1 : self.status);
        (void)guest_line_end(&line);
    }
    guest_line_start(&line, GUEST_NAME ": done");
    (void)guest_line_end(&line);
    return 0;
}
