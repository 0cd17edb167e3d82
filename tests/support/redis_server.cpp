#include "tests/support/redis_server.hpp"
