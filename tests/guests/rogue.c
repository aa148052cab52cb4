/*
 * Guest `rogue`: a hostile partition for the containment tests. In order:
 *  1. Makes unknown and malformed hypercalls: unknown function IDs; console
 *     writes from buffers outside its RAM, spanning its end, with lengths
 *     past RVM_HC_CONSOLE_MAX and wrapping the address space; witness
 *     queries into such buffers or with a forged log handle; capability
 *     grants and revokes with forged handles, out-of-range indices,
 *     generation 0 (a freed slot) and a genuinely stale handle: one it
 *     derives, through an intermediate copy, from its boot capability (x1
 *     at entry) and then loses by revoking the intermediate's subtree (not
 *     the boot capability's: its hypercalls need that one). Each must be
 *     refused; it prints one line per probe with the status it got.
 *  2. Spins for ROGUE_SPIN_MS without yielding: the other partitions must
 *     still make progress and finish.
 *  3. Reads ROGUE_FOREIGN_IPA (another partition's memory if IPAs were
 *     shared), which must raise a stage-2 fault that stops this partition.
 *     If it does not, it reads ROGUE_ABOVE_RAM_IPA (where the hypervisor
 *     would be if identity-mapped, or the first IPA past its RAM when its
 *     RAM reaches that far), then exits 1: the kernel failed to contain it.
 *
 * Console lines (the tests match them):
 *   rogue: partition <id> probing
 *   rogue: derived <handle> via <handle> from boot capability <handle>, then revoked status=<status>
 *   rogue: SETUP-FAILED <step> status=<status>          (no stale handle to probe with)
 *   rogue: refused <probe> status=<negative status>     (a probe that passed)
 *   rogue: ACCEPTED <probe> status=<status>             (a containment bug)
 *   rogue: spinning
 *   rogue: touching <address>
 *   rogue: ESCAPED read <address> = <value>             (a containment bug)
 */
#include "guest.h"

#ifndef RVM_GUEST_RAM_BYTES
#error "meson.build defines RVM_GUEST_RAM_BYTES, the size of every guest's RAM"
#endif

#define ROGUE_RAM_BASE 0x40000000u
#define ROGUE_RAM_END ((uint64_t)ROGUE_RAM_BASE + RVM_GUEST_RAM_BYTES)
#define ROGUE_FOREIGN_IPA 0x48000000u
/* The hypervisor's own load address if the kernel identity-mapped it, unless that is still the rogue's RAM. */
#if ROGUE_RAM_BASE + RVM_GUEST_RAM_BYTES > 0x40200000u
#define ROGUE_ABOVE_RAM_IPA ROGUE_RAM_END
#else
#define ROGUE_ABOVE_RAM_IPA 0x40200000u
#endif
#define ROGUE_SPIN_MS 100u
#define ROGUE_RIGHTS_ALL 0xffffffffu
/* RVM_RIGHT_READ and RVM_RIGHT_GRANT of rvm/rights.h; the guest ABI header carries no rights. */
#define ROGUE_RIGHT_READ 0x1u
#define ROGUE_RIGHT_GRANT 0x4u
/* Handles no kernel hands out: arbitrary index and generation, an index past any table, a freed slot. */
#define ROGUE_FORGED_HANDLE 0x00007a3c5eed1234ull
#define ROGUE_FAR_HANDLE 0xffffffff00000001ull
#define ROGUE_FREED_HANDLE 0x0000000100000000ull
/* Wraps past the top of the address space when added to the start of the rogue's RAM. */
#define ROGUE_WRAP_LEN (~(uint64_t)0 - 0xfffu)

typedef struct probe {
    const char *name;
    uint64_t a1, a2, a3, a4;
    uint32_t call;
    /* Only RVM_HC_NOT_SUPPORTED is correct for an unknown call; any negative status refuses the others. */
    int exact_not_supported;
} probe_t;

/* A buffer the rogue does own: probes that should fail only because of another argument point here. */
static uint8_t own_buf[64];

