/* The boot driver (spec §12.5) over the sequencer; the HAL work is the caller's callback. */
#include <rvm/boot_driver.h>

rvm_err_t rvm_boot_run(rvm_boot_t *b, rvm_boot_work_fn work, rvm_boot_tick_fn tick, void *ctx)
{
    if (b == NULL || work == NULL || tick == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (rvm_boot_is_complete(b)) {
        return RVM_ERR_UNSUPPORTED;
    }
    for (uint8_t s = rvm_boot_next_stage(b); s != RVM_BOOT_STAGE_NONE; s = rvm_boot_next_stage(b)) {
        rvm_err_t err = rvm_boot_begin_stage(b, s, tick(ctx));
        if (err != RVM_OK) {
            return err;
        }
        const void *data = NULL;
        size_t len = 0;
        err = work(ctx, b, s, &data, &len);
        if (err != RVM_OK) {
            return err;
        }
        err = rvm_boot_complete_stage_data(b, s, tick(ctx), data, len);
        if (err != RVM_OK) {
            return err;
        }
    }
    return RVM_OK;
}
