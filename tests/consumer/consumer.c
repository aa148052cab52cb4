/*
 * A firmware-sized user of librvmcap: one table, one witness ring, a root
 * capability, a derived read-only capability, checks, and a revocation.
 * Exits 0 only when every step behaves as the library documents.
 */
#include <stdio.h>

#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>
#include <rvm/librvmcap_version.h>
#include <rvm/witness_log.h>

#define EXPECT(cond)                                                     \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "consumer: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            return 1;                                                    \
        }                                                                \
    } while (0)

RVM_CAP_STORAGE_DEFINE(table, 64, 16);
static rvm_witness_record_t ring[128];
static rvm_nonce_ring_t nonces;

int main(void)
{
    rvm_witness_log_t log;
    rvm_cap_manager_t caps;
    EXPECT(rvm_witness_log_init(&log, ring, 128, NULL) == RVM_OK);
    EXPECT(rvm_nonce_ring_init(&nonces, false) == RVM_OK);
    EXPECT(rvm_cap_manager_init(&caps, &table, NULL, &log, &nonces) == RVM_OK);

    rvm_cap_handle_t root;
    rvm_cap_handle_t child;
    EXPECT(rvm_cap_create_root(&caps, RVM_PARTITION_HYPERVISOR, RVM_OBJ_REGION, 0x1000,
                               RVM_RIGHT_READ | RVM_RIGHT_WRITE | RVM_RIGHT_GRANT | RVM_RIGHT_REVOKE, 0, 1,
                               &root) == RVM_OK);
    EXPECT(rvm_cap_grant(&caps, 1, root, RVM_RIGHT_READ, 7, 2, &child) == RVM_OK);
    EXPECT(rvm_cap_verify_p1(&caps, child, RVM_RIGHT_READ) == RVM_OK);
    EXPECT(rvm_cap_verify_p1(&caps, child, RVM_RIGHT_WRITE) != RVM_OK);
    uint32_t revoked = 0;
    EXPECT(rvm_cap_revoke(&caps, 1, root, &revoked) == RVM_OK);
    EXPECT(revoked == 2);
    EXPECT(rvm_cap_verify_p1(&caps, child, RVM_RIGHT_READ) != RVM_OK);
    EXPECT(rvm_witness_total_emitted(&log) == 3);
    printf("consumer: librvmcap %s: root, grant, P1, revoke and 3 witness records as documented\n",
           RVM_CAP_VERSION_STRING);
    return 0;
}