static void run_probe(const probe_t *p)
{
    rvm_hc_result_t r = rvm_hc_call(p->call, p->a1, p->a2, p->a3, p->a4, 0, 0);
    int refused = p->exact_not_supported ? r.status == RVM_HC_NOT_SUPPORTED : r.status < 0;
    guest_line_t line;
    guest_line_start(&line, refused ? "rogue: refused " : "rogue: ACCEPTED ");
    guest_line_str(&line, p->name);
    guest_line_str(&line, " status=");
    guest_line_dec(&line, r.status);
    (void)guest_line_end(&line);
}

static uint64_t touch(uint64_t ipa)
{
    guest_line_t line;
    guest_line_start(&line, "rogue: touching ");
    guest_line_hex(&line, ipa);
    (void)guest_line_end(&line);
    uint64_t value = *(volatile const uint64_t *)(uintptr_t)ipa; // NOLINT(performance-no-int-to-ptr): an IPA
    guest_line_start(&line, "rogue: ESCAPED read ");
    guest_line_hex(&line, ipa);
    guest_line_str(&line, " = ");
    guest_line_hex(&line, value);
    (void)guest_line_end(&line);
    return value;
}

static void setup_failed(const char *step, int64_t status)
{
    guest_line_t line;
    guest_line_start(&line, "rogue: SETUP-FAILED ");
    guest_line_str(&line, step);
    guest_line_str(&line, " status=");
    guest_line_dec(&line, status);
    (void)guest_line_end(&line);
}

/*
 * Makes a handle that was valid and no longer is: derive a copy of the boot
 * capability and a copy of that copy, then revoke the first copy's subtree,
 * which takes the second. Returns 0 when the kernel refused a step that
 * should have worked.
 */
static uint64_t make_stale_handle(uint64_t boot, uint64_t pid)
{
    rvm_hc_result_t via =
        rvm_hc_call(RVM_HC_FID(RVM_HC_CAP_GRANT), boot, ROGUE_RIGHT_READ | ROGUE_RIGHT_GRANT, pid, 0, 0, 0);
    if (via.status != 0) {
        setup_failed("grant-from-boot-capability", via.status);
        return 0;
    }
    rvm_hc_result_t grant = rvm_hc_call(RVM_HC_FID(RVM_HC_CAP_GRANT), via.r1, ROGUE_RIGHT_READ, pid, 0, 0, 0);
    if (grant.status != 0) {
        setup_failed("grant-from-copy", grant.status);
        return 0;
    }
    rvm_hc_result_t revoke = rvm_hc_call(RVM_HC_FID(RVM_HC_CAP_REVOKE), via.r1, 0, 0, 0, 0, 0);
    if (revoke.status != 0) {
        setup_failed("revoke-copy", revoke.status);
        return 0;
    }
    guest_line_t line;
    guest_line_start(&line, "rogue: derived ");
    guest_line_hex(&line, grant.r1);
    guest_line_str(&line, " via ");
    guest_line_hex(&line, via.r1);
    guest_line_str(&line, " from boot capability ");
    guest_line_hex(&line, boot);
    guest_line_str(&line, ", then revoked status=");
    guest_line_dec(&line, revoke.status);
    (void)guest_line_end(&line);
    return grant.r1;
}

