/*
 * Buddy allocator. Each order keeps a doubly linked free list threaded through
 * per-page links, plus a bit mask of non-empty orders, so alloc and free cost
 * O(max order) list operations and never scan a bitmap. The state byte of a
 * block's head page says whether it is a free or an allocated block, its order,
 * and whether its frames may hold old data.
 *
 * Zeroing is done on allocation, and only for blocks marked dirty: a freed block
 * is marked dirty instead of being cleared, so a frame that is freed and then
 * reused by a caller that overwrites it anyway (RVM_BUDDY_NOZERO: decompression
 * targets, copies) is never cleared at all, and a frame is cleared at most once
 * per use. Dirtiness travels with split and coalesce.
 */
#include <rvm/mem_buddy.h>

#define STATE_FREE 0x80u
#define STATE_ALLOC 0x40u
#define STATE_DIRTY 0x20u
#define STATE_ORDER 0x0Fu
#define NO_PAGE 0xFFFFFFFFu
#define PAGE_SHIFT 12u

static void list_push(rvm_buddy_t *b, uint32_t order, uint32_t idx)
{
    uint32_t head = b->heads[order];
    b->links[idx].next = head;
    b->links[idx].prev = NO_PAGE;
    if (head != NO_PAGE) {
        b->links[head].prev = idx;
    }
    b->heads[order] = idx;
    b->nonempty |= 1u << order;
}

static void list_remove(rvm_buddy_t *b, uint32_t order, uint32_t idx)
{
    uint32_t next = b->links[idx].next;
    uint32_t prev = b->links[idx].prev;
    if (prev != NO_PAGE) {
        b->links[prev].next = next;
    } else {
        b->heads[order] = next;
        if (next == NO_PAGE) {
            b->nonempty &= ~(1u << order);
        }
    }
    if (next != NO_PAGE) {
        b->links[next].prev = prev;
    }
}

rvm_err_t rvm_buddy_order_for_pages(uint64_t pages, uint32_t *order)
{
    if (order == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (pages == 0 || pages > (1u << RVM_BUDDY_MAX_ORDER)) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    uint32_t k = 0;
    while ((1ull << k) < pages) {
        k++;
    }
    *order = k;
    return RVM_OK;
}

rvm_err_t rvm_buddy_init(rvm_buddy_t *b, const rvm_buddy_storage_t *storage, rvm_phys_addr_t base_pa, void *base_ptr,
                         bool assume_zeroed)
{
    if (b == NULL || storage == NULL || storage->links == NULL || storage->state == NULL || base_ptr == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_addr_page_aligned(base_pa.bits)) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    if (storage->pages == 0 || storage->pages > RVM_BUDDY_MAX_PAGES) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    b->links = storage->links;
    b->state = storage->state;
    b->base_ptr = base_ptr;
    b->base_pa = base_pa.bits;
    b->pages = storage->pages;
    b->max_order = 0;
    while (b->max_order < RVM_BUDDY_MAX_ORDER && (2u << b->max_order) <= b->pages) {
        b->max_order++;
    }
    b->nonempty = 0;
    for (uint32_t k = 0; k < RVM_BUDDY_ORDER_COUNT; k++) {
        b->heads[k] = NO_PAGE;
    }
    for (uint32_t i = 0; i < b->pages; i++) {
        b->state[i] = 0;
    }
    uint32_t block = 1u << b->max_order;
    uint32_t blocks = b->pages / block;
    uint8_t dirty = assume_zeroed ? 0u : STATE_DIRTY;
    /* Pushed from the top so that the lowest block sits at the head of the list. */
    for (uint32_t i = blocks; i > 0; i--) {
        uint32_t idx = (i - 1) * block;
        b->state[idx] = (uint8_t)(STATE_FREE | dirty | b->max_order);
        list_push(b, b->max_order, idx);
    }
    b->free_pages = (uint64_t)blocks * block;
    return RVM_OK;
}

rvm_err_t rvm_buddy_alloc(rvm_buddy_t *b, uint32_t order, uint32_t flags, rvm_phys_addr_t *pa)
{
    if (b == NULL || pa == NULL || (flags & ~RVM_BUDDY_NOZERO) != 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (order > b->max_order) {
        return RVM_ERR_OUT_OF_MEMORY;
    }
    uint32_t candidates = b->nonempty & ~((1u << order) - 1u);
    if (candidates == 0) {
        return RVM_ERR_OUT_OF_MEMORY;
    }
    uint32_t k = (uint32_t)__builtin_ctz(candidates);
    uint32_t idx = b->heads[k];
    uint8_t dirty = b->state[idx] & STATE_DIRTY;
    list_remove(b, k, idx);
    while (k > order) {
        k--;
        uint32_t right = idx + (1u << k);
        b->state[right] = (uint8_t)(STATE_FREE | dirty | k);
        list_push(b, k, right);
    }
    b->state[idx] = (uint8_t)(STATE_ALLOC | order);
    b->free_pages -= 1ull << order;
    if (dirty != 0 && (flags & RVM_BUDDY_NOZERO) == 0) {
        __builtin_memset(b->base_ptr + ((size_t)idx << PAGE_SHIFT), 0, (size_t)RVM_PAGE_SIZE << order);
    }
    *pa = rvm_phys(b->base_pa + ((uint64_t)idx << PAGE_SHIFT));
    return RVM_OK;
}

rvm_err_t rvm_buddy_free(rvm_buddy_t *b, rvm_phys_addr_t pa, uint32_t order)
{
    if (b == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (order > b->max_order) {
        return RVM_ERR_INVALID_TIER_TRANSITION;
    }
    if (pa.bits < b->base_pa || !rvm_addr_page_aligned(pa.bits)) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    uint64_t page = (pa.bits - b->base_pa) >> PAGE_SHIFT;
    if (page >= b->pages || (page & ((1u << order) - 1u)) != 0) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    uint32_t idx = (uint32_t)page;
    if (b->state[idx] != (uint8_t)(STATE_ALLOC | order)) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    b->free_pages += 1ull << order;
    while (order < b->max_order) {
        uint32_t buddy = idx ^ (1u << order);
        uint8_t s = b->state[buddy];
        if ((s & (uint8_t)~STATE_DIRTY) != (uint8_t)(STATE_FREE | order)) {
            break;
        }
        list_remove(b, order, buddy);
        b->state[buddy] = 0;
        b->state[idx] = 0;
        idx &= ~(1u << order);
        order++;
    }
    /* The freed block held a partition's data; whatever it merged with is dirty too. */
    b->state[idx] = (uint8_t)(STATE_FREE | STATE_DIRTY | order);
    list_push(b, order, idx);
    return RVM_OK;
}

uint64_t rvm_buddy_free_pages(const rvm_buddy_t *b)
{
    return b == NULL ? 0 : b->free_pages;
}

uint32_t rvm_buddy_max_order(const rvm_buddy_t *b)
{
    return b == NULL ? 0 : b->max_order;
}

void *rvm_buddy_ptr(const rvm_buddy_t *b, rvm_phys_addr_t pa, size_t len)
{
    if (b == NULL || pa.bits < b->base_pa) {
        return NULL;
    }
    uint64_t off = pa.bits - b->base_pa;
    uint64_t size = (uint64_t)b->pages << PAGE_SHIFT;
    if (off > size || len > size - off) {
        return NULL;
    }
    return b->base_ptr + off;
}
