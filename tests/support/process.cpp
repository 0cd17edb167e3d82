#include "tests/support/process.hpp"
