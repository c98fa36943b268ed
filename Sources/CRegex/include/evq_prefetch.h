// A memory hint for scans over many small heap strings (dictionary values): asking for the
// next values' bytes early overlaps their cache misses instead of paying them one by one.
#ifndef EVQ_PREFETCH_H
#define EVQ_PREFETCH_H

static inline void evq_prefetch(const void *address) {
    if (address) __builtin_prefetch(address, 0, 0);
}

#endif
