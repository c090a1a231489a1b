#include <sqlite3.h>

/// Turns off SQLite's memory-usage statistics, which take a global mutex on every allocation
/// (https://sqlite.org/c3ref/c_config_covering_index_scan.html#sqliteconfigmemstatus). Only possible
/// before SQLite initialises, that is before the first connection opens; a no-op afterwards.
/// sqlite3_config is variadic, which Swift cannot call, hence this wrapper.
static inline int memledger_sqlite_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
