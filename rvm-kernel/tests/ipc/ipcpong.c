/*
 * IPC check guest, the receiver (partition 2): takes IPC_MESSAGES messages,
 * each checked to be the next in order, intact, with partition 1's badge,
 * and acknowledges each; then waits for the notification bit, reads the
 * region partition 1 shares without a copy, acknowledges it, and tries to write into
 * it, which the read-only mapping must stop (a contained fault).
 */
#include "ipc_guest.h"

void ipcpong_main(void);
CHECK_GUEST_ENTRY(ipcpong_main)

void ipcpong_main(void)
{
    uint64_t from_ping = channel_end(1, 1);
    uint64_t to_ping = channel_end(1, 0);
    if (to_ping == 0u || from_ping == 0u) {
        finish("ipcpong: FAIL channel ends missing\n", 1);
    }
    static uint64_t msg[6];
    uint64_t expect = 0;
    while (expect < IPC_MESSAGES) {
        rvm_hc_result_t r = hc(RVM_HC_IPC_RECV, from_ping, (uint64_t)(uintptr_t)msg, sizeof msg, 0);
        if (r.status != 0) {
            finish("ipcpong: FAIL receive refused\n", 1);
        }
        if ((r.r2 & RVM_HC_IPC_GOT) == 0u) {
            (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
            continue;
        }
        if (r.r1 != sizeof msg || (r.r2 & 0xffffu) != (expect & 0xffffu) || r.r3 != 1u) {
            finish("ipcpong: FAIL message header\n", 1);
        }
        for (uint32_t w = 0; w < 6u; w++) {
            if (msg[w] != ipc_word(expect, w)) {
                finish("ipcpong: FAIL message lost, duplicated, reordered or damaged\n", 1);
            }
        }
        uint64_t ack = expect;
        for (;;) {
            rvm_hc_result_t s = hc(RVM_HC_IPC_SEND, to_ping, (uint64_t)(uintptr_t)&ack, sizeof ack, 0);
            if (s.status == 0) {
                break;
            }
            if (s.status != RVM_HC_IPC_FULL) {
                finish("ipcpong: FAIL acknowledgement refused\n", 1);
            }
            (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
        }
        expect++;
    }
    say("ipcpong: 100000 messages in order, none lost or duplicated\n");

    for (;;) {
        rvm_hc_result_t w = hc(RVM_HC_IPC_WAIT, from_ping, IPC_DONE_BIT, 0, 0);
        if (w.status != 0) {
            finish("ipcpong: FAIL wait refused\n", 1);
        }
        if ((w.r1 & IPC_DONE_BIT) != 0u) {
            break;
        }
        (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
    }
    rvm_hc_result_t r;
    for (;;) {
        r = hc(RVM_HC_IPC_RECV, from_ping, (uint64_t)(uintptr_t)msg, sizeof msg, 0);
        if (r.status != 0) {
            finish("ipcpong: FAIL region receive refused\n", 1);
        }
        if ((r.r2 & RVM_HC_IPC_GOT) != 0u) {
            break;
        }
        (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
    }
    if (((r.r2 >> 16) & 0xffu) != RVM_HC_IPC_KIND_REGION || (r.r2 & 0xffffu) != IPC_REGION_TYPE ||
        r.r1 != RVM_HC_SHARE_WINDOW_IPA + RVM_HC_SHARE_REGION_BYTES) {
        finish("ipcpong: FAIL region message\n", 1);
    }
    volatile uint8_t *shared = (volatile uint8_t *)(uintptr_t)r.r1; // NOLINT(performance-no-int-to-ptr)
    for (uint64_t i = 0; i < IPC_REGION_CHECKED; i++) {
        if (shared[i] != region_byte(i)) {
            finish("ipcpong: FAIL shared region content\n", 1);
        }
    }
    uint64_t done = 0;
    if (hc(RVM_HC_IPC_SEND, to_ping, (uint64_t)(uintptr_t)&done, sizeof done, IPC_REGION_TYPE).status != 0) {
        finish("ipcpong: FAIL region acknowledgement refused\n", 1);
    }
    say("ipcpong: region read zero-copy; writing to it\n");
    shared[0] = 0;
    finish("ipcpong: ESCAPED wrote a read-only share\n", 1);
}