int main(void)
{
    const uint64_t own = (uint64_t)(uintptr_t)own_buf;
    rvm_hc_result_t self = rvm_hc_call(RVM_HC_FID(RVM_HC_SELF_ID), 0, 0, 0, 0, 0, 0);
    const uint64_t pid = self.status == 0 ? self.r1 : 0;
    const probe_t probes[] = {
        { "unknown-call", 0, 0, 0, 0, RVM_HC_FID(0xfffu), 1 },
        { "unknown-fid", 0, 0, 0, 0, 0x12345678u, 1 },
        { "console-foreign", ROGUE_FOREIGN_IPA, 16, 0, 0, RVM_HC_FID(RVM_HC_CONSOLE_WRITE), 0 },
        { "console-above-ram", ROGUE_ABOVE_RAM_IPA, 16, 0, 0, RVM_HC_FID(RVM_HC_CONSOLE_WRITE), 0 },
        { "console-span-end", ROGUE_RAM_END - 16, 64, 0, 0, RVM_HC_FID(RVM_HC_CONSOLE_WRITE), 0 },
        { "console-too-long", ROGUE_RAM_BASE, RVM_HC_CONSOLE_MAX + 1u, 0, 0, RVM_HC_FID(RVM_HC_CONSOLE_WRITE), 0 },
        { "console-huge", ROGUE_RAM_BASE, 1ull << 40, 0, 0, RVM_HC_FID(RVM_HC_CONSOLE_WRITE), 0 },
        { "console-wrap", ROGUE_RAM_BASE + 0x1000u, ROGUE_WRAP_LEN, 0, 0, RVM_HC_FID(RVM_HC_CONSOLE_WRITE), 0 },
        { "witness-foreign", ROGUE_FOREIGN_IPA, 4, 0, 0, RVM_HC_FID(RVM_HC_WITNESS_QUERY), 0 },
        { "witness-span-end", ROGUE_RAM_END - 64, 4, 0, 0, RVM_HC_FID(RVM_HC_WITNESS_QUERY), 0 },
        { "witness-forged-log", own, 1, ROGUE_FORGED_HANDLE, 0, RVM_HC_FID(RVM_HC_WITNESS_QUERY), 0 },
        { "grant-forged", ROGUE_FORGED_HANDLE, ROGUE_RIGHTS_ALL, pid, 0, RVM_HC_FID(RVM_HC_CAP_GRANT), 0 },
        { "grant-far-index", ROGUE_FAR_HANDLE, ROGUE_RIGHTS_ALL, pid, 0, RVM_HC_FID(RVM_HC_CAP_GRANT), 0 },
        { "grant-freed-slot", ROGUE_FREED_HANDLE, ROGUE_RIGHTS_ALL, pid, 0, RVM_HC_FID(RVM_HC_CAP_GRANT), 0 },
        { "revoke-forged", ROGUE_FORGED_HANDLE, 0, 0, 0, RVM_HC_FID(RVM_HC_CAP_REVOKE), 0 },
        { "revoke-far-index", ROGUE_FAR_HANDLE, 0, 0, 0, RVM_HC_FID(RVM_HC_CAP_REVOKE), 0 },
        { "revoke-freed-slot", ROGUE_FREED_HANDLE, 0, 0, 0, RVM_HC_FID(RVM_HC_CAP_REVOKE), 0 },
    };

    guest_line_t line;
    guest_line_start(&line, "rogue: partition ");
    guest_line_dec(&line, (int64_t)pid);
    guest_line_str(&line, " probing");
    (void)guest_line_end(&line);

    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        run_probe(&probes[i]);
    }

    const uint64_t stale = make_stale_handle(guest_boot_regs[1], pid);
    if (stale != 0) {
        const probe_t stale_probes[] = {
            { "grant-stale", stale, ROGUE_RIGHT_READ, pid, 0, RVM_HC_FID(RVM_HC_CAP_GRANT), 0 },
            { "revoke-stale", stale, 0, 0, 0, RVM_HC_FID(RVM_HC_CAP_REVOKE), 0 },
        };
        for (size_t i = 0; i < sizeof stale_probes / sizeof stale_probes[0]; i++) {
            run_probe(&stale_probes[i]);
        }
    }

    guest_line_start(&line, "rogue: spinning");
    (void)guest_line_end(&line);
    guest_spin_ms(ROGUE_SPIN_MS);

    /* Only a kernel that failed to contain the first read gets this far, so both reads are last. */
    (void)touch(ROGUE_FOREIGN_IPA);
    (void)touch(ROGUE_ABOVE_RAM_IPA);
    return 1;
}
