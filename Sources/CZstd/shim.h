// zstd (Debian libzstd-dev): the general-purpose codec of the store's encoded sections.
#include <zstd.h>
