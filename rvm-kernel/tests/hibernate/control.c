/*
 * Hibernation check guest, the controller (partition 1): receives the
 * worker's capability, hibernates the worker while it computes, runs the
 * same computation itself uninterrupted, proves an altered receipt is
 * refused, reconstructs the worker with the real one and checks that its
 * result equals the uninterrupted run's.
 */
#include "hib_guest.h"

#define SPIN_MS 10u
#define MS_PER_S 1000u
#define RECEIPT_TAMPER_BYTE 40u
#define STATUS_CORRUPTED (-30)

void control_main(void);
CHECK_GUEST_ENTRY(control_main)

/* The next message from the worker: its value, and its type in *type. */
static uint64_t recv_any(uint64_t end, uint16_t *type)
{
    static uint64_t msg[6];
    for (;;) {
        rvm_hc_result_t r = hc(RVM_HC_IPC_RECV, end, (uint64_t)(uintptr_t)msg, sizeof msg, 0);
        if (r.status != 0) {
            finish("control: FAIL receive refused\n", 1);
        }
        if ((r.r2 & RVM_HC_IPC_GOT) != 0u) {
            if (r.r1 != sizeof(uint64_t) || r.r3 != 2u) {
                finish("control: FAIL unexpected message\n", 1);
            }
            *type = (uint16_t)r.r2;
            return msg[0];
        }
        (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
    }
}

#ifndef HIB_COLD
static uint64_t recv_one(uint64_t end, uint16_t type)
{
    uint16_t got = 0;
    uint64_t v = recv_any(end, &got);
    if (got != type) {
        finish("control: FAIL unexpected message type\n", 1);
    }
    return v;
}
#endif

static void let_it_run(void)
{
    uint64_t freq;
    uint64_t start;
    uint64_t now;
    __asm__ volatile("mrs %0, cntfrq_el0\n\tmrs %1, cntvct_el0" : "=r"(freq), "=r"(start));
    do {
        (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
        __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(now) : : "memory");
    } while (now - start < freq / MS_PER_S * SPIN_MS);
}

#ifdef HIB_COLD
/*
 * The cold variant, over two boots of the hypervisor on one flash drive:
 * first the worker hands over its capability and is hibernated into the cold
 * tier, and the run ends; after the reboot it continues where it stopped, so
 * its first message is its result, which must equal an uninterrupted run's.
 */
void control_main(void)
{
    static uint8_t receipt[RVM_HC_RECEIPT_MAX];
    uint64_t from_compute = channel_end(2, 1);
    if (from_compute == 0u) {
        finish("control: FAIL no channel\n", 1);
    }
    uint16_t type = 0;
    uint64_t v = recv_any(from_compute, &type);
    if (type == HIB_MSG_HANDLE) {
        let_it_run();
        rvm_hc_result_t h = hc(RVM_HC_HIBERNATE, v, (uint64_t)(uintptr_t)receipt, sizeof receipt,
                               RVM_HC_HIBERNATE_COLD);
        if (h.status != 0) {
            finish("control: FAIL hibernate refused\n", 1);
        }
        finish("control: worker sent to cold storage; ending the run\n", 0);
    }
    uint64_t expect = hib_compute();
    say_hex("control: uninterrupted result ", expect);
    if (type != HIB_MSG_RESULT || v != expect) {
        finish("control: FAIL the restored worker's result differs\n", 1);
    }
    finish("control: result after a reboot matches the uninterrupted run\n", 0);
}
#else
void control_main(void)
{
    static uint8_t receipt[RVM_HC_RECEIPT_MAX];
    static uint8_t forged[RVM_HC_RECEIPT_MAX];
    uint64_t from_compute = channel_end(2, 1);
    if (from_compute == 0u) {
        finish("control: FAIL no channel\n", 1);
    }
    uint64_t worker = recv_one(from_compute, HIB_MSG_HANDLE);
    let_it_run();
    rvm_hc_result_t h = hc(RVM_HC_HIBERNATE, worker, (uint64_t)(uintptr_t)receipt, sizeof receipt, 0);
    if (h.status != 0 || h.r1 == 0u || h.r1 > sizeof receipt) {
        finish("control: FAIL hibernate refused\n", 1);
    }
    uint64_t len = h.r1;
    say("control: worker hibernated; computing the uninterrupted result\n");
    uint64_t expect = hib_compute();
    say_hex("control: uninterrupted result ", expect);

    for (uint64_t i = 0; i < len; i++) {
        forged[i] = receipt[i];
    }
    forged[RECEIPT_TAMPER_BYTE] ^= 0x01u;
    if (hc(RVM_HC_RECONSTRUCT, worker, (uint64_t)(uintptr_t)forged, len, 0).status != STATUS_CORRUPTED) {
        finish("control: FAIL an altered receipt was not refused as corrupted\n", 1);
    }
    say("control: altered receipt refused\n");
    if (hc(RVM_HC_RECONSTRUCT, worker, (uint64_t)(uintptr_t)receipt, len, 0).status != 0) {
        finish("control: FAIL reconstruct refused\n", 1);
    }
    say("control: worker reconstructed\n");
    uint64_t got = recv_one(from_compute, HIB_MSG_RESULT);
    if (got != expect) {
        finish("control: FAIL the reconstructed worker's result differs\n", 1);
    }
    finish("control: result matches the uninterrupted run\n", 0);
}
#endif
