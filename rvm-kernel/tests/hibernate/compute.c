/*
 * Hibernation check guest, the worker (partition 2): lets partition 1 manage
 * it (grants it WRITE on its own partition capability and sends the handle
 * over their channel), runs the computation, which partition 1 hibernates and
 * reconstructs midway, and sends the result.
 */
#include "hib_guest.h"

void compute_main(uint64_t pid, uint64_t self_cap);
CHECK_GUEST_ENTRY(compute_main)

void compute_main(uint64_t pid, uint64_t self_cap)
{
    (void)pid;
    uint64_t to_control = channel_end(1, 0);
    if (to_control == 0u) {
        finish("compute: FAIL no channel\n", 1);
    }
    rvm_hc_result_t g = hc(RVM_HC_CAP_GRANT, self_cap, 0x2u /* WRITE */, 1, 0);
    static uint64_t handle;
    handle = g.r1;
    if (g.status != 0 || hc(RVM_HC_IPC_SEND, to_control, (uint64_t)(uintptr_t)&handle, sizeof handle,
                            HIB_MSG_HANDLE).status != 0) {
        finish("compute: FAIL could not hand over its capability\n", 1);
    }
    say("compute: computing\n");
    static uint64_t result;
    result = hib_compute();
    say_hex("compute: result ", result);
    if (hc(RVM_HC_IPC_SEND, to_control, (uint64_t)(uintptr_t)&result, sizeof result, HIB_MSG_RESULT).status != 0) {
        finish("compute: FAIL could not send the result\n", 1);
    }
    /* Its channel, and the result in it, end with it: it stays until the controller has taken the result and ended. */
    while (hc(RVM_HC_IPC_NOTIFY, to_control, 0, 0, 0).status == 0) {
        (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
    }
    finish("compute: done\n", 0);
}
