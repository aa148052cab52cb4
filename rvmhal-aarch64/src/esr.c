/* In progress: filled in by the rvmhal-aarch64 work of this session. */
