/*
 * IPC check guest, the sender (partition 1): IPC_MESSAGES inline messages to
 * partition 2, at most IPC_WINDOW unacknowledged, each acknowledgement checked
 * to come back in order with the receiver's badge; then the notification bit
 * and one zero-copy share of its region, filled with a known pattern; it
 * ends once the receiver has ended.
 */
#include "ipc_guest.h"

void ipcping_main(void);
CHECK_GUEST_ENTRY(ipcping_main)

void ipcping_main(void)
{
    uint64_t to_pong = channel_end(2, 0);
    uint64_t from_pong = channel_end(2, 1);
    if (to_pong == 0u || from_pong == 0u) {
        finish("ipcping: FAIL channel ends missing\n", 1);
    }
    static uint64_t msg[6];
    static uint64_t ack[6];
    uint64_t sent = 0;
    uint64_t acked = 0;
    while (acked < IPC_MESSAGES) {
        int progress = 0;
        if (sent < IPC_MESSAGES && sent - acked < IPC_WINDOW) {
            for (uint32_t w = 0; w < 6u; w++) {
                msg[w] = ipc_word(sent, w);
            }
            rvm_hc_result_t r = hc(RVM_HC_IPC_SEND, to_pong, (uint64_t)(uintptr_t)msg, sizeof msg, sent & 0xffffu);
            if (r.status == 0) {
                sent++;
                progress = 1;
            } else if (r.status != RVM_HC_IPC_FULL) {
                finish("ipcping: FAIL send refused\n", 1);
            }
        }
        rvm_hc_result_t r = hc(RVM_HC_IPC_RECV, from_pong, (uint64_t)(uintptr_t)ack, sizeof ack, 0);
        if (r.status != 0) {
            finish("ipcping: FAIL receive refused\n", 1);
        }
        if ((r.r2 & RVM_HC_IPC_GOT) != 0u) {
            if (r.r1 != sizeof(uint64_t) || ack[0] != acked || r.r3 != 2u) {
                finish("ipcping: FAIL acknowledgement out of order, lost or forged\n", 1);
            }
            acked++;
            progress = 1;
        }
        if (!progress) {
            (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
        }
    }
    say("ipcping: 100000 messages acknowledged in order\n");

    volatile uint8_t *region = (volatile uint8_t *)(uintptr_t)RVM_HC_SHARE_REGION_IPA; // NOLINT(performance-no-int-to-ptr)
    for (uint64_t i = 0; i < IPC_REGION_CHECKED; i++) {
        region[i] = region_byte(i);
    }
    if (hc(RVM_HC_IPC_NOTIFY, to_pong, IPC_DONE_BIT, 0, 0).status != 0) {
        finish("ipcping: FAIL notify refused\n", 1);
    }
    if (hc(RVM_HC_IPC_SEND_REGION, to_pong, IPC_REGION_TYPE, 0, 0).status != 0) {
        finish("ipcping: FAIL region share refused\n", 1);
    }
    say("ipcping: region shared\n");
    /*
     * A partition's channels and shares end with it, so it stays until the
     * receiver has read the share and ended: then its receive end reports the
     * channel gone.
     */
    for (;;) {
        rvm_hc_result_t r = hc(RVM_HC_IPC_RECV, from_pong, (uint64_t)(uintptr_t)ack, sizeof ack, 0);
        if (r.status != 0) {
            break;
        }
        if ((r.r2 & RVM_HC_IPC_GOT) != 0u && (r.r2 & 0xffffu) != IPC_REGION_TYPE) {
            finish("ipcping: FAIL unexpected message after the share\n", 1);
        }
        (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
    }
    finish("ipcping: receiver gone, channel closed\n", 0);
}
