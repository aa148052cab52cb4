/*
 * Memory tiers of the pages tasks live in (librvmmem's tier engine): each
 * task page is a Hot region whose recency its messages refresh and whose cut
 * value is its host's coherence score, published every epoch (spec §15.3 c),
 * so the residency score ranks the pages of incoherent partitions first for
 * demotion. A task page is always mapped in its host, so nothing demotes it
 * yet: the kernel keeps the ranking current for the policy that will.
 */
#ifndef RVM_KERNEL_TIERS_H
#define RVM_KERNEL_TIERS_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>

/* Binds the engine to the frame allocator's largest buddy, before any task page exists. */
rvm_err_t rvm_tiers_setup(void);
/* A zeroed Hot page for region `region` of partition `owner`; its frame goes to `pa`. */
rvm_err_t rvm_tiers_page(uint32_t region, uint32_t owner, rvm_phys_addr_t *pa);
/* The page goes back to the allocator. */
void rvm_tiers_release(uint32_t region);
/* The page was used (a message to or from its task): its recency is refreshed. */
void rvm_tiers_access(uint32_t region);
/* The page's cut value: its host's coherence score in bp. */
void rvm_tiers_cut_value(uint32_t region, uint32_t score_bp);
/* CPU 0's epoch: recency decays and the tier epoch advances. */
void rvm_tiers_epoch(void);

#endif
