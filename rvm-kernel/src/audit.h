/*
 * The kernel's witness log and its console stream: every record appended,
 * by the kernel or by a library writing to the same log, is printed in
 * librvmwitness's line form, so a captured console log can be verified with
 * `rvm-witness verify`.
 */
#ifndef RVM_KERNEL_AUDIT_H
#define RVM_KERNEL_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/boot_sequence.h>
#include <rvm/err.h>
#include <rvm/witness_log.h>

/* Ring capacity in records (64 bytes each); the console stream drains it long before it wraps. */
#ifndef RVM_AUDIT_CAPACITY
#define RVM_AUDIT_CAPACITY 1024u
#endif

/* Creates the log (chain mode 2, SHA-256, stamped from the generic timer) through the boot sequencer and prints
 * the stream's header line. */
rvm_err_t rvm_audit_attach(rvm_boot_t *boot);
rvm_witness_log_t *rvm_audit_log(void);
/* Appends one kernel record (timestamp from the counter); the record is streamed by the next rvm_audit_stream. */
rvm_err_t rvm_audit_emit(uint8_t action, uint32_t actor, uint64_t target, uint8_t flags,
                         const uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE]);
/* Prints every record appended since the last call, oldest first. */
void rvm_audit_stream(void);
/* Verifies the live ring; false, with the first bad sequence in *bad_seq, when the chain is broken. */
bool rvm_audit_verify(uint64_t *bad_seq);
/* Streams what is left and prints the end line (count and final chain value). */
void rvm_audit_end(void);
/* Nanoseconds of the generic timer, the time base of every record. */
uint64_t rvm_audit_now_ns(void);

#endif
