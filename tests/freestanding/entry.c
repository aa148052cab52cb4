/* Entry point of the link-test image: it is linked, never run. */
typedef void (*rvm_link_fn)(void);

extern const rvm_link_fn rvm_link_all[];

void rvm_link_entry(void);

/* A volatile store the compiler may not drop keeps the table reachable. */
const rvm_link_fn *volatile rvm_link_keep;

void rvm_link_entry(void)
{
    rvm_link_keep = rvm_link_all;
    for (;;) {
    }
}
